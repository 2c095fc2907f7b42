namespace Axle.Api.Features.Inventory;

/// <summary>One line to allocate: a part and how many units.</summary>
public sealed record AllocationLine(long PartId, int Quantity);

/// <summary>Where the goods go; nearest-region allocation prefers warehouses in the same country and region.</summary>
public sealed record ShipTo(string Country, string? Region);

/// <summary>Stock a warehouse could give to one part, as read just before allocating.</summary>
public sealed record StockCandidate(long LevelId, long PartId, long WarehouseId, int Available, string Country, string? Region);

/// <summary>Take <see cref="Quantity"/> units from one level.</summary>
public sealed record Allocation(long LevelId, long PartId, long WarehouseId, int Quantity);

/// <summary>A part that cannot be allocated in full: how many were asked for and how many are available in all.</summary>
public sealed record Shortage(long PartId, int Requested, int Available);

/// <summary>Either allocations covering every line, or the shortages that prevent it.</summary>
public sealed record AllocationResult(IReadOnlyList<Allocation> Allocations, IReadOnlyList<Shortage> Shortages)
{
    public bool Succeeded => Shortages.Count == 0;
}

/// <summary>
/// Which warehouses to take stock from first. <see cref="StockAllocator"/> does the arithmetic; a strategy only ranks.
/// </summary>
public interface IAllocationStrategy
{
    /// <summary>The name used in configuration (<c>Inventory:Allocation</c>).</summary>
    string Name { get; }

    /// <summary>
    /// Orders candidate warehouses best first. A candidate may stand for one part's level or, when the allocator looks
    /// for one warehouse that can ship a whole order, for a warehouse's stock summed over the order's parts.
    /// </summary>
    IEnumerable<StockCandidate> Rank(IEnumerable<StockCandidate> candidates, ShipTo? destination);
}

/// <summary>Default: the warehouse with the most available first (ties: lowest warehouse id, so results are repeatable).</summary>
public sealed class MostAvailableStrategy : IAllocationStrategy
{
    public const string StrategyName = "most_available";

    public string Name => StrategyName;

    public IEnumerable<StockCandidate> Rank(IEnumerable<StockCandidate> candidates, ShipTo? destination) =>
        candidates.OrderByDescending(c => c.Available).ThenBy(c => c.WarehouseId);
}

/// <summary>
/// Warehouses in the destination's country and region first, then the same country, then the rest; within each tier
/// the one with the most available. Without a destination it is <see cref="MostAvailableStrategy"/>.
/// </summary>
public sealed class NearestRegionStrategy : IAllocationStrategy
{
    public const string StrategyName = "nearest_region";

    public string Name => StrategyName;

    public IEnumerable<StockCandidate> Rank(IEnumerable<StockCandidate> candidates, ShipTo? destination) =>
        candidates.OrderBy(c => Distance(c, destination)).ThenByDescending(c => c.Available).ThenBy(c => c.WarehouseId);

    private static int Distance(StockCandidate candidate, ShipTo? destination)
    {
        if (destination is null || !string.Equals(candidate.Country, destination.Country, StringComparison.OrdinalIgnoreCase))
        {
            return destination is null ? 0 : 2;
        }

        return destination.Region is not null
            && string.Equals(candidate.Region, destination.Region, StringComparison.OrdinalIgnoreCase) ? 0 : 1;
    }
}

/// <summary>
/// Splits order lines over warehouses. Pure: it sees quantities read a moment ago, and the reservation then claims each
/// allocation with a conditional update, re-allocating when stock moved in between.
/// Rules, in order: (1) one warehouse that can ship every line whole, the strategy's best; (2) otherwise per line, one
/// warehouse that can ship that line whole; (3) otherwise the line is split over its
/// <see cref="MaxWarehousesPerLine"/> fullest warehouses in the strategy's order, taking all that each has until the line
/// is filled. Split only when needed; a line those warehouses cannot fill is a shortage.
/// </summary>
public static class StockAllocator
{
    /// <summary>
    /// Warehouses one line is split over at most: more parcels than that for one part is no way to ship it, and it bounds a
    /// reservation's lines (<see cref="Reservation.MaxLines"/>).
    /// </summary>
    public const int MaxWarehousesPerLine = 10;

    /// <summary>What one line can take of a part: the stock of its <see cref="MaxWarehousesPerLine"/> fullest warehouses.</summary>
    public static int Reachable(IEnumerable<StockCandidate> candidates) =>
        candidates.Select(c => c.Available).Where(a => a > 0).OrderDescending().Take(MaxWarehousesPerLine).Sum();

    public static AllocationResult Allocate(
        IReadOnlyList<AllocationLine> lines, IReadOnlyList<StockCandidate> candidates, IAllocationStrategy strategy, ShipTo? destination)
    {
        var wanted = lines.GroupBy(l => l.PartId).Select(g => new AllocationLine(g.Key, g.Sum(l => l.Quantity))).ToList();
        if (wanted.Any(l => l.Quantity <= 0))
        {
            throw new ArgumentException("Every line asks for at least one unit.", nameof(lines));
        }

        var byPart = candidates.Where(c => c.Available > 0).ToLookup(c => c.PartId);
        var shortages = wanted
            .Select(l => new Shortage(l.PartId, l.Quantity, Reachable(byPart[l.PartId])))
            .Where(s => s.Available < s.Requested)
            .ToList();
        if (shortages.Count > 0)
        {
            return new AllocationResult([], shortages);
        }

        if (wanted.Count > 1 && WholeOrderWarehouse(wanted, byPart, strategy, destination) is { } warehouseId)
        {
            var levels = wanted.Select(l => (Line: l, Level: byPart[l.PartId].First(c => c.WarehouseId == warehouseId)));
            return new AllocationResult(
                [.. levels.Select(x => new Allocation(x.Level.LevelId, x.Line.PartId, warehouseId, x.Line.Quantity))], []);
        }

        var allocations = new List<Allocation>();
        foreach (var line in wanted)
        {
            var ranked = strategy.Rank(byPart[line.PartId], destination).ToList();
            if (ranked.FirstOrDefault(c => c.Available >= line.Quantity) is { } whole)
            {
                allocations.Add(new Allocation(whole.LevelId, line.PartId, whole.WarehouseId, line.Quantity));
                continue;
            }

            var fullest = byPart[line.PartId].OrderByDescending(c => c.Available).ThenBy(c => c.WarehouseId).Take(MaxWarehousesPerLine);
            var remaining = line.Quantity;
            foreach (var candidate in strategy.Rank(fullest, destination))
            {
                var take = Math.Min(remaining, candidate.Available);
                allocations.Add(new Allocation(candidate.LevelId, line.PartId, candidate.WarehouseId, take));
                remaining -= take;
                if (remaining == 0)
                {
                    break;
                }
            }
        }

        return new AllocationResult(allocations, []);
    }

    private static long? WholeOrderWarehouse(
        List<AllocationLine> wanted, ILookup<long, StockCandidate> byPart, IAllocationStrategy strategy, ShipTo? destination)
    {
        var able = wanted
            .Select(l => byPart[l.PartId].Where(c => c.Available >= l.Quantity).Select(c => c.WarehouseId))
            .Aggregate((a, b) => a.Intersect(b))
            .ToHashSet();
        if (able.Count == 0)
        {
            return null;
        }

        // One candidate per able warehouse, standing for its stock of the whole order.
        var summed = wanted.SelectMany(l => byPart[l.PartId]).Where(c => able.Contains(c.WarehouseId))
            .GroupBy(c => c.WarehouseId)
            .Select(g => new StockCandidate(0, 0, g.Key, g.Sum(c => c.Available), g.First().Country, g.First().Region));
        return strategy.Rank(summed, destination).First().WarehouseId;
    }
}
