using Axle.Api.Features.Catalog;
using Axle.Bench.Generate;

namespace Axle.UnitTests.Bench;

public sealed class SyntheticCatalogTests
{
    private static readonly GenerateSettings Small = new(DbProvider.Sqlite, "Data Source=:memory:", 500, 300, 20_000, 7);

    [Fact]
    public void Fitment_counts_add_up_stay_under_the_part_count_and_are_skewed()
    {
        var counts = SyntheticCatalog.SkewedCounts(vehicles: 300, fitments: 20_000, parts: 500, seed: 7);

        Assert.Equal(20_000, counts.Sum());
        Assert.All(counts, c => Assert.InRange(c, 1, 500));
        Assert.True(counts.Max() > 10 * counts.Min());
    }

    [Fact]
    public void Fitments_never_repeat_a_part_vehicle_pair()
    {
        var fitments = new SyntheticCatalog(Small).Fitments().ToList();

        Assert.Equal(20_000, fitments.Count);
        Assert.Equal(fitments.Count, fitments.Select(f => (f.PartId, f.VehicleId)).Distinct().Count());
        Assert.All(fitments, f => Assert.InRange(f.PartId, 1, 500));
    }

    [Fact]
    public void The_same_seed_gives_the_same_catalog()
    {
        var first = new SyntheticCatalog(Small);
        var second = new SyntheticCatalog(Small);

        Assert.Equal(first.Parts().Take(50), second.Parts().Take(50));
        Assert.Equal(first.Fitments().Take(500), second.Fitments().Take(500));
    }

    [Fact]
    public void Vehicle_keys_are_the_api_keys_and_configurations_are_unique()
    {
        var vehicles = new SyntheticCatalog(Small with { Vehicles = 20_000 }).Vehicles().ToList();

        Assert.Equal(20_000, vehicles.Count);
        Assert.All(vehicles, v => Assert.Equal(Vehicle.Key(v.Make), v.MakeKey));
        Assert.Equal(vehicles.Count, vehicles.Select(v => (v.Make, v.Model, v.Year, v.Engine, v.Submodel)).Distinct().Count());
        Assert.InRange(vehicles.Min(v => v.Year), 1990, 1990);
        Assert.InRange(vehicles.Max(v => v.Year), 2025, 2025);
    }
}
