using Axle.Api.Features.Catalog;
using Axle.Api.Features.Vehicles;
using Axle.Api.Platform.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Axle.Tests.Catalog;

/// <summary>The customer's first question on the demo catalog: what fits my 2018 Toyota Camry?</summary>
public sealed class DemoPartSearchTests(DemoCatalogFactory factory) : IClassFixture<DemoCatalogFactory>
{
    private readonly HttpClient _client = factory.CreateClient();

    [Fact]
    public async Task A_2018_toyota_camry_search_lists_fitting_brake_pads_with_fitment_notes()
    {
        var page = await _client.GetPageAsync($"{CatalogHttp.Parts}?make=Toyota&model=Camry&year=2018&category=brakes&limit=100");
        var items = page.Items();
        Assert.NotEmpty(items);
        Assert.Contains(items, i => i.GetProperty("category").GetString() == "Brake Pads");
        Assert.All(items, i => Assert.StartsWith("https://", i.GetProperty("imageUrl").GetString(), StringComparison.Ordinal));
        Assert.Contains(items, i => i.GetProperty("fitmentNote").GetString() is { Length: > 0 });

        var text = await _client.GetPageAsync($"{CatalogHttp.Parts}?make=Toyota&model=Camry&year=2018&q=brake%20pad");
        Assert.NotEmpty(text.Items());
        Assert.All(text.Items(), i => Assert.Contains("Brake Pad", i.GetProperty("name").GetString(), StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task A_camry_vin_finds_the_same_parts_as_its_year_make_and_model()
    {
        var ct = TestContext.Current.CancellationToken;
        string prefix;
        await using (var scope = factory.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
            prefix = await db.Set<VinPattern>()
                .Where(p => p.Year == 2018 && db.Set<Vehicle>().Any(v => v.Id == p.VehicleId && v.MakeKey == "TOYOTA" && v.ModelKey == "CAMRY"))
                .OrderBy(p => p.Id).Select(p => p.Prefix).FirstAsync(ct);
        }

        var draft = prefix + "0JA123456";
        var vin = prefix + VinDecoder.ComputeCheckDigit(draft) + draft[9..];
        var byVin = await _client.GetPageAsync($"{CatalogHttp.Parts}?vin={vin}&limit=100");
        var byVehicle = await _client.GetPageAsync($"{CatalogHttp.Parts}?make=Toyota&model=Camry&year=2018&limit=100");

        Assert.NotEmpty(byVin.Items());
        Assert.Empty(byVin.Ids().Except(byVehicle.Ids()));
    }
}
