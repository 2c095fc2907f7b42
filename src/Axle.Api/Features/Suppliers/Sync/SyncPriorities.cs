using Axle.Api.Features.Catalog;
using Axle.Api.Features.Inventory;
using Axle.Api.Features.Orders;
using Axle.Api.Platform.Data;
using Microsoft.EntityFrameworkCore;

namespace Axle.Api.Features.Suppliers.Sync;

/// <summary>
/// Which of a supplier's parts an incremental run fetches first: parts with open orders (stock still held for them by a
/// reservation), then fast movers (most units ordered over <see cref="SupplierOptions.FastMoverWindow"/>), each limited to
/// parts the supplier stocks (a level in one of its warehouses or an entry in its part list), as the supplier's own part
/// numbers (its part list's, else the SKU). At most <see cref="SupplierOptions.PriorityParts"/>.
/// </summary>
internal static class SyncPriorities
{
    public static async Task<List<string>> PartNumbersAsync(
        AppDbContext db, long supplierId, int limit, DateTime fastMoversSince, CancellationToken ct)
    {
        if (limit <= 0)
        {
            return [];
        }

        var carried = db.Set<SupplierWarehouse>().Where(w => w.SupplierId == supplierId)
            .Join(db.Set<StockLevel>(), w => w.WarehouseId, l => l.WarehouseId, (w, l) => l.PartId)
            .Union(db.Set<SupplierPart>().Where(p => p.SupplierId == supplierId).Select(p => p.PartId));

        var openOrders = await db.Set<ReservationLine>().AsNoTracking()
            .Where(l => l.Quantity > l.ShippedQuantity
                && db.Set<Reservation>().Any(r => r.Id == l.ReservationId && r.Status == ReservationStatus.Held)
                && carried.Contains(l.PartId))
            .Select(l => l.PartId).Distinct().Take(limit).ToListAsync(ct);

        var parts = new List<long>(openOrders);
        if (parts.Count < limit)
        {
            var fastMovers = await db.Set<OrderItem>().AsNoTracking()
                .Where(i => db.Set<Order>().Any(o => o.Id == i.OrderId && o.CreatedAt >= fastMoversSince && o.Status != OrderStatus.Cancelled)
                    && carried.Contains(i.PartId))
                .GroupBy(i => i.PartId)
                .Select(g => new { PartId = g.Key, Units = g.Sum(i => i.Quantity) })
                .OrderByDescending(g => g.Units).ThenBy(g => g.PartId)
                .Take(limit * 2)
                .Select(g => g.PartId)
                .ToListAsync(ct);
            parts.AddRange(fastMovers.Where(p => !openOrders.Contains(p)).Take(limit - parts.Count));
        }

        if (parts.Count == 0)
        {
            return [];
        }

        var theirs = await db.Set<SupplierPart>().AsNoTracking()
            .Where(p => p.SupplierId == supplierId && parts.Contains(p.PartId))
            .Select(p => new { p.PartId, p.SupplierPartNumber }).ToListAsync(ct);
        var skus = await db.Set<Part>().AsNoTracking().Where(p => parts.Contains(p.Id))
            .ToDictionaryAsync(p => p.Id, p => p.Sku, ct);
        var byPart = theirs.GroupBy(p => p.PartId).ToDictionary(g => g.Key, g => g.Select(p => p.SupplierPartNumber).ToList());

        // Commas separate the list, so a number holding one cannot be asked for.
        return [.. parts.SelectMany(p => byPart.TryGetValue(p, out var numbers) ? numbers : skus.TryGetValue(p, out var sku) ? [sku] : [])
            .Where(n => !n.Contains(',', StringComparison.Ordinal))
            .Distinct(StringComparer.Ordinal)
            .Take(limit)];
    }
}
