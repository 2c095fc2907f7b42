using Axle.Api.Features.Catalog;
using Axle.Api.Platform.Data;
using Axle.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Axle.Tests.Catalog;

/// <summary>
/// The (make, model, year) search reads <c>vehicle_parts</c>, which database triggers keep equal to the distinct
/// (make, model, year, part) of fitments. These tests change fitments, parts and vehicles every way the schema allows and
/// compare the table with that join, and walk the search's pages over it.
/// </summary>
public sealed class VehiclePartsTests(AxleFactory factory) : IClassFixture<AxleFactory>
{
    private readonly HttpClient _client = factory.CreateClient();

    [Fact]
    public async Task Table_follows_fitment_inserts_and_deletes_and_counts_a_part_once_per_make_model_year()
    {
        var seed = new CatalogSeed(factory);
        var make = seed.Word("make");
        var brand = await seed.BrandAsync();
        var category = await seed.CategoryAsync("Pads");
        var fourCyl = await seed.VehicleAsync(2018, make, "Camry", "2.5L I4");
        var sixCyl = await seed.VehicleAsync(2018, make, "Camry", "3.5L V6");
        var other = await seed.VehicleAsync(2019, make, "Camry", "2.5L I4");
        var pad = await seed.PartAsync(brand, category, "Pad", 2500);
        var rotor = await seed.PartAsync(brand, category, "Rotor", 6000);

        var padFour = await seed.FitAsync(pad, fourCyl);
        var padSix = await seed.FitAsync(pad, sixCyl);
        await seed.FitAsync(pad, other);
        await seed.FitAsync(rotor, sixCyl);
        var rows = await AssertMatchesFitmentsAsync(make);
        Assert.Equal(3, rows.Count);
        Assert.Contains(rows, r => r.PartId == pad.Id && r.Year == 2018 && r.Name == "Pad" && r.PriceMinor == 2500);

        // The pad still fits the 2018 Camry through the V6 after the I4 fitment goes.
        await DeleteFitmentAsync(padFour.Id);
        Assert.Contains(await AssertMatchesFitmentsAsync(make), r => r.PartId == pad.Id && r.Year == 2018);

        await DeleteFitmentAsync(padSix.Id);
        rows = await AssertMatchesFitmentsAsync(make);
        Assert.DoesNotContain(rows, r => r.PartId == pad.Id && r.Year == 2018);
        Assert.Contains(rows, r => r.PartId == pad.Id && r.Year == 2019);
    }

    [Fact]
    public async Task Table_follows_part_renames_price_changes_and_deletes_and_vehicle_deletes()
    {
        var seed = new CatalogSeed(factory);
        var make = seed.Word("make");
        var brand = await seed.BrandAsync();
        var category = await seed.CategoryAsync("Filters");
        var camry = await seed.VehicleAsync(2018, make, "Camry");
        var corolla = await seed.VehicleAsync(2018, make, "Corolla");
        var oil = await seed.PartAsync(brand, category, "Oil filter", 900);
        var air = await seed.PartAsync(brand, category, "Air filter", 1900);
        await seed.FitAsync(oil, camry);
        await seed.FitAsync(oil, corolla);
        await seed.FitAsync(air, camry);

        await using (var scope = factory.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
            await db.Set<Part>().Where(p => p.Id == oil.Id)
                .ExecuteUpdateAsync(s => s.SetProperty(p => p.Name, "Zinc oil filter").SetProperty(p => p.PriceMinor, 1234), TestContext.Current.CancellationToken);
        }

        var rows = await AssertMatchesFitmentsAsync(make);
        Assert.All(rows.Where(r => r.PartId == oil.Id), r => Assert.Equal(("Zinc oil filter", 1234L), (r.Name, r.PriceMinor)));

        await using (var scope = factory.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
            await db.Set<Part>().Where(p => p.Id == air.Id).ExecuteDeleteAsync(TestContext.Current.CancellationToken);
            await db.Set<Vehicle>().Where(v => v.Id == corolla.Id).ExecuteDeleteAsync(TestContext.Current.CancellationToken);
        }

        rows = await AssertMatchesFitmentsAsync(make);
        Assert.Equal([(oil.Id, camry.ModelKey)], rows.Select(r => (r.PartId, r.ModelKey)));
    }

    [Theory]
    [InlineData("name")]
    [InlineData("price")]
    [InlineData("-price")]
    [InlineData("newest")]
    public async Task Vehicle_search_walks_every_page_in_sort_order_without_duplicates_or_gaps(string sort)
    {
        var seed = new CatalogSeed(factory);
        var make = seed.Word("make");
        var brand = await seed.BrandAsync();
        var category = await seed.CategoryAsync("Belts");
        var i4 = await seed.VehicleAsync(2018, make, "Camry", "2.5L I4");
        var v6 = await seed.VehicleAsync(2018, make, "Camry", "3.5L V6");
        var elsewhere = await seed.VehicleAsync(2017, make, "Camry", "2.5L I4");
        var t = DateTime.UtcNow;
        var parts = new List<Part>();
        for (var i = 0; i < 11; i++)
        {
            // Repeated names, prices and times, so the id tie-breaker does real work; some parts fit both engines.
            var part = await seed.PartAsync(brand, category, $"{(char)('A' + (i % 3))} belt", 1000 + (i % 4 * 100),
                createdAt: t.AddMinutes(-(i % 2)));
            parts.Add(part);
            await seed.FitAsync(part, i % 2 == 0 ? i4 : v6);
            if (i % 3 == 0)
            {
                await seed.FitAsync(part, i % 2 == 0 ? v6 : i4);
            }
        }

        var notFitting = await seed.PartAsync(brand, category, "A belt", 1000, createdAt: t);
        await seed.FitAsync(notFitting, elsewhere);

        var seen = new List<long>();
        string? cursor = null;
        var pages = 0;
        do
        {
            var url = $"{CatalogHttp.Parts}?make={make}&model=camry&year=2018&sort={sort}&limit=3" + (cursor is null ? "" : $"&cursor={cursor}");
            var page = await _client.GetPageAsync(url);
            seen.AddRange(page.Ids());
            cursor = page.NextCursor();
            pages++;
        }
        while (cursor is not null && pages < 20);

        IEnumerable<Part> expected = sort switch
        {
            "price" => parts.OrderBy(p => p.PriceMinor).ThenBy(p => p.Id),
            "-price" => parts.OrderByDescending(p => p.PriceMinor).ThenByDescending(p => p.Id),
            "newest" => parts.OrderByDescending(p => p.CreatedAt).ThenByDescending(p => p.Id),
            _ => parts.OrderBy(p => p.Name, StringComparer.Ordinal).ThenBy(p => p.Id),
        };
        Assert.Equal(expected.Select(p => p.Id), seen);
        Assert.Equal(4, pages);
    }

    [Fact]
    public async Task Vehicle_search_combines_with_brand_category_and_price_filters()
    {
        var seed = new CatalogSeed(factory);
        var make = seed.Word("make");
        var brand = await seed.BrandAsync();
        var otherBrand = await seed.BrandAsync("Other " + seed.Tag);
        var category = await seed.CategoryAsync("Plugs");
        var camry = await seed.VehicleAsync(2018, make, "Camry");
        var cheap = await seed.PartAsync(brand, category, "Plug", 500);
        var dear = await seed.PartAsync(brand, category, "Iridium plug", 1500);
        var foreign = await seed.PartAsync(otherBrand, category, "Plug", 700);
        foreach (var part in new[] { cheap, dear, foreign })
        {
            await seed.FitAsync(part, camry, position: "Cylinder 1");
        }

        var url = $"{CatalogHttp.Parts}?make={make}&model=Camry&year=2018";
        var page = await _client.GetPageAsync($"{url}&brand={brand.Slug}");
        Assert.Equal([dear.Id, cheap.Id], page.Ids());
        Assert.All(page.Items(), i => Assert.Equal("Cylinder 1", i.GetProperty("fitmentNote").GetString()));
        Assert.Equal([foreign.Id, dear.Id], (await _client.GetPageAsync($"{url}&minPrice=6&sort=price")).Ids());
        Assert.Equal([cheap.Id], (await _client.GetPageAsync($"{url}&maxPrice=5&brand={brand.Slug}")).Ids());
    }

    private async Task DeleteFitmentAsync(long id)
    {
        await using var scope = factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        Assert.Equal(1, await db.Set<Fitment>().Where(f => f.Id == id).ExecuteDeleteAsync(TestContext.Current.CancellationToken));
    }

    /// <summary>Asserts vehicle_parts for the make equals the distinct (make, model, year, part) of fitments; returns it.</summary>
    private async Task<List<VehiclePart>> AssertMatchesFitmentsAsync(string make)
    {
        await using var scope = factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        var makeKey = Vehicle.Key(make);
        var ct = TestContext.Current.CancellationToken;
        var expected = await (
                from f in db.Set<Fitment>()
                join v in db.Set<Vehicle>() on f.VehicleId equals v.Id
                join p in db.Set<Part>() on f.PartId equals p.Id
                where v.MakeKey == makeKey
                select new { v.ModelKey, v.Year, PartId = p.Id, p.Name, p.PriceMinor, p.CreatedAt })
            .Distinct().ToListAsync(ct);
        var actual = await db.Set<VehiclePart>().AsNoTracking().Where(vp => vp.MakeKey == makeKey).ToListAsync(ct);
        Assert.Equal(
            expected.Select(e => (e.ModelKey, e.Year, e.PartId, e.Name, e.PriceMinor, e.CreatedAt)).Order(),
            actual.Select(a => (a.ModelKey, a.Year, a.PartId, a.Name, a.PriceMinor, a.CreatedAt)).Order());
        return actual;
    }
}
