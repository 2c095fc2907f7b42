using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Axle.Api.Features.Orders;
using Axle.Api.Features.Suppliers.Ordering;
using Axle.Api.Platform.Messaging;
using Axle.SupplierSim;
using Axle.Tests.Infrastructure;
using Axle.Tests.Orders;
using Microsoft.EntityFrameworkCore;

namespace Axle.Tests.Suppliers;

/// <summary>Two-way: purchase orders and drop-ship orders transmitted to the real simulator's order endpoint.</summary>
public sealed class SupplierOrderTests(SupplierOrderFactory factory) : IClassFixture<SupplierOrderFactory>
{
    private readonly SupplierOrderKit _kit = new(factory);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_purchase_order_naming_a_supplier_is_transmitted_with_its_part_numbers_and_acknowledged()
    {
        await using var supplier = await _kit.SupplierAsync(auth: new { kind = "api_key" }, credentials: new { apiKey = "sim-api-key" });
        var pads = await _kit.Suppliers.PartAsync("Pads");
        var rotor = await _kit.Suppliers.PartAsync("Rotor");
        await _kit.PartNumbersAsync(supplier.Id, ("ACME-PADS-1", pads));

        var po = await _kit.CreatePurchaseOrderAsync(supplier.Id, (pads, 3), (rotor, 2));
        var poId = po.GetProperty("id").GetGuid();
        Assert.Equal(supplier.Id, po.GetProperty("supplierId").GetInt64());
        Assert.Equal("Supplier " + supplier.Supplier.Code, po.GetProperty("supplierName").GetString());
        Assert.Equal("pending", po.GetProperty("transmission").GetProperty("status").GetString());
        Assert.Equal(0, supplier.OrderRequests);

        await _kit.RunWorkerAsync();

        var received = Assert.Single(supplier.Sim.Orders.Received);
        Assert.Equal("PO-" + poId.ToString("N"), received.Reference);
        Assert.Equal([new OrderLine("ACME-PADS-1", 3), new OrderLine(rotor.Sku, 2)],
            received.Lines.OrderBy(l => l.PartNo == "ACME-PADS-1" ? 0 : 1));
        Assert.Equal("1 Main St", received.ShipTo!.Value.GetProperty("line1").GetString());

        var row = Assert.Single(await _kit.OrdersOfAsync(supplier.Id));
        Assert.Equal("key:" + row.IdempotencyKey, received.IdempotencyKey);
        Assert.Equal(SupplierOrderKind.PurchaseOrder, row.Kind);
        Assert.Equal(poId, row.PurchaseOrderId);
        Assert.Equal(SupplierOrderStatus.Acknowledged, row.Status);
        Assert.Equal(received.OrderId, row.SupplierOrderId);
        Assert.NotNull(row.AcknowledgedAt);
        Assert.Equal(1, row.Attempts);
        Assert.Equal(201, row.LastStatusCode);
        Assert.Contains(received.OrderId, row.Acknowledgement);

        var after = await _kit.GetJsonAsync($"{SupplierOrderKit.PurchaseOrders}/{poId}");
        var transmission = after.GetProperty("transmission");
        Assert.Equal("acknowledged", transmission.GetProperty("status").GetString());
        Assert.Equal(received.OrderId, transmission.GetProperty("supplierOrderId").GetString());
        Assert.Equal(JsonValueKind.String, transmission.GetProperty("acknowledgedAt").ValueKind);

        var one = await _kit.GetAsync(row.Id);
        Assert.Equal("purchase_order", one.GetProperty("kind").GetString());
        Assert.Equal("acknowledged", one.GetProperty("status").GetString());
        Assert.Equal(2, one.GetProperty("lines").GetArrayLength());
        var list = await _kit.GetJsonAsync($"{SupplierKit.Suppliers}/{supplier.Id}/orders?kind=purchase_order&status=acknowledged");
        Assert.Equal(row.Id, Assert.Single(list.GetProperty("items").EnumerateArray()).GetProperty("id").GetGuid());
        var none = await _kit.GetJsonAsync($"{SupplierKit.Suppliers}/{supplier.Id}/orders?status=rejected");
        Assert.Empty(none.GetProperty("items").EnumerateArray());
        await _kit.RunWorkerAsync();
        Assert.Equal(1, supplier.OrderRequests);
    }

    [Fact]
    public async Task A_retry_after_a_503_or_a_lost_acknowledgement_reuses_the_idempotency_key_so_the_supplier_has_one_order()
    {
        await using var supplier = await _kit.SupplierAsync();
        var part = await _kit.Suppliers.PartAsync();
        supplier.Sim.Faults.Enqueue(Fault.Status(503), count: 1, pathPrefix: "/orders");
        await _kit.CreatePurchaseOrderAsync(supplier.Id, (part, 4));

        await _kit.RunWorkerAsync();

        Assert.Equal(2, supplier.OrderRequests);
        var received = Assert.Single(supplier.Sim.Orders.Received);
        var row = Assert.Single(await _kit.OrdersOfAsync(supplier.Id));
        Assert.Equal(SupplierOrderStatus.Acknowledged, row.Status);
        Assert.Equal(received.OrderId, row.SupplierOrderId);

        // The worker died after sending, before recording the answer: the order is sent again, under the same key.
        await _kit.Suppliers.DbAsync(db => db.Set<SupplierOrder>().Where(o => o.Id == row.Id).ExecuteUpdateAsync(s => s
            .SetProperty(o => o.Status, SupplierOrderStatus.Pending)
            .SetProperty(o => o.SupplierOrderId, (string?)null)
            .SetProperty(o => o.NextAttemptAt, DateTime.UtcNow.AddSeconds(-1)), Ct));
        await _kit.RunWorkerAsync();

        Assert.Single(supplier.Sim.Orders.Received);
        Assert.Equal(1, supplier.Sim.Stats.OrdersReplayed);
        var again = await _kit.OrderAsync(row.Id);
        Assert.Equal(SupplierOrderStatus.Acknowledged, again.Status);
        Assert.Equal(received.OrderId, again.SupplierOrderId);
    }

    [Fact]
    public async Task A_short_Retry_After_is_waited_out_in_place()
    {
        await using var supplier = await _kit.SupplierAsync();
        var part = await _kit.Suppliers.PartAsync();
        supplier.Sim.Faults.Enqueue(Fault.TooManyRequests(TimeSpan.FromSeconds(1)), count: 1, pathPrefix: "/orders");
        await _kit.CreatePurchaseOrderAsync(supplier.Id, (part, 1));

        var watch = Stopwatch.StartNew();
        await _kit.RunWorkerAsync();

        Assert.True(watch.Elapsed >= TimeSpan.FromMilliseconds(900), $"Waited only {watch.Elapsed}.");
        Assert.Equal(2, supplier.OrderRequests);
        Assert.Equal(SupplierOrderStatus.Acknowledged, Assert.Single(await _kit.OrdersOfAsync(supplier.Id)).Status);
    }

    [Fact]
    public async Task A_429_with_a_long_Retry_After_postpones_the_transmission_until_then()
    {
        await using var supplier = await _kit.SupplierAsync();
        var part = await _kit.Suppliers.PartAsync();
        supplier.Sim.Faults.Enqueue(Fault.TooManyRequests(TimeSpan.FromSeconds(120)), count: 1, pathPrefix: "/orders");
        await _kit.CreatePurchaseOrderAsync(supplier.Id, (part, 1));
        var before = DateTime.UtcNow;

        await _kit.RunWorkerAsync();

        var row = Assert.Single(await _kit.OrdersOfAsync(supplier.Id));
        Assert.Equal(SupplierOrderStatus.Pending, row.Status);
        Assert.Equal(1, row.Attempts);
        Assert.Equal(429, row.LastStatusCode);
        Assert.StartsWith("throttled", row.LastError);
        Assert.True(row.NextAttemptAt >= before.AddSeconds(110), $"Due at {row.NextAttemptAt:O}, not after the Retry-After.");
        Assert.Null(row.ClaimedUntil);
        await _kit.RunWorkerAsync();
        Assert.Equal(1, supplier.OrderRequests);

        await _kit.MakeDueAsync(row.Id);
        await _kit.RunWorkerAsync();
        Assert.Equal(SupplierOrderStatus.Acknowledged, (await _kit.OrderAsync(row.Id)).Status);
        Assert.Single(supplier.Sim.Orders.Received);
    }

    [Fact]
    public async Task A_422_rejects_the_order_into_dead_letters_and_a_replay_sends_it_again()
    {
        await using var supplier = await _kit.SupplierAsync();
        var part = await _kit.Suppliers.PartAsync();
        supplier.Sim.Orders.RejectNext(1, "credit_hold");
        var po = await _kit.CreatePurchaseOrderAsync(supplier.Id, (part, 2));

        await _kit.RunWorkerAsync();

        var row = Assert.Single(await _kit.OrdersOfAsync(supplier.Id));
        Assert.Equal(SupplierOrderStatus.Rejected, row.Status);
        Assert.Equal(422, row.LastStatusCode);
        Assert.Contains("credit_hold", row.LastError);
        Assert.Empty(supplier.Sim.Orders.Received);
        var letter = Assert.Single(await _kit.Suppliers.DeadLettersAsync(supplier.Id));
        Assert.Equal(SupplierOrderWorker.DeadLetterSource, letter.Source);
        Assert.Equal(row.Id.ToString(), letter.Reference);
        Assert.Equal("order_rejected", letter.Code);
        Assert.Contains("credit_hold", letter.Reason);
        Assert.Contains($"\"reference\":\"{row.Reference}\"", letter.Payload);
        var transmission = (await _kit.GetJsonAsync($"{SupplierOrderKit.PurchaseOrders}/{po.GetProperty("id").GetGuid()}")).GetProperty("transmission");
        Assert.Equal("rejected", transmission.GetProperty("status").GetString());
        Assert.Contains("credit_hold", transmission.GetProperty("lastError").GetString());
        await _kit.RunWorkerAsync();
        Assert.Equal(1, supplier.OrderRequests);

        var replay = await _kit.Admin.PostAsync($"{SupplierKit.DeadLetters}/{letter.Id}/replay", null, Ct);
        Assert.Equal("replayed", (await replay.AssertJsonAsync(HttpStatusCode.OK)).GetProperty("status").GetString());
        Assert.Equal(SupplierOrderStatus.Pending, (await _kit.OrderAsync(row.Id)).Status);
        await _kit.RunWorkerAsync();

        var sent = await _kit.OrderAsync(row.Id);
        Assert.Equal(SupplierOrderStatus.Acknowledged, sent.Status);
        Assert.Equal(Assert.Single(supplier.Sim.Orders.Received).OrderId, sent.SupplierOrderId);
    }

    [Fact]
    public async Task Transient_failures_past_the_last_attempt_fail_the_order_and_retry_sends_it_again()
    {
        await using var supplier = await _kit.SupplierAsync();
        var part = await _kit.Suppliers.PartAsync();
        supplier.Sim.Faults.Enqueue(Fault.Status(503), count: 6, pathPrefix: "/orders");
        await _kit.CreatePurchaseOrderAsync(supplier.Id, (part, 2));

        for (var i = 1; i <= 3; i++)
        {
            await _kit.RunWorkerAsync();
            var row = Assert.Single(await _kit.OrdersOfAsync(supplier.Id));
            Assert.Equal(i, row.Attempts);
            Assert.Equal(i < 3 ? SupplierOrderStatus.Pending : SupplierOrderStatus.Failed, row.Status);
        }

        var failed = Assert.Single(await _kit.OrdersOfAsync(supplier.Id));
        Assert.Equal(503, failed.LastStatusCode);
        Assert.Contains("3 attempts", failed.LastError);
        Assert.Equal(6, supplier.OrderRequests);
        var letter = Assert.Single(await _kit.Suppliers.DeadLettersAsync(supplier.Id));
        Assert.Equal("server_error", letter.Code);
        await _kit.RunWorkerAsync();
        Assert.Equal(6, supplier.OrderRequests);

        var retried = await (await _kit.Manager.PostAsync($"{SupplierOrderKit.SupplierOrders}/{failed.Id}/retry", null, Ct))
            .AssertJsonAsync(HttpStatusCode.OK);
        Assert.Equal("pending", retried.GetProperty("status").GetString());
        Assert.Equal(0, retried.GetProperty("attempts").GetInt32());
        await _kit.RunWorkerAsync();
        Assert.Equal(SupplierOrderStatus.Acknowledged, (await _kit.OrderAsync(failed.Id)).Status);
        Assert.Single(supplier.Sim.Orders.Received);
        Assert.Equal(DeadLetterStatus.Replayed, Assert.Single(await _kit.Suppliers.DeadLettersAsync(supplier.Id)).Status);

        var again = await _kit.Manager.PostAsync($"{SupplierOrderKit.SupplierOrders}/{failed.Id}/retry", null, Ct);
        Assert.Equal("not_retryable", (await again.AssertProblemAsync(HttpStatusCode.Conflict)).GetProperty("code").GetString());
    }

    [Fact]
    public async Task Without_an_order_endpoint_a_purchase_order_naming_the_supplier_queues_nothing()
    {
        await using var supplier = await _kit.SupplierAsync(orderEndpoint: false);
        var part = await _kit.Suppliers.PartAsync();

        var po = await _kit.CreatePurchaseOrderAsync(supplier.Id, (part, 2));

        Assert.Equal(supplier.Id, po.GetProperty("supplierId").GetInt64());
        Assert.Equal(JsonValueKind.Null, po.GetProperty("transmission").ValueKind);
        Assert.Empty(await _kit.OrdersOfAsync(supplier.Id));
        await _kit.RunWorkerAsync();
        Assert.Equal(0, supplier.OrderRequests);
    }

    [Fact]
    public async Task A_purchase_order_needs_an_active_supplier_and_the_order_url_must_be_allowed()
    {
        await using var supplier = await _kit.SupplierAsync();
        var part = await _kit.Suppliers.PartAsync();
        var warehouse = await _kit.Inventory.WarehouseAsync();

        var unknown = await (await _kit.PostPurchaseOrderAsync(SupplierOrderKit.PurchaseOrder(long.MaxValue, warehouse, (part, 1))))
            .AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.True(unknown.GetProperty("errors").TryGetProperty("supplierId", out _));
        var neither = await (await _kit.PostPurchaseOrderAsync(SupplierOrderKit.PurchaseOrder(null, warehouse, (part, 1))))
            .AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.True(neither.GetProperty("errors").TryGetProperty("supplierName", out _));

        var current = await _kit.Admin.GetAsync($"{SupplierKit.Suppliers}/{supplier.Id}", Ct);
        using var patch = new HttpRequestMessage(HttpMethod.Patch, $"{SupplierKit.Suppliers}/{supplier.Id}")
        {
            Content = JsonContent.Create(new { active = false }),
        };
        patch.Headers.IfMatch.Add(current.Headers.ETag!);
        Assert.Equal(HttpStatusCode.OK, (await _kit.Admin.SendAsync(patch, Ct)).StatusCode);
        var inactive = await (await _kit.PostPurchaseOrderAsync(SupplierOrderKit.PurchaseOrder(supplier.Id, warehouse, (part, 1))))
            .AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.True(inactive.GetProperty("errors").TryGetProperty("supplierId", out _));
        Assert.Empty(await _kit.OrdersOfAsync(supplier.Id));

        foreach (var url in new[] { "gopher://supplier.example/orders", "http://169.254.169.254/orders" })
        {
            var refused = await _kit.Admin.PutAsJsonAsync($"{SupplierKit.Suppliers}/{supplier.Id}/feed", new
            {
                settings = new { url = new Uri(supplier.Sim.BaseUrl, "feed/stock").ToString(), orderUrl = url },
            }, Ct);
            var problem = await refused.AssertProblemAsync(HttpStatusCode.BadRequest);
            Assert.True(problem.GetProperty("errors").TryGetProperty("settings.orderUrl", out _), url);
        }

        var feed = (await _kit.GetJsonAsync($"{SupplierKit.Suppliers}/{supplier.Id}", _kit.Admin)).GetProperty("feed");
        Assert.Equal(new Uri(supplier.Sim.BaseUrl, "orders").ToString(), feed.GetProperty("orderUrl").GetString());
    }

    [Fact]
    public async Task Supplier_orders_are_for_inventory_staff_only()
    {
        await using var supplier = await _kit.SupplierAsync();
        var part = await _kit.Suppliers.PartAsync();
        await _kit.CreatePurchaseOrderAsync(supplier.Id, (part, 1));
        var row = Assert.Single(await _kit.OrdersOfAsync(supplier.Id));
        var customer = _kit.Customer();

        Assert.Equal(HttpStatusCode.Forbidden, (await customer.GetAsync($"{SupplierOrderKit.SupplierOrders}/{row.Id}", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await customer.GetAsync($"{SupplierKit.Suppliers}/{supplier.Id}/orders", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await customer.PostAsync($"{SupplierOrderKit.SupplierOrders}/{row.Id}/retry", null, Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await _kit.Suppliers.Anonymous.GetAsync($"{SupplierOrderKit.SupplierOrders}/{row.Id}", Ct)).StatusCode);
        await (await _kit.Manager.GetAsync($"{SupplierOrderKit.SupplierOrders}/{Guid.NewGuid()}", Ct)).AssertProblemAsync(HttpStatusCode.NotFound);
        await (await _kit.Manager.GetAsync($"{SupplierKit.Suppliers}/{long.MaxValue}/orders", Ct)).AssertProblemAsync(HttpStatusCode.NotFound);
        await (await _kit.Manager.GetAsync($"{SupplierKit.Suppliers}/{supplier.Id}/orders?status=lost", Ct)).AssertProblemAsync(HttpStatusCode.BadRequest);
        var pending = await (await _kit.Manager.PostAsync($"{SupplierOrderKit.SupplierOrders}/{row.Id}/retry", null, Ct))
            .AssertProblemAsync(HttpStatusCode.Conflict);
        Assert.Equal("not_retryable", pending.GetProperty("code").GetString());
        await _kit.RunWorkerAsync();
    }

    [Fact]
    public async Task A_paid_order_queues_a_drop_ship_order_for_its_lines_in_the_suppliers_warehouse_only()
    {
        await using var supplier = await _kit.SupplierAsync();
        var theirs = await _kit.Suppliers.PartAsync("Drop-ship pads");
        var ours = await _kit.Suppliers.PartAsync("Own rotor");
        await _kit.PartNumbersAsync(supplier.Id, ("ACME-DS-9", theirs));
        await _kit.Inventory.StockAsync(theirs, supplier.Supplier.WarehouseId, 5);
        await _kit.Inventory.StockAsync(ours, await _kit.Inventory.WarehouseAsync(), 5);
        var customer = _kit.Customer();

        var placed = await OrderKit.PlaceOkAsync(customer, new
        {
            items = new[] { new { partId = theirs.Id, quantity = 2 }, new { partId = ours.Id, quantity = 1 } },
            shippingAddress = OrderKit.Address(),
            payment = new { method = "card", token = "tok_timeout" },
        }, HttpStatusCode.Accepted);
        var orderId = placed.GetProperty("id").GetGuid();
        Assert.Empty(await _kit.OrdersOfAsync(supplier.Id));

        var paid = await OrderKit.WebhookAsync(_kit.Suppliers.Anonymous, OrderKit.PaymentEvent("payment_intent.succeeded", orderId),
            SupplierOrderFactory.WebhookSecret);
        Assert.Equal("paid", (await paid.AssertJsonAsync(HttpStatusCode.OK)).GetProperty("outcome").GetString());

        var row = Assert.Single(await _kit.OrdersOfAsync(supplier.Id));
        Assert.Equal(SupplierOrderKind.DropShip, row.Kind);
        Assert.Equal(orderId, row.CustomerOrderId);
        Assert.Equal(supplier.Supplier.WarehouseId, row.WarehouseId);
        Assert.Equal($"{placed.GetProperty("number").GetString()}-{supplier.Supplier.WarehouseCode}", row.Reference);
        var line = Assert.Single(row.Lines);
        Assert.Equal(("ACME-DS-9", 2, theirs.Id), (line.PartNumber, line.Quantity, line.PartId));

        await _kit.RunWorkerAsync();
        var received = Assert.Single(supplier.Sim.Orders.Received);
        Assert.Equal([new OrderLine("ACME-DS-9", 2)], received.Lines);
        Assert.Equal("Ada Driver", received.ShipTo!.Value.GetProperty("name").GetString());
        Assert.Equal("CA", received.ShipTo.Value.GetProperty("region").GetString());
        Assert.Equal(SupplierOrderStatus.Acknowledged, (await _kit.OrderAsync(row.Id)).Status);
        var list = await _kit.GetJsonAsync($"{SupplierKit.Suppliers}/{supplier.Id}/orders?kind=drop_ship");
        Assert.Equal("drop_ship", Assert.Single(list.GetProperty("items").EnumerateArray()).GetProperty("kind").GetString());
    }

    [Fact]
    public async Task Cancelling_the_customer_order_cancels_an_unsent_drop_ship_order_and_flags_a_sent_one()
    {
        await using var supplier = await _kit.SupplierAsync();
        var part = await _kit.Suppliers.PartAsync("Drop-ship filter");
        await _kit.Inventory.StockAsync(part, supplier.Supplier.WarehouseId, 10);
        var customer = _kit.Customer();

        var unsent = await OrderKit.PlacePaidAsync(customer, "CA", (part, 1));
        var unsentId = unsent.GetProperty("id").GetGuid();
        var cancel = await customer.PostAsJsonAsync($"{OrderKit.OrdersUrl}/{unsentId}/cancel", new { reason = "Changed my mind" }, Ct);
        await cancel.AssertJsonAsync(HttpStatusCode.OK);
        var cancelled = Assert.Single(await _kit.OrdersOfAsync(supplier.Id));
        Assert.Equal(SupplierOrderStatus.Cancelled, cancelled.Status);
        await _kit.RunWorkerAsync();
        Assert.Equal(0, supplier.OrderRequests);
        Assert.Empty(supplier.Sim.Orders.Received);
        Assert.False((await _kit.Suppliers.DbAsync(db => db.Set<Order>().AsNoTracking().FirstAsync(o => o.Id == unsentId, Ct))).NeedsAttention);

        var sent = await OrderKit.PlacePaidAsync(customer, "CA", (part, 2));
        var sentId = sent.GetProperty("id").GetGuid();
        await _kit.RunWorkerAsync();
        cancel = await customer.PostAsJsonAsync($"{OrderKit.OrdersUrl}/{sentId}/cancel", new { reason = "Too slow" }, Ct);
        await cancel.AssertJsonAsync(HttpStatusCode.OK);

        var acknowledged = (await _kit.OrdersOfAsync(supplier.Id)).Single(o => o.CustomerOrderId == sentId);
        Assert.Equal(SupplierOrderStatus.Acknowledged, acknowledged.Status);
        Assert.Contains("cancelled after the supplier received", acknowledged.Note);
        var order = await _kit.Suppliers.DbAsync(db => db.Set<Order>().AsNoTracking().FirstAsync(o => o.Id == sentId, Ct));
        Assert.Equal(OrderStatus.Cancelled, order.Status);
        Assert.True(order.NeedsAttention);
        Assert.Single(supplier.Sim.Orders.Received);
    }

    [Fact]
    public async Task A_rejected_drop_ship_order_flags_the_customer_order_for_attention()
    {
        await using var supplier = await _kit.SupplierAsync();
        var part = await _kit.Suppliers.PartAsync("Drop-ship hose");
        await _kit.Inventory.StockAsync(part, supplier.Supplier.WarehouseId, 3);
        supplier.Sim.Orders.RejectNext(1, "discontinued");

        var order = await OrderKit.PlacePaidAsync(_kit.Customer(), "CA", (part, 1));
        var orderId = order.GetProperty("id").GetGuid();
        await _kit.RunWorkerAsync();

        var row = Assert.Single(await _kit.OrdersOfAsync(supplier.Id));
        Assert.Equal(SupplierOrderStatus.Rejected, row.Status);
        var flagged = await _kit.Suppliers.DbAsync(db => db.Set<Order>().AsNoTracking().FirstAsync(o => o.Id == orderId, Ct));
        Assert.True(flagged.NeedsAttention);
        Assert.Contains("discontinued", flagged.AttentionNote);
        var events = await _kit.Suppliers.DbAsync(db => db.Set<OutboxMessage>().AsNoTracking()
            .Where(m => m.Type == OrderEvents.NeedsAttention).Select(m => m.Payload).ToListAsync(Ct));
        Assert.Contains(events, e => e.Contains(orderId.ToString(), StringComparison.Ordinal));
    }

    [Fact]
    public async Task Cancelling_a_purchase_order_cancels_its_unsent_transmission()
    {
        await using var supplier = await _kit.SupplierAsync();
        var part = await _kit.Suppliers.PartAsync();
        var po = await _kit.CreatePurchaseOrderAsync(supplier.Id, (part, 5));

        var cancelled = await (await InventoryKitPost($"{SupplierOrderKit.PurchaseOrders}/{po.GetProperty("id").GetGuid()}/cancel"))
            .AssertJsonAsync(HttpStatusCode.OK);

        Assert.Equal("cancelled", cancelled.GetProperty("transmission").GetProperty("status").GetString());
        Assert.Equal(SupplierOrderStatus.Cancelled, Assert.Single(await _kit.OrdersOfAsync(supplier.Id)).Status);
        await _kit.RunWorkerAsync();
        Assert.Equal(0, supplier.OrderRequests);
    }

    private Task<HttpResponseMessage> InventoryKitPost(string url) => Inventory.InventoryKit.PostAsync(_kit.Manager, url, new { });
}
