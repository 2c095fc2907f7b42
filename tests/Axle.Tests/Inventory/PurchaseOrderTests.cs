using System.Net;
using System.Text.Json;
using Axle.Api.Features.Catalog;
using Axle.Api.Features.Inventory;
using Axle.Api.Platform.Security;
using Axle.Tests.Infrastructure;
using static Axle.Tests.Inventory.InventoryKit;

namespace Axle.Tests.Inventory;

public sealed class PurchaseOrderTests(AxleFactory factory) : IClassFixture<AxleFactory>
{
    private readonly InventoryKit _kit = new(factory);

    private async Task<(Part Pads, Part Rotor, long Warehouse, JsonElement Order)> OrderAsync(int pads = 10, int rotors = 4)
    {
        var padsPart = await _kit.PartAsync("Pads");
        var rotorPart = await _kit.PartAsync("Rotor");
        var warehouse = await _kit.WarehouseAsync();
        var response = await PostAsync(_kit.Manager, PurchaseOrders, new
        {
            supplierName = "Bosch Distribution",
            supplierReference = "SO-" + Guid.NewGuid().ToString("N")[..6],
            warehouseId = warehouse,
            lines = new object[]
            {
                new { sku = padsPart.Sku, quantity = pads, unitCost = new { amount = 12.40m, currency = "USD" } },
                new { sku = rotorPart.Sku, quantity = rotors, unitCost = new { amount = 31m, currency = "USD" } },
            },
        });
        return (padsPart, rotorPart, warehouse, await response.AssertJsonAsync(HttpStatusCode.Created));
    }

    private static Task<HttpResponseMessage> ReceiveAsync(HttpClient client, JsonElement order, params (Part Part, int Quantity)[] lines) =>
        PostAsync(client, $"{PurchaseOrders}/{order.GetProperty("id").GetGuid()}/receipts",
            new { lines = lines.Select(l => new { sku = l.Part.Sku, quantity = l.Quantity }) });

    [Fact]
    public async Task A_purchase_order_starts_open_with_its_lines_and_costs()
    {
        var (pads, _, warehouse, order) = await OrderAsync();

        var fetched = await (await _kit.Manager.GetAsync($"{PurchaseOrders}/{order.GetProperty("id").GetGuid()}", Ct)).AssertJsonAsync(HttpStatusCode.OK);

        Assert.Equal("open", fetched.GetProperty("status").GetString());
        Assert.Equal(warehouse, fetched.GetProperty("warehouseId").GetInt64());
        var line = fetched.GetProperty("lines").EnumerateArray().Single(l => l.GetProperty("sku").GetString() == pads.Sku);
        Assert.Equal(12.40m, line.GetProperty("unitCost").GetProperty("amount").GetDecimal());
        Assert.Equal(0, line.GetProperty("receivedQuantity").GetInt32());
        Assert.Equal(0, (await _kit.LevelAsync(pads.Id, warehouse))!.OnHand);
    }

    [Fact]
    public async Task Partial_receipts_add_stock_and_move_the_status_to_received()
    {
        var (pads, rotor, warehouse, order) = await OrderAsync();

        var partial = await (await ReceiveAsync(_kit.Manager, order, (pads, 6))).AssertJsonAsync(HttpStatusCode.OK);
        var rest = await (await ReceiveAsync(_kit.Manager, order, (pads, 4), (rotor, 4))).AssertJsonAsync(HttpStatusCode.OK);

        Assert.Equal("partially_received", partial.GetProperty("status").GetString());
        Assert.Equal("received", rest.GetProperty("status").GetString());
        Assert.Equal(10, (await _kit.LevelAsync(pads.Id, warehouse))!.OnHand);
        Assert.Equal(4, (await _kit.LevelAsync(rotor.Id, warehouse))!.OnHand);
        var received = (await _kit.MovementsAsync(pads.Id)).Where(m => m.Reason == MovementReason.Received).ToList();
        Assert.Equal([6, 4], received.Select(m => m.DeltaOnHand));
        Assert.All(received, m => Assert.Equal((MovementReference.PurchaseOrder, order.GetProperty("id").GetGuid().ToString()), (m.ReferenceType, m.ReferenceId)));
        var closed = await ReceiveAsync(_kit.Manager, order, (pads, 1));
        await closed.AssertProblemAsync(HttpStatusCode.Conflict, "purchase_order_closed");
        await _kit.AssertLedgerMatchesAsync(pads.Id);
    }

    [Fact]
    public async Task Cancelling_keeps_what_was_received_and_refuses_further_receipts_and_a_second_cancel()
    {
        var (pads, _, warehouse, order) = await OrderAsync();
        var id = order.GetProperty("id").GetGuid();
        (await ReceiveAsync(_kit.Manager, order, (pads, 3))).EnsureSuccessStatusCode();
        var customer = factory.CreateUserClient(Roles.Customer);

        await (await PostAsync(customer, $"{PurchaseOrders}/{id}/cancel", new { })).AssertProblemAsync(HttpStatusCode.Forbidden);
        var cancelled = await (await PostAsync(_kit.Manager, $"{PurchaseOrders}/{id}/cancel", new { })).AssertJsonAsync(HttpStatusCode.OK);

        Assert.Equal("cancelled", cancelled.GetProperty("status").GetString());
        Assert.Equal(3, (await _kit.LevelAsync(pads.Id, warehouse))!.OnHand);
        await (await ReceiveAsync(_kit.Manager, order, (pads, 1))).AssertProblemAsync(HttpStatusCode.Conflict, "purchase_order_closed");
        await (await PostAsync(_kit.Manager, $"{PurchaseOrders}/{id}/cancel", new { })).AssertProblemAsync(HttpStatusCode.Conflict, "purchase_order_closed");
        await (await PostAsync(_kit.Manager, $"{PurchaseOrders}/{Guid.NewGuid()}/cancel", new { })).AssertProblemAsync(HttpStatusCode.NotFound);
        Assert.Equal(3, (await _kit.LevelAsync(pads.Id, warehouse))!.OnHand);
        await _kit.AssertLedgerMatchesAsync(pads.Id);
    }

    [Fact]
    public async Task An_over_receipt_is_409_and_receives_nothing_of_the_whole_receipt()
    {
        var (pads, rotor, warehouse, order) = await OrderAsync(pads: 10, rotors: 4);

        var response = await ReceiveAsync(_kit.Manager, order, (pads, 3), (rotor, 5));

        var problem = await response.AssertProblemAsync(HttpStatusCode.Conflict, "over_receipt");
        Assert.Equal(rotor.Sku, problem.GetProperty("sku").GetString());
        Assert.Equal(4, problem.GetProperty("outstanding").GetInt32());
        Assert.Equal(0, (await _kit.LevelAsync(pads.Id, warehouse))!.OnHand);
        Assert.Empty(await _kit.MovementsAsync(pads.Id));
        var fetched = await (await _kit.Manager.GetAsync($"{PurchaseOrders}/{order.GetProperty("id").GetGuid()}", Ct)).AssertJsonAsync(HttpStatusCode.OK);
        Assert.Equal("open", fetched.GetProperty("status").GetString());
        Assert.All(fetched.GetProperty("lines").EnumerateArray(), l => Assert.Equal(0, l.GetProperty("receivedQuantity").GetInt32()));
    }

    [Fact]
    public async Task Parallel_receipts_never_receive_more_than_was_ordered()
    {
        var (pads, _, warehouse, order) = await OrderAsync(pads: 10);

        var responses = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => ReceiveAsync(factory.CreateUserClient(Roles.Admin), order, (pads, 3))));

        Assert.Equal(3, responses.Count(r => r.StatusCode == HttpStatusCode.OK));
        Assert.Equal(9, (await _kit.LevelAsync(pads.Id, warehouse))!.OnHand);
        await _kit.AssertLedgerMatchesAsync(pads.Id);
    }

    [Fact]
    public async Task A_replayed_receipt_is_applied_once()
    {
        var (pads, _, warehouse, order) = await OrderAsync();
        var key = Guid.NewGuid().ToString();
        var url = $"{PurchaseOrders}/{order.GetProperty("id").GetGuid()}/receipts";
        var body = new { lines = new[] { new { sku = pads.Sku, quantity = 2 } } };

        await (await PostAsync(_kit.Manager, url, body, key)).AssertJsonAsync(HttpStatusCode.OK);
        var replay = await PostAsync(_kit.Manager, url, body, key);

        await replay.AssertJsonAsync(HttpStatusCode.OK);
        Assert.True(replay.Headers.Contains("Idempotent-Replayed"));
        Assert.Equal(2, (await _kit.LevelAsync(pads.Id, warehouse))!.OnHand);
    }

    [Fact]
    public async Task Invalid_purchase_orders_and_receipts_get_field_errors_and_customers_403()
    {
        var (pads, _, warehouse, order) = await OrderAsync();
        var other = await _kit.PartAsync("Filter");

        var noLines = await PostAsync(_kit.Manager, PurchaseOrders, new { supplierName = "X", warehouseId = warehouse, lines = Array.Empty<object>() });
        var badCost = await PostAsync(_kit.Manager, PurchaseOrders, new
        {
            supplierName = "X",
            warehouseId = warehouse,
            lines = new[] { new { sku = pads.Sku, quantity = 1, unitCost = new { amount = -1m, currency = "USD" } } },
        });
        var notOnOrder = await ReceiveAsync(_kit.Manager, order, (other, 1));
        var customer = await ReceiveAsync(factory.CreateUserClient(Roles.Customer), order, (pads, 1));
        var customerRead = await factory.CreateUserClient(Roles.Customer).GetAsync($"{PurchaseOrders}/{order.GetProperty("id").GetGuid()}", Ct);
        var missing = await PostAsync(_kit.Manager, $"{PurchaseOrders}/{Guid.NewGuid()}/receipts", new { lines = new[] { new { sku = pads.Sku, quantity = 1 } } });

        Assert.True((await noLines.AssertProblemAsync(HttpStatusCode.BadRequest)).GetProperty("errors").TryGetProperty("lines", out _));
        Assert.True((await badCost.AssertProblemAsync(HttpStatusCode.BadRequest)).GetProperty("errors").TryGetProperty("lines[0].unitCost.amount", out _));
        Assert.True((await notOnOrder.AssertProblemAsync(HttpStatusCode.BadRequest)).GetProperty("errors").TryGetProperty("lines[0].sku", out _));
        await customer.AssertProblemAsync(HttpStatusCode.Forbidden);
        await customerRead.AssertProblemAsync(HttpStatusCode.Forbidden);
        await missing.AssertProblemAsync(HttpStatusCode.NotFound);
    }
}
