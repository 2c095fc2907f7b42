using Axle.Api.Features.Catalog;
using Axle.Api.Features.Inventory;
using Axle.Api.Platform.Data;
using Microsoft.EntityFrameworkCore;

namespace Axle.Api.Features.Suppliers.Reconciliation;

/// <summary>
/// The reconciliation half of a <see cref="SyncMode.Reconcile"/> run: a full pull of the supplier's feed whose pages
/// <see cref="SupplierStockApplier"/> folds as usual but, instead of (or, for suppliers with <c>autoCorrect</c>, before)
/// applying, hands here to be compared with Axle's levels.
/// <list type="bullet">
/// <item>Per page (<see cref="ComparePageAsync"/>): a level whose on hand differs from the supplier's newest figure (or whose
/// part's price differs, for suppliers that set prices) gets a discrepancy row, keeping its <c>Since</c> while it persists;
/// a level that agrees loses its row; every level the page names is marked seen in the supplier snapshot (by the snapshot
/// write where there is one, here otherwise).</item>
/// <item>At the end (<see cref="FinishAsync"/>): levels of the supplier's warehouses holding stock that the feed did not list
/// are reported <see cref="DiscrepancyKind.NotListed"/> (never zeroed automatically: a feed that lost rows would otherwise
/// empty the warehouse), and rows of earlier runs that this run did not confirm go.</item>
/// </list>
/// Records older than what Axle already applied for a level are not compared (Axle has newer news, e.g. a push that arrived
/// after the supplier generated its feed), so a feed racing with pushes reports nothing false.
/// </summary>
internal static class SupplierReconciler
{
    private const int SweepBatch = 2000;

    /// <summary>
    /// Compares a page's folded plans with the levels as read; returns the discrepancies recorded. <paramref name="seenLevels"/>:
    /// the levels the page named whose snapshot the caller does not write (that write marks its levels seen itself).
    /// </summary>
    public static async Task<int> ComparePageAsync(
        AppDbContext db, ApplyContext context, IReadOnlyList<SupplierStockApplier.Plan> plans, IReadOnlyCollection<long> seenLevels,
        bool correcting, DateTime now, CancellationToken ct)
    {
        var runId = context.RunId ?? throw new InvalidOperationException("A reconciliation belongs to a sync run.");
        await MarkSeenAsync(db, runId, seenLevels, ct);

        var ourPrices = new Dictionary<long, (long Price, string Currency)>();
        if (context.ApplyPrices)
        {
            var priced = plans.Where(p => p.PriceMinor is not null).Select(p => p.Level.PartId).Distinct().ToList();
            if (priced.Count > 0)
            {
                ourPrices = await db.Set<Part>().AsNoTracking().Where(p => priced.Contains(p.Id))
                    .ToDictionaryAsync(p => p.Id, p => (p.PriceMinor, p.Currency), ct);
            }
        }

        var compared = plans.Select(p => p.Level.LevelId).ToList();
        var existing = compared.Count == 0
            ? []
            : await db.Set<SupplierDiscrepancy>().Where(d => compared.Contains(d.LevelId)).ToDictionaryAsync(d => d.LevelId, ct);
        var found = 0;
        foreach (var plan in plans)
        {
            var level = plan.Level;
            var quantityDiffers = plan.Target != level.OnHand;
            long? ourPrice = ourPrices.TryGetValue(level.PartId, out var ours)
                && (plan.Currency is null || string.Equals(plan.Currency, ours.Currency, StringComparison.Ordinal))
                    ? ours.Price
                    : null;
            var priceDiffers = plan.PriceMinor is { } theirPrice && ourPrice is { } mine && mine != theirPrice;
            if (!quantityDiffers && !priceDiffers)
            {
                if (existing.TryGetValue(level.LevelId, out var resolved))
                {
                    db.Remove(resolved);
                }

                continue;
            }

            var kind = quantityDiffers && priceDiffers ? DiscrepancyKind.QuantityAndPrice
                : quantityDiffers ? DiscrepancyKind.Quantity
                : DiscrepancyKind.Price;
            if (!existing.TryGetValue(level.LevelId, out var row))
            {
                row = new SupplierDiscrepancy(context.SupplierId, level.LevelId, level.PartId, level.WarehouseId, now);
                db.Add(row);
            }

            row.Report(kind, level.OnHand, plan.Target, ourPrice, priceDiffers ? plan.PriceMinor : null, plan.NewestAt, runId,
                correcting, now);
            found++;
        }

        return found;
    }

    /// <summary>
    /// Ends a reconciliation: stock the feed did not list is reported, and rows this run did not confirm go. Returns the
    /// <see cref="DiscrepancyKind.NotListed"/> rows recorded. The caller saves.
    /// </summary>
    public static async Task<int> FinishAsync(AppDbContext db, long supplierId, Guid runId, DateTime now, CancellationToken ct)
    {
        var found = 0;
        var after = 0L;
        while (true)
        {
            var unseen = await (
                    from l in db.Set<StockLevel>().AsNoTracking()
                    join sw in db.Set<SupplierWarehouse>() on l.WarehouseId equals sw.WarehouseId
                    where sw.SupplierId == supplierId && l.OnHand != 0 && l.Id > after
                        && !db.Set<SupplierStock>().Any(s => s.LevelId == l.Id && s.LastSeenRunId == runId)
                        && !db.Set<SupplierDiscrepancy>().Any(d => d.LevelId == l.Id && d.RunId == runId)
                    orderby l.Id
                    select new { l.Id, l.PartId, l.WarehouseId, l.OnHand })
                .Take(SweepBatch)
                .ToListAsync(ct);
            if (unseen.Count == 0)
            {
                break;
            }

            var ids = unseen.Select(l => l.Id).ToList();
            var existing = await db.Set<SupplierDiscrepancy>().Where(d => ids.Contains(d.LevelId)).ToDictionaryAsync(d => d.LevelId, ct);
            foreach (var level in unseen)
            {
                if (!existing.TryGetValue(level.Id, out var row))
                {
                    row = new SupplierDiscrepancy(supplierId, level.Id, level.PartId, level.WarehouseId, now);
                    db.Add(row);
                }

                row.Report(DiscrepancyKind.NotListed, level.OnHand, 0, null, null, null, runId, corrected: false, now);
            }

            await db.SaveChangesAsync(ct);
            found += unseen.Count;
            after = ids[^1];
        }

        await db.Set<SupplierDiscrepancy>().Where(d => d.SupplierId == supplierId && d.RunId != runId).ExecuteDeleteAsync(ct);
        return found;
    }

    private static async Task MarkSeenAsync(AppDbContext db, Guid runId, IReadOnlyCollection<long> levels, CancellationToken ct)
    {
        if (levels.Count == 0)
        {
            return;
        }

        var ids = levels.ToList();
        Guid? run = runId;
        await db.Set<SupplierStock>().Where(s => ids.Contains(s.LevelId))
            .ExecuteUpdateAsync(s => s.SetProperty(x => x.LastSeenRunId, run), ct);
    }
}
