using System.Diagnostics;
using Axle.SupplierSim;
using Microsoft.Extensions.Time.Testing;
using static Axle.UnitTests.SupplierSim.SupplierSimKit;

namespace Axle.UnitTests.SupplierSim;

public sealed class SupplierSimCatalogTests
{
    [Fact]
    public void The_same_seed_gives_the_same_catalog_and_another_seed_does_not()
    {
        var a = new StockCatalog(new SimulatorOptions { Records = 500, Seed = 11 }).All();
        var b = new StockCatalog(new SimulatorOptions { Records = 500, Seed = 11 }).All();
        var c = new StockCatalog(new SimulatorOptions { Records = 500, Seed = 12 }).All();

        Assert.Equal(a, b);
        Assert.NotEqual(a, c);
        Assert.Equal("SP-000001", a[0].PartNo);
        Assert.Equal("SP-000500", a[^1].PartNo);
        Assert.Contains(a, r => r.Uom == "CS4");
        Assert.Equal(["DC-EAST", "DC-WEST"], a.Select(r => r.Warehouse).Distinct().Order());
    }

    [Fact]
    public void Changes_bump_sequence_and_move_updated_at_forward_even_on_a_frozen_clock()
    {
        var clock = new FakeTimeProvider(Now);
        var catalog = new StockCatalog(new SimulatorOptions { Records = 1000, Clock = clock });
        var before = catalog.All().ToDictionary(r => r.PartNo);

        var first = catalog.ChangeRandom(100);
        var second = catalog.ChangeFraction(0.5);
        var after = catalog.All();

        Assert.Equal(100, first.Changed);
        Assert.Equal(500, second.Changed);
        Assert.Equal(Now, first.UpdatedAt);
        Assert.Equal(Now.AddSeconds(1), second.UpdatedAt);
        Assert.Equal(1001, first.FirstSequence);
        Assert.Equal(1600, second.LastSequence);
        var changed = after.Where(r => r.Sequence > 1000).ToList();
        Assert.InRange(changed.Count, 500, 600);
        Assert.All(changed, r => Assert.True(r.LastUpdated > before[r.PartNo].LastUpdated));
        Assert.All(changed.Where(r => r.LastUpdated == Now), r => Assert.NotEqual(before[r.PartNo].QtyAvail, r.QtyAvail));
        Assert.Equal(1000, after.Count);
    }

    [Fact]
    public void A_million_records_build_quickly_in_well_under_500_mb()
    {
        var allocated = GC.GetAllocatedBytesForCurrentThread();
        var watch = Stopwatch.StartNew();

        var catalog = new StockCatalog(new SimulatorOptions { Records = 1_000_000 });
        catalog.ChangeFraction(0.2);

        watch.Stop();
        var megabytes = (GC.GetAllocatedBytesForCurrentThread() - allocated) / (1024 * 1024);
        Assert.Equal(1_000_000, catalog.Count);
        Assert.True(megabytes < 200, $"allocated {megabytes} MB");
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(5), $"took {watch.Elapsed}");
        Assert.Equal("SP-1000000", catalog.Get("SP-1000000")!.PartNo);
    }
}
