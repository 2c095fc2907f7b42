using System.Net;
using System.Net.Http.Json;
using Axle.Api.Platform.Security;
using Axle.Tests.Infrastructure;
using static Axle.Tests.Inventory.InventoryKit;

namespace Axle.Tests.Inventory;

public sealed class StockReadTests(AxleFactory factory) : IClassFixture<AxleFactory>
{
    private readonly InventoryKit _kit = new(factory);

    private static async Task<HttpResponseMessage> PatchLevelAsync(HttpClient client, string sku, long warehouse, object body, string? ifMatch)
    {
        using var request = new HttpRequestMessage(HttpMethod.Patch, $"/api/v1/inventory/{sku}/warehouses/{warehouse}") { Content = JsonContent.Create(body) };
        if (ifMatch is not null)
        {
            request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        }

        return await client.SendAsync(request, Ct);
    }

    [Fact]
    public async Task Stock_of_a_sku_lists_each_warehouse_with_totals_and_an_etag()
    {
        var part = await _kit.PartAsync();
        var a = await _kit.WarehouseAsync();
        var b = await _kit.WarehouseAsync();
        await _kit.StockAsync(part, a, 8);
        await _kit.StockAsync(part, b, 3);
        await (await ReserveAsync(_kit.Manager, (part, 5))).AssertJsonAsync(HttpStatusCode.Created);
        var orders = factory.CreateUserClient(Roles.OrderManager);

        var response = await orders.GetAsync($"/api/v1/inventory/{part.Sku}", Ct);

        var body = await response.AssertJsonAsync(HttpStatusCode.OK);
        Assert.Equal(part.Sku, body.GetProperty("sku").GetString());
        var warehouses = body.GetProperty("warehouses").EnumerateArray().ToList();
        Assert.Equal(2, warehouses.Count);
        var first = warehouses.Single(w => w.GetProperty("warehouseId").GetInt64() == a);
        Assert.Equal((8, 5, 3), (first.GetProperty("onHand").GetInt32(), first.GetProperty("reserved").GetInt32(), first.GetProperty("available").GetInt32()));
        Assert.False(string.IsNullOrEmpty(first.GetProperty("warehouseCode").GetString()));
        var totals = body.GetProperty("totals");
        Assert.Equal((11, 5, 6), (totals.GetProperty("onHand").GetInt32(), totals.GetProperty("reserved").GetInt32(), totals.GetProperty("available").GetInt32()));
        Assert.NotNull(response.Headers.ETag);
        Assert.Equal(2, body.GetProperty("warehouseCount").GetInt32());
    }

    [Fact]
    public async Task Stock_held_in_more_warehouses_than_an_answer_lists_shows_the_first_by_code_counts_them_and_totals_them_all()
    {
        var max = Api.Features.Inventory.GetStock.MaxWarehouses;
        var part = await _kit.PartAsync();
        for (var i = 0; i <= max; i++)
        {
            await _kit.StockAsync(part, await _kit.WarehouseAsync(), 2);
        }

        var response = await _kit.Manager.GetAsync($"/api/v1/inventory/{part.Sku}", Ct);

        var body = await response.AssertJsonAsync(HttpStatusCode.OK);
        var codes = body.GetProperty("warehouses").EnumerateArray().Select(w => w.GetProperty("warehouseCode").GetString()!).ToList();
        Assert.Equal(max, codes.Count);
        Assert.Equal(codes.Order(StringComparer.Ordinal), codes);
        Assert.Equal(max + 1, body.GetProperty("warehouseCount").GetInt32());
        Assert.Equal(2 * (max + 1), body.GetProperty("totals").GetProperty("onHand").GetInt32());
    }

    [Fact]
    public async Task Stock_etag_answers_304_until_stock_changes()
    {
        var part = await _kit.PartAsync();
        var warehouse = await _kit.WarehouseAsync();
        await _kit.StockAsync(part, warehouse, 4);
        var etag = (await _kit.Manager.GetAsync($"/api/v1/inventory/{part.Sku}", Ct)).Headers.ETag!.ToString();

        var unchanged = await SendIfNoneMatchAsync(part.Sku, etag);
        await _kit.StockAsync(part, warehouse, 1);
        var changed = await SendIfNoneMatchAsync(part.Sku, etag);

        Assert.Equal(HttpStatusCode.NotModified, unchanged.StatusCode);
        Assert.Equal(5, (await changed.AssertJsonAsync(HttpStatusCode.OK)).GetProperty("totals").GetProperty("onHand").GetInt32());
    }

    private async Task<HttpResponseMessage> SendIfNoneMatchAsync(string sku, string etag)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/v1/inventory/{sku}");
        request.Headers.TryAddWithoutValidation("If-None-Match", etag);
        return await _kit.Manager.SendAsync(request, Ct);
    }

    [Fact]
    public async Task Customers_get_403_on_per_warehouse_stock_and_the_ledger_and_unknown_skus_404()
    {
        var part = await _kit.PartAsync();
        var warehouse = await _kit.WarehouseAsync();
        var customer = factory.CreateUserClient(Roles.Customer);

        await (await customer.GetAsync($"/api/v1/inventory/{part.Sku}", Ct)).AssertProblemAsync(HttpStatusCode.Forbidden);
        await (await customer.GetAsync($"/api/v1/inventory/{part.Sku}/movements", Ct)).AssertProblemAsync(HttpStatusCode.Forbidden);
        await (await customer.GetAsync($"/api/v1/inventory/{part.Sku}/warehouses/{warehouse}", Ct)).AssertProblemAsync(HttpStatusCode.Forbidden);
        await (await customer.GetAsync("/api/v1/inventory?belowReorderPoint=true", Ct)).AssertProblemAsync(HttpStatusCode.Forbidden);
        await (await customer.GetAsync("/api/v1/inventory/reconciliation", Ct)).AssertProblemAsync(HttpStatusCode.Forbidden);
        await (await factory.CreateClient().GetAsync($"/api/v1/inventory/{part.Sku}", Ct)).AssertProblemAsync(HttpStatusCode.Unauthorized);
        await (await _kit.Manager.GetAsync("/api/v1/inventory/NO-SUCH-SKU-" + Guid.NewGuid(), Ct)).AssertProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task The_reorder_policy_is_set_with_if_match_and_stale_or_missing_tags_are_refused()
    {
        var part = await _kit.PartAsync();
        var warehouse = await _kit.WarehouseAsync();
        await _kit.StockAsync(part, warehouse, 10);
        var etag = (await _kit.Manager.GetAsync($"/api/v1/inventory/{part.Sku}/warehouses/{warehouse}", Ct)).Headers.ETag!.ToString();

        var missing = await PatchLevelAsync(_kit.Manager, part.Sku, warehouse, new { reorderPoint = 3 }, null);
        var invalid = await PatchLevelAsync(_kit.Manager, part.Sku, warehouse, new { reorderPoint = -1 }, etag);
        var customer = await PatchLevelAsync(factory.CreateUserClient(Roles.Customer), part.Sku, warehouse, new { reorderPoint = 3 }, etag);
        var ok = await PatchLevelAsync(_kit.Manager, part.Sku, warehouse, new { reorderPoint = 3, reorderQuantity = 12 }, etag);
        var stale = await PatchLevelAsync(_kit.Manager, part.Sku, warehouse, new { reorderPoint = 4 }, etag);

        await missing.AssertProblemAsync(HttpStatusCode.PreconditionRequired);
        Assert.True((await invalid.AssertProblemAsync(HttpStatusCode.BadRequest)).GetProperty("errors").TryGetProperty("reorderPoint", out _));
        await customer.AssertProblemAsync(HttpStatusCode.Forbidden);
        var level = await ok.AssertJsonAsync(HttpStatusCode.OK);
        Assert.Equal((3, 12, 10), (level.GetProperty("reorderPoint").GetInt32(), level.GetProperty("reorderQuantity").GetInt32(), level.GetProperty("onHand").GetInt32()));
        await stale.AssertProblemAsync(HttpStatusCode.PreconditionFailed);
        var stored = await _kit.LevelAsync(part.Id, warehouse);
        Assert.Equal((3, 12), (stored!.ReorderPoint, stored.ReorderQuantity));
    }

    [Fact]
    public async Task Below_reorder_point_lists_low_levels_with_a_suggested_purchase()
    {
        var low = await _kit.PartAsync("Low");
        var fine = await _kit.PartAsync("Fine");
        var warehouse = await _kit.WarehouseAsync();
        await _kit.StockAsync(low, warehouse, 2);
        await _kit.StockAsync(fine, warehouse, 20);
        foreach (var part in new[] { low, fine })
        {
            var etag = (await _kit.Manager.GetAsync($"/api/v1/inventory/{part.Sku}/warehouses/{warehouse}", Ct)).Headers.ETag!.ToString();
            await (await PatchLevelAsync(_kit.Manager, part.Sku, warehouse, new { reorderPoint = 5, reorderQuantity = 10 }, etag))
                .AssertJsonAsync(HttpStatusCode.OK);
        }

        var page = await (await _kit.Manager.GetAsync($"/api/v1/inventory?warehouseId={warehouse}&belowReorderPoint=true", Ct))
            .AssertJsonAsync(HttpStatusCode.OK);
        var everything = await (await _kit.Manager.GetAsync($"/api/v1/inventory?warehouseId={warehouse}&updatedSince=2000-01-01T00:00:00Z", Ct))
            .AssertJsonAsync(HttpStatusCode.OK);
        var badDate = await _kit.Manager.GetAsync("/api/v1/inventory?updatedSince=yesterday", Ct);

        var item = Assert.Single(page.GetProperty("items").EnumerateArray());
        Assert.Equal(low.Sku, item.GetProperty("sku").GetString());
        Assert.Equal(2, item.GetProperty("available").GetInt32());
        Assert.Equal(13, item.GetProperty("suggestedPurchaseQuantity").GetInt32());
        Assert.Equal(2, everything.GetProperty("items").GetArrayLength());
        Assert.True((await badDate.AssertProblemAsync(HttpStatusCode.BadRequest)).GetProperty("errors").TryGetProperty("updatedSince", out _));
        Assert.Single(await _kit.EventsAsync(Api.Features.Inventory.StockLedger.LowStockEvent, low.Id));
        Assert.Empty(await _kit.EventsAsync(Api.Features.Inventory.StockLedger.LowStockEvent, fine.Id));

        // Two units ordered from a supplier into this warehouse are no longer suggested; enough on order suggests nothing.
        (await PostAsync(_kit.Manager, "/api/v1/purchase-orders", new
        {
            supplierName = "Bosch Distribution",
            warehouseId = warehouse,
            lines = new[] { new { sku = low.Sku, quantity = 2, unitCost = new { amount = 5m, currency = "USD" } } },
        })).EnsureSuccessStatusCode();
        var ordered = Assert.Single((await (await _kit.Manager.GetAsync($"/api/v1/inventory?warehouseId={warehouse}&belowReorderPoint=true", Ct))
            .AssertJsonAsync(HttpStatusCode.OK)).GetProperty("items").EnumerateArray());
        Assert.Equal(2, ordered.GetProperty("onOrder").GetInt32());
        Assert.Equal(11, ordered.GetProperty("suggestedPurchaseQuantity").GetInt32());
    }

    [Fact]
    public async Task Movements_are_listed_newest_first_across_pages()
    {
        var part = await _kit.PartAsync();
        var warehouse = await _kit.WarehouseAsync();
        for (var i = 1; i <= 5; i++)
        {
            await _kit.StockAsync(part, warehouse, i);
        }

        var first = await (await _kit.Manager.GetAsync($"/api/v1/inventory/{part.Sku}/movements?limit=3", Ct)).AssertJsonAsync(HttpStatusCode.OK);
        var next = first.GetProperty("nextCursor").GetString();
        var second = await (await _kit.Manager.GetAsync($"/api/v1/inventory/{part.Sku}/movements?limit=3&cursor={next}", Ct)).AssertJsonAsync(HttpStatusCode.OK);

        var deltas = first.GetProperty("items").EnumerateArray().Concat(second.GetProperty("items").EnumerateArray())
            .Select(m => m.GetProperty("deltaOnHand").GetInt32()).ToList();
        Assert.Equal([5, 4, 3, 2, 1], deltas);
        Assert.Equal(JsonNull, second.GetProperty("nextCursor").ValueKind);
        var movement = first.GetProperty("items")[0];
        Assert.Equal("received", movement.GetProperty("reason").GetString());
        Assert.Equal("adjustment", movement.GetProperty("reference").GetProperty("type").GetString());
    }

    private const System.Text.Json.JsonValueKind JsonNull = System.Text.Json.JsonValueKind.Null;
}
