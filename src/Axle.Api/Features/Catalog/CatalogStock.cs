namespace Axle.Api.Features.Catalog;

/// <summary>
/// The one place the catalog asks how many units of a part can be sold. Stock does not exist yet: until the inventory
/// feature adds <c>stock_levels</c>, every part has 0 available and <c>inStock=true</c> matches nothing.
/// When it lands, replace both members with the sum of available (on hand − reserved) over warehouses:
/// <see cref="WhereInStock"/> as <c>EXISTS (SELECT 1 FROM stock_levels s WHERE s.part_id = p.id GROUP BY ... HAVING SUM(...) &gt; 0)</c>
/// and <see cref="AvailableAsync"/> as one grouped query over the page's ids. Nothing else in search or detail changes.
/// </summary>
internal static class CatalogStock
{
    public static IQueryable<Part> WhereInStock(IQueryable<Part> parts) => parts.Where(_ => false);

    public static Task<IReadOnlyDictionary<long, int>> AvailableAsync(IReadOnlyCollection<long> partIds, CancellationToken ct)
    {
        ct.ThrowIfCancellationRequested();
        IReadOnlyDictionary<long, int> available = partIds.Distinct().ToDictionary(id => id, _ => 0);
        return Task.FromResult(available);
    }
}
