using Axle.Api.Platform.Data;
using Axle.Api.Platform.Hosting;
using Microsoft.Extensions.Options;

namespace Axle.Api.Features.Backups;

/// <summary>
/// Takes a backup when <see cref="BackupOptions.Schedule"/> has fired since the newest file in the backup folder (at once
/// when the folder has none), then prunes the folder to <see cref="BackupOptions.Keep"/>. Across instances a lease gives
/// each occurrence to one of them: the winner keeps the lease until the next occurrence is due, so the others skip it.
/// </summary>
internal sealed partial class BackupWorker(
    IServiceScopeFactory scopes, IOptions<WorkersOptions> workers, IOptions<BackupOptions> options, BackupStore store,
    InstanceIdentity instance, TimeProvider time, ILogger<BackupWorker> logger)
    : PeriodicWorker(scopes, workers, time, logger)
{
    public const string LeaseName = "backups:scheduled";

    protected override TimeSpan Interval => TimeSpan.FromMinutes(1);

    protected override async Task<int> RunAsync(IServiceProvider services, CancellationToken ct)
    {
        if (options.Value.Cron is not { } cron)
        {
            return 0;
        }

        var now = services.GetRequiredService<TimeProvider>().GetUtcNow().UtcDateTime;
        if (store.List() is [var newest, ..] && (cron.GetNextOccurrence(newest.CreatedAt) is not { } due || due > now))
        {
            return 0;
        }

        var db = services.GetRequiredService<AppDbContext>();
        var next = cron.GetNextOccurrence(now) ?? now.AddDays(1);
        var hold = next - now < TimeSpan.FromMinutes(1) ? TimeSpan.FromMinutes(1) : next - now;
        if (!await Leases.TryAcquireAsync(db, LeaseName, instance.Id, hold, now, ct))
        {
            return 0;
        }

        BackupReport report;
        try
        {
            report = await services.GetRequiredService<Backups>().CreateAsync(null, ct);
        }
        catch
        {
            await Leases.ReleaseAsync(db, LeaseName, instance.Id, CancellationToken.None);
            throw;
        }

        if (!report.Ok)
        {
            // Let another instance (or the next tick) try this occurrence again.
            await Leases.ReleaseAsync(db, LeaseName, instance.Id, CancellationToken.None);
            LogFailed(logger, report.Problem);
            return 0;
        }

        LogBackup(logger, report.File, report.Manifest?.PayloadBytes ?? 0, report.Seconds, report.Deleted?.Count ?? 0);
        return 1;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Backup written to {File} ({Bytes} bytes of database in {Seconds:F1} s); {Pruned} old file(s) pruned")]
    private static partial void LogBackup(ILogger logger, string file, long bytes, double seconds, int pruned);

    [LoggerMessage(Level = LogLevel.Error, Message = "Scheduled backup failed: {Problem}")]
    private static partial void LogFailed(ILogger logger, string? problem);
}
