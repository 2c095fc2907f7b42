using Axle.Api.Features.Inventory;
using Axle.Api.Platform.Data;
using Microsoft.EntityFrameworkCore;

namespace Axle.Api.Features.Catalog;

/// <summary>
/// The one place the catalog asks how many units of a part can be sold: the live stock levels, summing available
/// (on hand − reserved) over active warehouses. Inventory drops the catalog cache after every committed stock change.
/// </summary>
internal static class CatalogStock
{
    /// <summary>
    /// Parts with at least one unit available in an active warehouse. No level's available is negative (a CHECK
    /// constraint), so "the sum is positive" is "some level is positive", which an index-friendly EXISTS answers.
    /// </summary>
    public static IQueryable<Part> WhereInStock(AppDbContext db, IQueryable<Part> parts)
    {
        var sellable = db.Set<StockLevel>().Where(l => l.OnHand > l.Reserved && l.Warehouse!.Active).Select(l => l.PartId);
        return parts.Where(p => sellable.Contains(p.Id));
    }

    /// <summary>Units available per part over active warehouses; every id asked for is in the result (0 when none).</summary>
    public static async Task<IReadOnlyDictionary<long, int>> AvailableAsync(
        AppDbContext db, IReadOnlyCollection<long> partIds, CancellationToken ct)
    {
        var ids = partIds.Distinct().ToList();
        var available = ids.ToDictionary(id => id, _ => 0);
        if (ids.Count == 0)
        {
            return available;
        }

        var sums = await db.Set<StockLevel>().AsNoTracking()
            .Where(l => ids.Contains(l.PartId) && l.Warehouse!.Active && l.OnHand > l.Reserved)
            .GroupBy(l => l.PartId)
            .Select(g => new { PartId = g.Key, Available = g.Sum(l => l.OnHand - l.Reserved) })
            .ToListAsync(ct);
        foreach (var sum in sums)
        {
            available[sum.PartId] = sum.Available;
        }

        return available;
    }
}
