using Axle.Api.Features.Inventory;

namespace Axle.UnitTests.Inventory;

public sealed class StockAllocatorTests
{
    private static readonly MostAvailableStrategy MostAvailable = new();
    private static readonly NearestRegionStrategy Nearest = new();

    // Level id = warehouse * 100 + part, so an allocation names both at a glance.
    private static StockCandidate Stock(long warehouse, long part, int available, string country = "US", string? region = "TX") =>
        new(warehouse * 100 + part, part, warehouse, available, country, region);

    [Fact]
    public void One_line_comes_from_the_warehouse_with_the_most_available()
    {
        var result = StockAllocator.Allocate([new(1, 5)], [Stock(1, 1, 6), Stock(2, 1, 9), Stock(3, 1, 5)], MostAvailable, null);

        var allocation = Assert.Single(result.Allocations);
        Assert.Equal((2L, 5), (allocation.WarehouseId, allocation.Quantity));
        Assert.True(result.Succeeded);
    }

    [Fact]
    public void A_line_is_split_only_when_no_warehouse_has_enough_taking_the_largest_first()
    {
        var result = StockAllocator.Allocate([new(1, 10)], [Stock(1, 1, 3), Stock(2, 1, 6), Stock(3, 1, 4)], MostAvailable, null);

        Assert.Equal([(2L, 6), (3L, 4)], result.Allocations.Select(a => (a.WarehouseId, a.Quantity)));
    }

    [Fact]
    public void An_order_ships_from_one_warehouse_when_one_can_fill_every_line_even_if_another_has_more_of_one_part()
    {
        Allocation[] expected = [new(101, 1, 1, 2), new(102, 2, 1, 2)];

        var result = StockAllocator.Allocate([new(1, 2), new(2, 2)],
            [Stock(1, 1, 3), Stock(1, 2, 3), Stock(2, 1, 50), Stock(3, 2, 50)], MostAvailable, null);

        Assert.Equal(expected, result.Allocations);
    }

    [Fact]
    public void Shortages_name_each_short_part_with_its_total_available_and_allocate_nothing()
    {
        var result = StockAllocator.Allocate([new(1, 4), new(2, 9), new(3, 1)],
            [Stock(1, 1, 5), Stock(1, 2, 3), Stock(2, 2, 4), Stock(2, 3, 0)], MostAvailable, null);

        Assert.False(result.Succeeded);
        Assert.Empty(result.Allocations);
        Assert.Equal([new Shortage(2, 9, 7), new Shortage(3, 1, 0)], result.Shortages);
    }

    [Fact]
    public void Duplicate_lines_of_one_part_are_added_up()
    {
        var result = StockAllocator.Allocate([new(1, 2), new(1, 3)], [Stock(1, 1, 5)], MostAvailable, null);

        Assert.Equal(5, Assert.Single(result.Allocations).Quantity);
    }

    [Fact]
    public void Ties_go_to_the_lowest_warehouse_id_so_allocation_is_repeatable()
    {
        var result = StockAllocator.Allocate([new(1, 1)], [Stock(7, 1, 4), Stock(3, 1, 4), Stock(5, 1, 4)], MostAvailable, null);

        Assert.Equal(3, Assert.Single(result.Allocations).WarehouseId);
    }

    [Fact]
    public void Nearest_region_prefers_the_same_region_then_the_same_country()
    {
        StockCandidate[] stock = [Stock(1, 1, 50, "US", "TX"), Stock(2, 1, 5, "US", "NV"), Stock(3, 1, 5, "CA", "ON")];

        var nevada = StockAllocator.Allocate([new(1, 3)], stock, Nearest, new ShipTo("US", "NV"));
        var california = StockAllocator.Allocate([new(1, 3)], stock, Nearest, new ShipTo("US", "CA"));
        var ontario = StockAllocator.Allocate([new(1, 3)], stock, Nearest, new ShipTo("CA", "ON"));
        var nowhere = StockAllocator.Allocate([new(1, 3)], stock, Nearest, null);

        Assert.Equal(2, Assert.Single(nevada.Allocations).WarehouseId);
        Assert.Equal(1, Assert.Single(california.Allocations).WarehouseId);
        Assert.Equal(3, Assert.Single(ontario.Allocations).WarehouseId);
        Assert.Equal(1, Assert.Single(nowhere.Allocations).WarehouseId);
    }

    [Fact]
    public void Nearest_region_ships_whole_from_farther_away_rather_than_split_and_splits_near_first_when_it_must()
    {
        StockCandidate[] stock = [Stock(1, 1, 50, "US", "TX"), Stock(2, 1, 5, "US", "NV")];

        var whole = StockAllocator.Allocate([new(1, 8)], stock, Nearest, new ShipTo("US", "NV"));
        var split = StockAllocator.Allocate([new(1, 52)], stock, Nearest, new ShipTo("US", "NV"));

        Assert.Equal([(1L, 8)], whole.Allocations.Select(a => (a.WarehouseId, a.Quantity)));
        Assert.Equal([(2L, 5), (1L, 47)], split.Allocations.Select(a => (a.WarehouseId, a.Quantity)));
    }

    [Fact]
    public void Allocations_never_exceed_what_a_level_has_in_a_seeded_random_sweep()
    {
        var random = new Random(7);
        for (var round = 0; round < 500; round++)
        {
            var stock = Enumerable.Range(1, 4).SelectMany(w => Enumerable.Range(1, 3).Select(p => Stock(w, p, random.Next(0, 8)))).ToList();
            var lines = Enumerable.Range(1, 3).Where(_ => random.Next(2) == 0).Select(p => new AllocationLine(p, random.Next(1, 20))).ToList();
            if (lines.Count == 0)
            {
                continue;
            }

            var result = StockAllocator.Allocate(lines, stock, MostAvailable, null);

            var byLevel = stock.ToDictionary(s => s.LevelId, s => s.Available);
            foreach (var line in lines)
            {
                var total = stock.Where(s => s.PartId == line.PartId).Sum(s => s.Available);
                Assert.True(total >= line.Quantity || !result.Succeeded);
                if (result.Succeeded)
                {
                    Assert.Equal(line.Quantity, result.Allocations.Where(a => a.PartId == line.PartId).Sum(a => a.Quantity));
                }
            }

            Assert.All(result.Allocations, a => Assert.InRange(a.Quantity, 1, byLevel[a.LevelId]));
            Assert.Equal(result.Allocations.Count, result.Allocations.Select(a => a.LevelId).Distinct().Count());
        }
    }

    [Fact]
    public void A_split_line_takes_from_at_most_ten_warehouses_the_fullest_ones()
    {
        // Twelve warehouses of 5 and one of 4: 50 units fit in the ten fullest, so the 4 is never touched.
        var candidates = Enumerable.Range(1, 12).Select(w => Stock(w, 1, 5)).Append(Stock(13, 1, 4)).ToList();

        var result = StockAllocator.Allocate([new(1, 50)], candidates, Nearest, new ShipTo("US", "TX"));

        Assert.True(result.Succeeded);
        Assert.Equal(StockAllocator.MaxWarehousesPerLine, result.Allocations.Count);
        Assert.Equal(50, result.Allocations.Sum(a => a.Quantity));
        Assert.DoesNotContain(result.Allocations, a => a.WarehouseId == 13);
    }

    [Fact]
    public void A_line_that_ten_warehouses_cannot_fill_is_a_shortage_of_what_those_ten_hold()
    {
        var candidates = Enumerable.Range(1, 12).Select(w => Stock(w, 1, 5)).ToList();

        var result = StockAllocator.Allocate([new(1, 51)], candidates, MostAvailable, null);

        Assert.False(result.Succeeded);
        Assert.Empty(result.Allocations);
        Assert.Equal([new Shortage(1, 51, 50)], result.Shortages);
        Assert.Equal(50, StockAllocator.Reachable(candidates));
    }

    [Fact]
    public void Every_way_to_a_reservation_stays_within_its_part_bound_so_its_lines_stay_within_theirs()
    {
        Assert.True(Axle.Api.Features.Carts.CartOptions.MaxLinesCeiling <= Reservation.MaxParts);
        Assert.True(Axle.Api.Features.Orders.PlaceOrder.MaxLines <= Reservation.MaxParts);
        Assert.True(CreateReservation.MaxLines <= Reservation.MaxParts);
        Assert.Equal(Reservation.MaxParts * StockAllocator.MaxWarehousesPerLine, Reservation.MaxLines);
        Assert.True(CreatePurchaseOrder.MaxLines <= Axle.Api.Features.Suppliers.Ordering.SupplierOrder.MaxLines);
        Assert.True(Reservation.MaxParts <= Axle.Api.Features.Suppliers.Ordering.SupplierOrder.MaxLines);
    }
}
