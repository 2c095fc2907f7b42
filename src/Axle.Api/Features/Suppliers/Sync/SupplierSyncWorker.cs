using System.Text.Json;
using Axle.Api.Features.Suppliers.Feeds;
using Axle.Api.Platform.Data;
using Axle.Api.Platform.Hosting;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Axle.Api.Features.Suppliers.Sync;

/// <summary>
/// The sync scheduler and runner. Each iteration: queue a run for every active supplier whose feed schedule is due
/// (<see cref="FeedSchedule.NextRun"/> from its last run; incremental once a full run has set a checkpoint, full before,
/// and a reconciliation instead of an incremental pull once per <see cref="SupplierOptions.ReconcileInterval"/>;
/// trigger <c>schedule</c>, or <c>resume</c> when it continues a failed run's checkpoint), then run the open runs oldest
/// first. A queued run whose supplier's lease another instance holds waits for a later iteration; a running run is
/// continued from its checkpoint when its lease is free, i.e. its runner died (a crash, a kill) or gave it up on shutdown.
/// </summary>
internal sealed partial class SupplierSyncWorker(
    IServiceScopeFactory scopes, IOptions<WorkersOptions> workers, IOptions<SupplierOptions> options, TimeProvider clock,
    ILogger<SupplierSyncWorker> log)
    : PeriodicWorker(scopes, workers, clock, log)
{
    protected override TimeSpan Interval => options.Value.SchedulerInterval;

    protected override async Task<int> RunAsync(IServiceProvider services, CancellationToken ct)
    {
        var db = services.GetRequiredService<AppDbContext>();
        var sync = services.GetRequiredService<SupplierSync>();
        await ScheduleDueAsync(db, services.GetRequiredService<TimeProvider>().GetUtcNow().UtcDateTime, ct);

        db.ChangeTracker.Clear();
        var open = await db.Set<SyncRun>().AsNoTracking()
            .Where(r => r.Status == SyncRunStatus.Queued || r.Status == SyncRunStatus.Running)
            .OrderBy(r => r.CreatedAt)
            .Select(r => r.Id)
            .ToListAsync(ct);
        var handled = 0;
        foreach (var id in open)
        {
            if (await sync.RunAsync(id, ct) == SyncOutcome.Finished)
            {
                handled++;
            }
        }

        return handled;
    }

    private async Task ScheduleDueAsync(AppDbContext db, DateTime now, CancellationToken ct)
    {
        var suppliers = await db.Set<Supplier>().AsNoTracking().Where(s => s.Active && s.Feed != null)
            .Select(s => new { s.Id, s.Feed }).ToListAsync(ct);
        if (suppliers.Count == 0)
        {
            return;
        }

        var ids = suppliers.Select(s => s.Id).ToList();
        var lastRuns = await db.Set<SupplierSyncState>().AsNoTracking().Where(s => ids.Contains(s.SupplierId))
            .ToDictionaryAsync(s => s.SupplierId, ct);
        foreach (var supplier in suppliers)
        {
            FeedSettings settings;
            try
            {
                settings = JsonSerializer.Deserialize<FeedSettings>(supplier.Feed!, SupplierResponse.Json)!;
            }
            catch (JsonException e)
            {
                LogBadSettings(log, e, supplier.Id);
                continue;
            }

            var state = lastRuns.GetValueOrDefault(supplier.Id);
            if (FeedSchedule.NextRun(settings, state?.LastRunAt, now) > now)
            {
                continue;
            }

            db.ChangeTracker.Clear();
            await using var transaction = await db.Database.BeginTransactionAsync(ct);
            var latest = await db.Set<SyncRun>().AsNoTracking().Where(r => r.SupplierId == supplier.Id)
                .OrderByDescending(r => r.CreatedAt).ThenByDescending(r => r.Id)
                .Select(r => new { r.Mode, r.Status, r.Cursor }).FirstOrDefaultAsync(ct);
            var (mode, trigger) = latest is { Status: SyncRunStatus.Failed, Cursor: not null } && latest.Mode != SyncMode.Reconcile
                ? (latest.Mode, "resume")
                : (state?.IncrementalSince is null ? SyncMode.Full
                    : await ReconcileDueAsync(db, supplier.Id, now, ct) ? SyncMode.Reconcile
                    : SyncMode.Incremental, "schedule");
            if (await SupplierSync.QueueAsync(db, supplier.Id, mode, trigger, now, ct) is not null)
            {
                await db.SaveChangesAsync(ct);
                await transaction.CommitAsync(ct);
            }
        }
    }

    /// <summary>Reconciliations take the place of an incremental pull once per <see cref="SupplierOptions.ReconcileInterval"/>,
    /// counted from the start of the last reconciliation or full pull (which leaves nothing to reconcile), whatever became of
    /// it: a failing one does not crowd out incremental pulls.</summary>
    private async Task<bool> ReconcileDueAsync(AppDbContext db, long supplierId, DateTime now, CancellationToken ct)
    {
        var interval = options.Value.ReconcileInterval;
        if (interval <= TimeSpan.Zero)
        {
            return false;
        }

        var last = await db.Set<SyncRun>().AsNoTracking().Where(r => r.SupplierId == supplierId && (r.Mode == SyncMode.Reconcile || r.Mode == SyncMode.Full))
            .OrderByDescending(r => r.CreatedAt).Select(r => (DateTime?)r.CreatedAt).FirstOrDefaultAsync(ct);
        return last is null || last.Value + interval <= now;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Supplier {SupplierId} has feed settings that cannot be read; it is not scheduled")]
    private static partial void LogBadSettings(ILogger logger, Exception exception, long supplierId);
}
