using System.Net;
using Axle.Api.Features.Catalog;
using Axle.Api.Features.Inventory;
using Axle.Api.Platform.Data;
using Axle.Tests.Catalog;
using Axle.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Axle.Tests.Inventory;

public sealed class DemoStockTests(DemoCatalogFactory factory) : IClassFixture<DemoCatalogFactory>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Demo_stock_fills_three_warehouses_with_a_ledger_that_reconciles()
    {
        await using var scope = factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();

        var warehouses = await db.Set<Warehouse>().CountAsync(Ct);
        var parts = await db.Set<Part>().CountAsync(Ct);
        var stocked = await db.Set<StockLevel>().Where(l => l.OnHand > 0).Select(l => l.PartId).Distinct().CountAsync(Ct);
        var low = await db.Set<StockLevel>().Where(l => l.OnHand > 0 && l.OnHand <= l.ReorderPoint).CountAsync(Ct);
        var report = await scope.ServiceProvider.GetRequiredService<StockReconciliation>().RunAsync(Ct);

        Assert.Equal(3, warehouses);
        Assert.InRange(stocked, parts * 80 / 100, parts * 97 / 100);
        Assert.True(low > parts / 20, $"{low} low levels");
        Assert.True(report.Consistent);
        Assert.True(await db.Set<StockMovement>().AllAsync(m => m.Reason == MovementReason.Initial || m.ReferenceId != DemoStock.SeedReference, Ct));
    }

    [Fact]
    public async Task A_2018_camry_has_pads_rotors_filters_and_plugs_in_stock_in_search()
    {
        var client = factory.CreateClient();

        var page = await client.GetPageAsync($"{CatalogHttp.Parts}?make=Toyota&model=Camry&year=2018&inStock=true&limit=100");

        var categories = page.Items().Select(i => i.GetProperty("category").GetString()).ToHashSet();
        Assert.Superset(new HashSet<string?> { "Brake Pads", "Brake Rotors", "Oil Filters", "Air Filters", "Spark Plugs" }, categories);
        Assert.All(page.Items(), i => Assert.True(i.GetProperty("availableQuantity").GetInt32() > 0));
        var sku = page.Items()[0].GetProperty("sku").GetString();
        var stock = await (await factory.CreateAdminClient().GetAsync($"/api/v1/inventory/{sku}", Ct)).AssertJsonAsync(HttpStatusCode.OK);
        Assert.Equal(page.Items()[0].GetProperty("availableQuantity").GetInt32(), stock.GetProperty("totals").GetProperty("available").GetInt32());
    }
}
