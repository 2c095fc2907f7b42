using System.ComponentModel.DataAnnotations;
using Axle.Api.Platform.Data;
using Axle.Api.Platform.Hosting;
using Microsoft.Extensions.Options;

namespace Axle.Api.Features.Analytics;

public sealed class AnalyticsOptions
{
    public const string Section = "Analytics";

    /// <summary>How often counts gathered in memory are added to the hourly rollups (what a crash can lose at most).</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:10:00")]
    public TimeSpan FlushInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>The longest range one report may cover.</summary>
    [Range(1, 3660)]
    public int MaxRangeDays { get; set; } = 366;
}

/// <summary>Adds the recorder's counts to <see cref="AnalyticsRollup"/>; counts a failed flush could not write wait for the next.</summary>
public sealed partial class AnalyticsFlushWorker(
    IServiceScopeFactory scopes, IOptions<WorkersOptions> workers, IOptions<AnalyticsOptions> options, AnalyticsRecorder recorder,
    TimeProvider clock, ILogger<AnalyticsFlushWorker> log)
    : PeriodicWorker(scopes, workers, clock, log)
{
    protected override TimeSpan Interval => options.Value.FlushInterval;

    protected override async Task<int> RunAsync(IServiceProvider services, CancellationToken ct)
    {
        var counts = recorder.Drain();
        if (counts.Count == 0)
        {
            return 0;
        }

        try
        {
            await AnalyticsRollups.AddAsync(services.GetRequiredService<AppDbContext>(), counts, ct);
        }
        catch
        {
            recorder.Restore(counts);
            throw;
        }

        // Rows, not requests: a busy interval is still a handful of rows, and not worth an information line each time.
        return 0;
    }

    /// <summary>A stopping instance writes what it has gathered since the last tick.</summary>
    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        if (recorder.HasPending)
        {
            try
            {
                await RunOnceAsync(cancellationToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                LogLost(log, e);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Analytics counts gathered since the last flush were not written on shutdown")]
    private static partial void LogLost(ILogger logger, Exception exception);
}
