namespace Axle.Api.Features.Backups;

/// <summary>
/// Runs a backup requested over HTTP in the background of this instance, one at a time, so the request can be answered
/// 202 at once however long <c>pg_dump</c> takes. The result shows up in the backup folder (and the log).
/// </summary>
internal sealed partial class BackupRunner(
    IServiceScopeFactory scopes, IHostApplicationLifetime lifetime, ILogger<BackupRunner> logger)
{
    private readonly Lock _gate = new();
    private Task _current = Task.CompletedTask;

    /// <summary>The backup running now, or the last one; tests await it.</summary>
    public Task Current
    {
        get
        {
            lock (_gate)
            {
                return _current;
            }
        }
    }

    /// <summary>Starts a backup unless one is running; false when one is.</summary>
    public bool TryStart()
    {
        lock (_gate)
        {
            if (!_current.IsCompleted)
            {
                return false;
            }

            _current = Task.Run(RunAsync);
            return true;
        }
    }

    private async Task RunAsync()
    {
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var report = await scope.ServiceProvider.GetRequiredService<Backups>().CreateAsync(null, lifetime.ApplicationStopping);
            LogDone(logger, report.File, report.Seconds);
        }
        catch (Exception e)
        {
            // Nobody awaits this task: the log is where a failed requested backup is seen.
            LogFailed(logger, e);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Requested backup written to {File} in {Seconds:F1} s")]
    private static partial void LogDone(ILogger logger, string file, double seconds);

    [LoggerMessage(Level = LogLevel.Error, Message = "Requested backup failed")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}
