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

    [Fact]
    public async Task A_stock_change_evicts_only_the_cached_responses_that_show_the_part_or_filter_by_stock()
    {
        var other = new InventoryKit(factory);
        var sold = await _kit.PartAsync("Sold");
        var untouched = await other.PartAsync("Untouched");
        var warehouse = await _kit.WarehouseAsync();
        await _kit.StockAsync(sold, warehouse, 5);
        await other.StockAsync(untouched, warehouse, 5);
        await Api.Features.Catalog.CatalogCache.InvalidateAsync(factory.Services, Ct);
        var soldPage = $"{CatalogHttp.Parts}?brand={Uri.EscapeDataString(await BrandSlugAsync(sold.BrandId))}";
        var soldInStock = soldPage + "&inStock=true";
        var otherPage = $"{CatalogHttp.Parts}?brand={Uri.EscapeDataString(await BrandSlugAsync(untouched.BrandId))}";
        var otherInStock = otherPage + "&inStock=true";
        var otherDetail = $"{CatalogHttp.Parts}/{untouched.Id}";
        Assert.Equal(5, await AvailableOnPageAsync(soldPage, sold.Id));
        Assert.Equal(5, await AvailableOnPageAsync(soldInStock, sold.Id));
        await AvailableOnPageAsync(otherPage, untouched.Id);
        await AvailableOnPageAsync(otherInStock, untouched.Id);
        await DetailAvailableAsync(otherDetail);

        // Behind the cache's back: only a response read again from the database shows 9 for the untouched part.
        await using (var scope = factory.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
            await db.Set<StockLevel>().Where(l => l.PartId == untouched.Id).ExecuteUpdateAsync(s => s.SetProperty(l => l.OnHand, 9), Ct);
        }

        var first = await (await ReserveAsync(_kit.Manager, (sold, 2))).AssertJsonAsync(HttpStatusCode.Created);
        Assert.Equal(3, await AvailableOnPageAsync(soldPage, sold.Id));
        Assert.Equal(3, await DetailAvailableAsync($"{CatalogHttp.Parts}/{sold.Id}"));
        Assert.Equal(5, await AvailableOnPageAsync(otherPage, untouched.Id));
        Assert.Equal(5, await AvailableOnPageAsync(otherInStock, untouched.Id));
        Assert.Equal(5, await DetailAvailableAsync(otherDetail));

        // Selling out takes the part out of stock: pages filtered by stock go, the others stay.
        await (await ReserveAsync(_kit.Manager, (sold, 3))).AssertJsonAsync(HttpStatusCode.Created);
        Assert.Empty((await _anonymous.GetPageAsync(soldInStock)).Items());
        Assert.Equal(0, await AvailableOnPageAsync(soldPage, sold.Id));
        Assert.Equal(9, await AvailableOnPageAsync(otherInStock, untouched.Id));
        Assert.Equal(5, await AvailableOnPageAsync(otherPage, untouched.Id));

        // Releasing brings it back.
        var released = await PostAsync(_kit.Manager, $"{Reservations}/{first.GetProperty("id").GetGuid()}/release", new { });
        await released.AssertJsonAsync(HttpStatusCode.OK);
        Assert.Equal(2, await AvailableOnPageAsync(soldInStock, sold.Id));
        Assert.Equal(5, await DetailAvailableAsync(otherDetail));
    }

    private async Task<int> AvailableOnPageAsync(string url, long partId) =>
        (await _anonymous.GetPageAsync(url)).Items().Single(i => i.GetProperty("id").GetInt64() == partId)
            .GetProperty("availableQuantity").GetInt32();

    private async Task<int> DetailAvailableAsync(string url) =>
        (await (await _anonymous.GetAsync(url, Ct)).AssertJsonAsync(HttpStatusCode.OK)).GetProperty("availableQuantity").GetInt32();

    private async Task<string> BrandSlugAsync(int brandId)
    {
        await using var scope = factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        return await db.Set<Api.Features.Catalog.Brand>().Where(b => b.Id == brandId).Select(b => b.Slug).SingleAsync(Ct);
    }
}
