using Axle.Api.Features.Catalog;
using Axle.Api.Platform.Data;
using Axle.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Axle.Tests.Catalog;

public sealed class DemoCatalogFactory : AxleFactory
{
    protected override IDictionary<string, string?> Overrides => new Dictionary<string, string?> { ["Seed:Demo"] = "true" };
}

public sealed class DemoCatalogTests(DemoCatalogFactory factory) : IClassFixture<DemoCatalogFactory>
{
    [Fact]
    public async Task Demo_catalog_is_loaded_on_first_start_with_realistic_volume()
    {
        await using var scope = factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        var ct = TestContext.Current.CancellationToken;

        var makes = await db.Set<Vehicle>().Select(v => v.Make).Distinct().CountAsync(ct);
        var parts = await db.Set<Part>().CountAsync(ct);
        Assert.True(makes >= 25, $"{makes} makes");
        Assert.InRange(parts, 2500, 6000);
        Assert.True(await db.Set<Fitment>().CountAsync(ct) > parts);
        Assert.True(await db.Set<Interchange>().CountAsync(ct) >= parts);
        Assert.True(await db.Set<Supersession>().AnyAsync(ct));
        Assert.True(await db.Set<VinPattern>().AnyAsync(ct));
        Assert.Equal(2000, await db.Set<Vehicle>().MinAsync(v => v.Year, ct));
        Assert.Equal(2025, await db.Set<Vehicle>().MaxAsync(v => v.Year, ct));
    }

    [Fact]
    public async Task A_2018_toyota_camry_has_pads_rotors_filters_and_spark_plugs()
    {
        await using var scope = factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        var ct = TestContext.Current.CancellationToken;

        var camry = db.Set<Vehicle>().Where(v => v.Year == 2018 && v.MakeKey == "TOYOTA" && v.ModelKey == "CAMRY").Select(v => v.Id);
        var categories = await db.Set<Fitment>()
            .Where(f => camry.Contains(f.VehicleId))
            .Join(db.Set<Part>(), f => f.PartId, p => p.Id, (f, p) => p.Category!.Name)
            .Distinct()
            .ToListAsync(ct);

        Assert.Contains("Brake Pads", categories);
        Assert.Contains("Brake Rotors", categories);
        Assert.Contains("Oil Filters", categories);
        Assert.Contains("Air Filters", categories);
        Assert.Contains("Spark Plugs", categories);
    }
}
