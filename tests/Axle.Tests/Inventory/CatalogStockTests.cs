using System.Net;
using Axle.Api.Features.Inventory;
using Axle.Api.Platform.Data;
using Axle.Tests.Catalog;
using Axle.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using static Axle.Tests.Inventory.InventoryKit;

namespace Axle.Tests.Inventory;

public sealed class CatalogStockTests(AxleFactory factory) : IClassFixture<AxleFactory>
{
    private readonly InventoryKit _kit = new(factory);
    private readonly HttpClient _anonymous = factory.CreateClient();

    [Fact]
    public async Task Available_quantity_and_in_stock_follow_live_levels_over_active_warehouses()
    {
        var stocked = await _kit.PartAsync("Stocked");
        var reservedOut = await _kit.PartAsync("Reserved");
        var elsewhere = await _kit.PartAsync("Elsewhere");
        var none = await _kit.PartAsync("None");
        var a = await _kit.WarehouseAsync();
        var b = await _kit.WarehouseAsync();
        var closed = await _kit.WarehouseAsync();
        await _kit.StockAsync(stocked, a, 4);
        await _kit.StockAsync(stocked, b, 3);
        await _kit.StockAsync(reservedOut, a, 2);
        await (await ReserveAsync(_kit.Manager, (reservedOut, 2))).AssertJsonAsync(HttpStatusCode.Created);
        await _kit.StockAsync(elsewhere, closed, 9);
        await using (var scope = factory.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
            await db.Set<Warehouse>().Where(w => w.Id == closed).ExecuteUpdateAsync(s => s.SetProperty(w => w.Active, false), Ct);
        }

        await Api.Features.Catalog.CatalogCache.InvalidateAsync(factory.Services, Ct);
        var brand = Uri.EscapeDataString(stocked.Brand?.Slug ?? await BrandSlugAsync(stocked.BrandId));
        var all = await _anonymous.GetPageAsync($"{CatalogHttp.Parts}?brand={brand}");
        var inStock = await _anonymous.GetPageAsync($"{CatalogHttp.Parts}?brand={brand}&inStock=true");
        var detail = await (await _anonymous.GetAsync($"{CatalogHttp.Parts}/{stocked.Id}", Ct)).AssertJsonAsync(HttpStatusCode.OK);

        var quantities = all.Items().ToDictionary(i => i.GetProperty("id").GetInt64(), i => i.GetProperty("availableQuantity").GetInt32());
        Assert.Equal(7, quantities[stocked.Id]);
        Assert.Equal(0, quantities[reservedOut.Id]);
        Assert.Equal(0, quantities[elsewhere.Id]);
        Assert.Equal(0, quantities[none.Id]);
        Assert.Equal([stocked.Id], inStock.Ids());
        Assert.Equal(7, detail.GetProperty("availableQuantity").GetInt32());
    }

    [Fact]
    public async Task A_cached_search_changes_after_a_stock_change()
    {
        var part = await _kit.PartAsync();
        var warehouse = await _kit.WarehouseAsync();
        await Api.Features.Catalog.CatalogCache.InvalidateAsync(factory.Services, Ct);
        var url = $"{CatalogHttp.Parts}?brand={Uri.EscapeDataString(await BrandSlugAsync(part.BrandId))}&inStock=true";

        var before = await _anonymous.GetPageAsync(url);
        var cachedDetail = await (await _anonymous.GetAsync($"{CatalogHttp.Parts}/{part.Id}", Ct)).AssertJsonAsync(HttpStatusCode.OK);
        await _kit.StockAsync(part, warehouse, 5);
        var after = await _anonymous.GetPageAsync(url);
        var detail = await (await _anonymous.GetAsync($"{CatalogHttp.Parts}/{part.Id}", Ct)).AssertJsonAsync(HttpStatusCode.OK);
        await (await ReserveAsync(_kit.Manager, (part, 5))).AssertJsonAsync(HttpStatusCode.Created);
        var soldOut = await _anonymous.GetPageAsync(url);

        Assert.Empty(before.Items());
        Assert.Equal(0, cachedDetail.GetProperty("availableQuantity").GetInt32());
        Assert.Equal(5, Assert.Single(after.Items()).GetProperty("availableQuantity").GetInt32());
        Assert.Equal(5, detail.GetProperty("availableQuantity").GetInt32());
        Assert.Empty(soldOut.Items());
    }

    private async Task<string> BrandSlugAsync(int brandId)
    {
        await using var scope = factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        return await db.Set<Api.Features.Catalog.Brand>().Where(b => b.Id == brandId).Select(b => b.Slug).SingleAsync(Ct);
    }
}
