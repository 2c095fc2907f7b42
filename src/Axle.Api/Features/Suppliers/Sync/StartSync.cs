using Axle.Api.Features.Audit;
using Axle.Api.Platform.Data;
using Axle.Api.Platform.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace Axle.Api.Features.Suppliers.Sync;

/// <summary>
/// <c>POST /api/v1/suppliers/{id}/sync?mode=full|incremental|reconcile</c> (admin): queues a pull; the sync worker runs it.
/// One open run per supplier (409 sync_in_progress); a supplier without a feed cannot be pulled (409 no_feed).
/// </summary>
internal static class StartSync
{
    public static async Task<Results<Accepted<SyncRunResponse>, ValidationProblem, ProblemHttpResult>> Handle(
        long id, [FromQuery(Name = "mode")] string? mode, AppDbContext db, AuditTrail audit, TimeProvider time, CancellationToken ct)
    {
        SyncMode parsed = SyncMode.Full;
        if (mode is not null && (!Enum.TryParse(mode, ignoreCase: true, out parsed) || int.TryParse(mode, out _)))
        {
            return Problems.Validation("mode", "One of: full, incremental, reconcile.");
        }

        var supplier = await db.Set<Supplier>().AsNoTracking().Where(s => s.Id == id)
            .Select(s => new { s.Id, s.Active, HasFeed = s.Feed != null }).FirstOrDefaultAsync(ct);
        if (supplier is null)
        {
            return Problems.NotFound("No supplier has this id.");
        }

        if (!supplier.HasFeed)
        {
            return Problems.Conflict("no_feed", "No feed", "This supplier has no pull feed; configure one with PUT /api/v1/suppliers/{id}/feed.");
        }

        if (!supplier.Active)
        {
            return Problems.Conflict("supplier_inactive", "Supplier inactive", "An inactive supplier is not pulled.");
        }

        var now = time.GetUtcNow().UtcDateTime;
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var run = await SupplierSync.QueueAsync(db, id, parsed, "manual", now, ct);
        if (run is null)
        {
            var open = await db.Set<SyncRun>().AsNoTracking()
                .Where(r => r.SupplierId == id && (r.Status == SyncRunStatus.Queued || r.Status == SyncRunStatus.Running))
                .Select(r => (Guid?)r.Id).FirstOrDefaultAsync(ct);
            return Problems.Conflict("sync_in_progress", "Sync in progress",
                "This supplier already has a queued or running sync.", new Dictionary<string, object?> { ["runId"] = open });
        }

        audit.Record(db, "suppliers.sync_requested", $"supplier/{id}", details: new { run.Id, Mode = run.Mode.ToString() });
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        return TypedResults.Accepted(SyncRunResponse.Location(run.Id), SyncRunResponse.From(run, now));
    }
}
