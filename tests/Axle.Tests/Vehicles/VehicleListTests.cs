using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Axle.Api.Features.Catalog;
using Axle.Api.Platform.Data;
using Axle.Api.Platform.Security;
using Axle.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Axle.Tests.Vehicles;

public sealed class VehicleListTests(AxleFactory factory) : IClassFixture<AxleFactory>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Makes_are_listed_once_each_sorted_by_name()
    {
        var (first, second) = ("A" + VehicleSeed.UniqueMake(), "B" + VehicleSeed.UniqueMake());
        await VehicleSeed.AddAsync(factory, Ct,
            new Vehicle(2018, second, "Model One", null, null, null),
            new Vehicle(2019, second, "Model One", null, null, null),
            new Vehicle(2018, first, "Model Two", null, null, null));

        var response = await factory.CreateClient().GetAsync("/api/v1/vehicles/makes", Ct);

        var names = Names(await response.AssertJsonAsync(HttpStatusCode.OK));
        Assert.Equal(1, names.Count(n => n == first));
        Assert.Equal(1, names.Count(n => n == second));
        Assert.True(names.IndexOf(first) < names.IndexOf(second));
        Assert.Equal(names.Order(StringComparer.OrdinalIgnoreCase), names);
        Assert.Equal("public, max-age=300", response.Headers.CacheControl?.ToString());
        Assert.NotNull(response.Headers.ETag);
    }

    [Fact]
    public async Task Models_years_submodels_and_engines_are_filtered_and_sorted()
    {
        var make = VehicleSeed.UniqueMake("Mercedes-Benz");
        var other = VehicleSeed.UniqueMake();
        await VehicleSeed.AddAsync(factory, Ct,
            new Vehicle(2020, make, "Sprinter", "2500", "3.0L V6 Diesel", null),
            new Vehicle(2020, make, "Sprinter", "3500", "2.0L I4 Diesel", null),
            new Vehicle(2021, make, "Sprinter", "2500", "2.0L I4 Diesel", null),
            new Vehicle(2019, make, "C-Class", "C300", "2.0L I4", null),
            new Vehicle(2020, other, "Zeta", null, "1.0L I3", null));
        var client = factory.CreateClient();
        // Lookups ignore case and punctuation.
        var key = make.ToLowerInvariant().Replace('-', ' ');

        var models = Names(await (await client.GetAsync($"/api/v1/vehicles/models?make={Uri.EscapeDataString(key)}", Ct)).AssertJsonAsync(HttpStatusCode.OK));
        var years = await (await client.GetAsync($"/api/v1/vehicles/years?make={Uri.EscapeDataString(make)}&model=sprinter", Ct)).AssertJsonAsync(HttpStatusCode.OK);
        var submodels = Names(await (await client.GetAsync($"/api/v1/vehicles/submodels?make={Uri.EscapeDataString(make)}&model=Sprinter&year=2020", Ct)).AssertJsonAsync(HttpStatusCode.OK));
        var engines = Names(await (await client.GetAsync($"/api/v1/vehicles/engines?make={Uri.EscapeDataString(make)}&model=Sprinter&year=2020", Ct)).AssertJsonAsync(HttpStatusCode.OK));
        var engines2500 = Names(await (await client.GetAsync($"/api/v1/vehicles/engines?make={Uri.EscapeDataString(make)}&model=Sprinter&year=2020&submodel=2500", Ct)).AssertJsonAsync(HttpStatusCode.OK));
        var unknown = Names(await (await client.GetAsync("/api/v1/vehicles/models?make=NoSuchMake" + Guid.NewGuid().ToString("N"), Ct)).AssertJsonAsync(HttpStatusCode.OK));

        Assert.Equal(["C-Class", "Sprinter"], models);
        Assert.Equal([2021, 2020], years.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("year").GetInt32()));
        Assert.Equal(["2500", "3500"], submodels);
        Assert.Equal(["2.0L I4 Diesel", "3.0L V6 Diesel"], engines);
        Assert.Equal(["3.0L V6 Diesel"], engines2500);
        Assert.Empty(unknown);
    }

    [Theory]
    [InlineData("/api/v1/vehicles/models", "make")]
    [InlineData("/api/v1/vehicles/models?make=", "make")]
    [InlineData("/api/v1/vehicles/years?make=Toyota", "model")]
    [InlineData("/api/v1/vehicles/engines?make=Toyota&model=Camry", "year")]
    public async Task Missing_required_parameters_get_400(string url, string field)
    {
        var response = await factory.CreateClient().GetAsync(url, Ct);

        var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), problem.ToString());
    }

    [Fact]
    public async Task A_list_answers_304_to_its_own_etag()
    {
        var make = VehicleSeed.UniqueMake();
        await VehicleSeed.AddAsync(factory, Ct, new Vehicle(2015, make, "Alpha", null, null, null));
        var client = factory.CreateClient();
        var url = $"/api/v1/vehicles/models?make={Uri.EscapeDataString(make)}";
        var first = await client.GetAsync(url, Ct);
        await first.AssertJsonAsync(HttpStatusCode.OK);
        var etag = first.Headers.ETag!;

        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.IfNoneMatch.Add(etag);
        var second = await client.SendAsync(request, Ct);

        Assert.Equal(HttpStatusCode.NotModified, second.StatusCode);
        Assert.Equal(etag, second.Headers.ETag);

        // A catalog change shows up at once: writes (and here the seed) evict the cached lists.
        await VehicleSeed.AddAsync(factory, Ct, new Vehicle(2015, make, "Beta", null, null, null));
        using var again = new HttpRequestMessage(HttpMethod.Get, url);
        again.Headers.IfNoneMatch.Add(etag);
        var changed = await client.SendAsync(again, Ct);
        Assert.Equal(["Alpha", "Beta"], Names(await changed.AssertJsonAsync(HttpStatusCode.OK)));
        Assert.NotEqual(etag, changed.Headers.ETag);
    }

    [Fact]
    public async Task Lists_are_served_from_the_output_cache_until_a_part_write_evicts_it()
    {
        var make = VehicleSeed.UniqueMake();
        await VehicleSeed.AddAsync(factory, Ct, new Vehicle(2015, make, "Alpha", null, null, null));
        var client = factory.CreateClient();
        var url = $"/api/v1/vehicles/models?make={Uri.EscapeDataString(make)}";
        await (await client.GetAsync(url, Ct)).AssertJsonAsync(HttpStatusCode.OK);
        var category = new Category("Cache Category " + Guid.NewGuid().ToString("N")[..8], null);
        await using (var scope = factory.Services.CreateAsyncScope())
        {
            // Straight into the database, without evicting the cache.
            var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
            db.Add(new Vehicle(2015, make, "Beta", null, null, null));
            db.Add(category);
            await db.SaveChangesAsync(Ct);
        }

        var cached = Names(await (await client.GetAsync(url, Ct)).AssertJsonAsync(HttpStatusCode.OK));
        var write = await factory.CreateUserClient(Roles.CatalogManager).PostAsJsonAsync("/api/v1/parts", new
        {
            sku = "CACHE-" + Guid.NewGuid().ToString("N")[..10].ToUpperInvariant(),
            partNumber = "C-1",
            brand = "Acme",
            category = category.Slug,
            name = "Wiper blade",
            price = new { amount = 12m, currency = "USD" },
        }, Ct);
        await write.AssertJsonAsync(HttpStatusCode.Created);
        var fresh = Names(await (await client.GetAsync(url, Ct)).AssertJsonAsync(HttpStatusCode.OK));

        Assert.Equal(["Alpha"], cached);
        Assert.Equal(["Alpha", "Beta"], fresh);
    }

    private static List<string> Names(JsonElement list) =>
        [.. list.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("name").GetString()!)];
}

/// <summary>A database of its own: a catalog with more makes than a picker lists would push other tests' makes off the list.</summary>
public sealed class VehicleListBoundTests(AxleFactory factory) : IClassFixture<AxleFactory>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_picker_with_more_entries_than_it_lists_shows_the_first_ones_in_order_and_says_so()
    {
        var max = Api.Features.Vehicles.VehicleLists.MaxItems;
        var client = factory.CreateClient();
        var before = await client.GetAsync("/api/v1/vehicles/makes", Ct);
        Assert.False((await before.AssertJsonAsync(HttpStatusCode.OK)).GetProperty("truncated").GetBoolean());

        await VehicleSeed.AddAsync(factory, Ct, [.. Enumerable.Range(0, max + 1).Select(i => new Vehicle(2018, $"Make {i:D4}", "Model", null, null, null))]);
        var response = await client.GetAsync("/api/v1/vehicles/makes", Ct);

        var body = await response.AssertJsonAsync(HttpStatusCode.OK);
        var names = body.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("name").GetString()).ToList();
        Assert.Equal(max, names.Count);
        Assert.Equal("Make 0000", names[0]);
        Assert.Equal($"Make {max - 1:D4}", names[^1]);
        Assert.True(body.GetProperty("truncated").GetBoolean());
    }
}
