using System.Net;
using System.Net.Http.Json;
using Axle.Api.Features.Inventory;
using Axle.Api.Platform.Security;
using Axle.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using static Axle.Tests.Shipments.ShipmentKit;

namespace Axle.Tests.Shipments;

public sealed class ShipmentTests(ShipmentFactory factory) : IClassFixture<ShipmentFactory>
{
    private readonly ShipmentKit _kit = new(factory);

    [Fact]
    public async Task A_split_shipment_commits_exactly_the_units_of_each_warehouse_and_ships_the_order()
    {
        var (east, west) = (await _kit.Inventory.WarehouseAsync(), await _kit.Inventory.WarehouseAsync());
        var pads = await _kit.PartAsync(east, 5, coreCharge: 1500);
        var rotor = await _kit.PartAsync(west, 4);
        var order = await PlaceOrderAsync(factory.CreateUserClient(), (pads, 2), (rotor, 3));
        var orderId = Id(order);
        Assert.Equal((5, 2), Level(await _kit.Inventory.LevelAsync(pads.Id, east)));
        Assert.Equal((4, 3), Level(await _kit.Inventory.LevelAsync(rotor.Id, west)));

        var first = await (await ShipAsync(_kit.Manager, orderId, east, Tracking(), (Line(order, pads), 2))).AssertJsonAsync(HttpStatusCode.Created);
        Assert.Equal("label_created", first.GetProperty("status").GetString());
        Assert.Equal("ups", first.GetProperty("carrier").GetString());
        Assert.Equal((3, 0), Level(await _kit.Inventory.LevelAsync(pads.Id, east)));
        Assert.Equal((4, 3), Level(await _kit.Inventory.LevelAsync(rotor.Id, west)));
        Assert.Equal("picking", (await _kit.StatusAsync(orderId)).GetProperty("status").GetString());
        Assert.Equal(ReservationStatus.Confirmed, (await _kit.ReservationOfAsync(orderId)).Status);

        await (await ShipAsync(_kit.Manager, orderId, west, Tracking(), (Line(order, rotor), 3))).AssertJsonAsync(HttpStatusCode.Created);
        Assert.Equal((1, 0), Level(await _kit.Inventory.LevelAsync(rotor.Id, west)));
        var status = await _kit.StatusAsync(orderId);
        Assert.Equal("shipped", status.GetProperty("status").GetString());
        Assert.Equal(["pending_payment", "paid", "picking", "shipped"], Strings(status.GetProperty("history"), "status"));
        Assert.Equal(2, status.GetProperty("shipments").GetArrayLength());
        var reservation = await _kit.ReservationOfAsync(orderId);
        Assert.Equal(ReservationStatus.Committed, reservation.Status);
        Assert.All(reservation.Lines, l => Assert.Equal(l.Quantity, l.ShippedQuantity));

        var shipped = (await _kit.Inventory.MovementsAsync(pads.Id)).Where(m => m.Reason == MovementReason.Shipped).ToList();
        Assert.Equal((-2, -2), Assert.Single(shipped) is var m ? (m.DeltaOnHand, m.DeltaReserved) : default);
        Assert.Equal(east, m.WarehouseId);
        Assert.Single(await _kit.Inventory.MovementsAsync(rotor.Id), x => x.Reason == MovementReason.Shipped && x.DeltaOnHand == -3);
        Assert.True((await _kit.ReconcileAsync()).Consistent);
    }

    [Fact]
    public async Task A_shipment_with_more_tracking_events_than_an_answer_lists_shows_the_latest_and_counts_them_all()
    {
        var warehouse = await _kit.Inventory.WarehouseAsync();
        var part = await _kit.PartAsync(warehouse, 5);
        var order = await PlaceOrderAsync(factory.CreateUserClient(), (part, 1));
        var shipment = await (await ShipAsync(_kit.Manager, Id(order), warehouse, Tracking(), (Line(order, part), 1)))
            .AssertJsonAsync(HttpStatusCode.Created);
        var shipmentId = shipment.GetProperty("id").GetGuid();
        var max = Api.Features.Orders.OrderTracking.MaxEvents;
        var t0 = DateTime.UtcNow.AddDays(-3);
        await _kit.Catalog.AddRangeAsync(Enumerable.Range(0, max + 5).Select(i => new Api.Features.Shipments.TrackingEvent(
            $"evt_{Guid.NewGuid():N}", shipmentId, Api.Features.Shipments.ShipmentStatus.InTransit, t0.AddMinutes(i), $"Hub {i:D3}", "Scanned",
            applied: false, DateTime.UtcNow)));

        var detail = await (await _kit.Manager.GetAsync($"/api/v1/shipments/{shipmentId}", Ct)).AssertJsonAsync(HttpStatusCode.OK);
        var status = await _kit.StatusAsync(Id(order));

        foreach (var answer in new[] { detail, status.GetProperty("shipments")[0] })
        {
            var locations = Strings(answer.GetProperty("events"), "location");
            Assert.Equal(max, locations.Length);
            Assert.Equal("Hub 005", locations[0]);
            Assert.Equal($"Hub {max + 4:D3}", locations[^1]);
            Assert.Equal(max + 5, answer.GetProperty("eventCount").GetInt32());
        }
    }

    [Fact]
    public async Task Carrier_events_deliver_the_shipments_and_then_the_order_and_the_status_shows_them()
    {
        var warehouse = await _kit.Inventory.WarehouseAsync();
        var part = await _kit.PartAsync(warehouse, 5);
        var customer = factory.CreateUserClient();
        var order = await PlaceOrderAsync(customer, (part, 2));
        var (one, two) = (Tracking(), Tracking());
        await (await ShipAsync(_kit.Manager, Id(order), warehouse, one, (Line(order, part), 1))).AssertJsonAsync(HttpStatusCode.Created);
        await (await ShipAsync(_kit.Manager, Id(order), warehouse, two, (Line(order, part), 1))).AssertJsonAsync(HttpStatusCode.Created);
        var t0 = DateTime.UtcNow.AddHours(-5);

        Assert.Equal(["applied", "applied", "applied"], await ResultsAsync(await _kit.PostSignedAsync(
            [Event(one, "in_transit", t0), Event(one, "delivered", t0.AddHours(2)), Event(two, "out_for_delivery", t0.AddHours(1))])));
        Assert.Equal("shipped", (await _kit.StatusAsync(Id(order))).GetProperty("status").GetString());

        Assert.Equal(["applied"], await ResultsAsync(await _kit.PostSignedAsync([Event(two, "delivered", t0.AddHours(3))])));
        var status = await (await customer.GetAsync($"/api/v1/orders/{Id(order)}/status", Ct)).AssertJsonAsync(HttpStatusCode.OK);
        Assert.Equal("delivered", status.GetProperty("status").GetString());
        Assert.Equal(["pending_payment", "paid", "picking", "shipped", "delivered"], Strings(status.GetProperty("history"), "status"));
        var shipments = status.GetProperty("shipments").EnumerateArray().ToList();
        Assert.Equal([one, two], shipments.Select(s => s.GetProperty("trackingNumber").GetString()));
        Assert.All(shipments, s => Assert.Equal("delivered", s.GetProperty("status").GetString()));
        Assert.Equal(["in_transit", "delivered"], Strings(shipments[0].GetProperty("events"), "status"));
        Assert.Equal("Austin, TX", shipments[0].GetProperty("events")[0].GetProperty("location").GetString());
    }

    [Fact]
    public async Task Customers_cannot_create_shipments_and_cannot_see_other_customers_orders()
    {
        var warehouse = await _kit.Inventory.WarehouseAsync();
        var part = await _kit.PartAsync(warehouse, 3);
        var customer = factory.CreateUserClient();
        var order = await PlaceOrderAsync(customer, (part, 1));

        await (await ShipAsync(customer, Id(order), warehouse, Tracking(), (Line(order, part), 1))).AssertProblemAsync(HttpStatusCode.Forbidden);
        await (await factory.CreateUserClient().GetAsync($"/api/v1/orders/{Id(order)}/status", Ct)).AssertProblemAsync(HttpStatusCode.NotFound);
        await (await ShipAsync(factory.CreateUserClient(Roles.Admin), Id(order), warehouse, Tracking(), (Line(order, part), 1)))
            .AssertJsonAsync(HttpStatusCode.Created);
    }

    [Fact]
    public async Task Shipping_more_than_is_left_or_from_another_warehouse_or_a_core_charge_is_refused()
    {
        var (warehouse, other) = (await _kit.Inventory.WarehouseAsync(), await _kit.Inventory.WarehouseAsync());
        var part = await _kit.PartAsync(warehouse, 5, coreCharge: 2000);
        await _kit.Inventory.StockAsync(part, other, 5);
        var order = await PlaceOrderAsync(factory.CreateUserClient(), (part, 2));
        var line = Line(order, part);
        var reservedAt = (await _kit.ReservationOfAsync(Id(order))).Lines.Single().WarehouseId;
        var elsewhere = reservedAt == warehouse ? other : warehouse;
        var core = order.GetProperty("items").EnumerateArray().Single(i => i.GetProperty("kind").GetString() == "core_charge").GetProperty("id").GetGuid();

        await (await ShipAsync(_kit.Manager, Id(order), reservedAt, Tracking(), (line, 3))).AssertProblemAsync(HttpStatusCode.Conflict, "exceeds_unshipped");
        await (await ShipAsync(_kit.Manager, Id(order), elsewhere, Tracking(), (line, 1)))
            .AssertProblemAsync(HttpStatusCode.Conflict, "not_reserved_at_warehouse");
        await (await ShipAsync(_kit.Manager, Id(order), reservedAt, Tracking(), (core, 1))).AssertProblemAsync(HttpStatusCode.BadRequest);
        var tracking = Tracking();
        await (await ShipAsync(_kit.Manager, Id(order), reservedAt, tracking, (line, 1))).AssertJsonAsync(HttpStatusCode.Created);
        await (await ShipAsync(_kit.Manager, Id(order), reservedAt, tracking, (line, 1))).AssertProblemAsync(HttpStatusCode.Conflict, "tracking_number_taken");
        await (await ShipAsync(_kit.Manager, Id(order), reservedAt, Tracking(), (line, 2))).AssertProblemAsync(HttpStatusCode.Conflict, "exceeds_unshipped");
        Assert.Equal((4, 1), Level(await _kit.Inventory.LevelAsync(part.Id, reservedAt)));
        Assert.True((await _kit.ReconcileAsync()).Consistent);
    }

    [Fact]
    public async Task An_order_with_a_shipment_can_no_longer_be_cancelled()
    {
        var warehouse = await _kit.Inventory.WarehouseAsync();
        var part = await _kit.PartAsync(warehouse, 5);
        var customer = factory.CreateUserClient();
        var order = await PlaceOrderAsync(customer, (part, 2));
        await (await ShipAsync(_kit.Manager, Id(order), warehouse, Tracking(), (Line(order, part), 1))).AssertJsonAsync(HttpStatusCode.Created);

        await (await customer.PostAsJsonAsync($"/api/v1/orders/{Id(order)}/cancel", new { }, Ct))
            .AssertConflictAsync("illegal_transition");
        await (await _kit.Manager.PostAsJsonAsync($"/api/v1/orders/{Id(order)}/cancel", new { }, Ct))
            .AssertConflictAsync("illegal_transition");
        Assert.Equal("picking", (await _kit.StatusAsync(Id(order))).GetProperty("status").GetString());
        Assert.Equal((4, 1), Level(await _kit.Inventory.LevelAsync(part.Id, warehouse)));
    }

    [Fact]
    public async Task Creating_a_shipment_honours_the_idempotency_key()
    {
        var warehouse = await _kit.Inventory.WarehouseAsync();
        var part = await _kit.PartAsync(warehouse, 5);
        var order = await PlaceOrderAsync(factory.CreateUserClient(), (part, 2));
        var body = new { warehouseId = warehouse, carrier = "ups", trackingNumber = Tracking(), items = new[] { new { orderItemId = Line(order, part), quantity = 1 } } };
        var key = Guid.NewGuid().ToString();
        var first = await InventoryKitPost(body, key);
        var again = await InventoryKitPost(body, key);
        Assert.Equal(first.GetProperty("id").GetGuid(), again.GetProperty("id").GetGuid());
        Assert.Equal((4, 1), Level(await _kit.Inventory.LevelAsync(part.Id, warehouse)));

        async Task<System.Text.Json.JsonElement> InventoryKitPost(object payload, string idempotencyKey) =>
            await (await Inventory.InventoryKit.PostAsync(_kit.Manager, $"/api/v1/orders/{Id(order)}/shipments", payload, idempotencyKey))
                .AssertJsonAsync(HttpStatusCode.Created);
    }

    [Fact]
    public async Task An_order_still_waiting_for_payment_cannot_ship()
    {
        var warehouse = await _kit.Inventory.WarehouseAsync();
        var part = await _kit.PartAsync(warehouse, 3);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/orders")
        {
            Content = JsonContent.Create(new
            {
                items = new[] { new { partId = part.Id, quantity = 1 } },
                shippingAddress = new { name = "Pat Doe", line1 = "1 Elm St", city = "Austin", region = "TX", postalCode = "78701", country = "US" },
                payment = new { method = "card", token = "tok_timeout" },
            }),
        };
        request.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString());
        var order = await (await factory.CreateUserClient().SendAsync(request, Ct)).AssertJsonAsync(HttpStatusCode.Accepted);
        Assert.Equal("pending_payment", order.GetProperty("status").GetString());

        await (await ShipAsync(_kit.Manager, Id(order), warehouse, Tracking(), (Line(order, part), 1))).AssertConflictAsync("illegal_transition");
        Assert.Equal((3, 1), Level(await _kit.Inventory.LevelAsync(part.Id, warehouse)));
    }

    [Fact]
    public async Task Staff_read_a_shipment_and_customers_cannot()
    {
        var warehouse = await _kit.Inventory.WarehouseAsync();
        var part = await _kit.PartAsync(warehouse, 3);
        var customer = factory.CreateUserClient();
        var order = await PlaceOrderAsync(customer, (part, 1));
        var created = await (await ShipAsync(_kit.Manager, Id(order), warehouse, Tracking(), (Line(order, part), 1))).AssertJsonAsync(HttpStatusCode.Created);
        var url = $"/api/v1/shipments/{created.GetProperty("id").GetGuid()}";

        var shipment = await (await _kit.Manager.GetAsync(url, Ct)).AssertJsonAsync(HttpStatusCode.OK);
        Assert.Equal(Id(order), shipment.GetProperty("orderId").GetGuid());
        Assert.Equal(1, shipment.GetProperty("items")[0].GetProperty("quantity").GetInt32());
        await (await customer.GetAsync(url, Ct)).AssertProblemAsync(HttpStatusCode.Forbidden);
        await (await _kit.Manager.GetAsync($"/api/v1/shipments/{Guid.NewGuid()}", Ct)).AssertProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Racing_shipments_of_the_same_units_ship_them_once()
    {
        var warehouse = await _kit.Inventory.WarehouseAsync();
        var part = await _kit.PartAsync(warehouse, 6);
        var order = await PlaceOrderAsync(factory.CreateUserClient(), (part, 2));
        var line = Line(order, part);

        var responses = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => ShipAsync(_kit.Manager, Id(order), warehouse, Tracking(), (line, 2))));
        Assert.Single(responses, r => r.StatusCode == HttpStatusCode.Created);
        Assert.All(responses.Where(r => r.StatusCode != HttpStatusCode.Created), r => Assert.Equal(HttpStatusCode.Conflict, r.StatusCode));
        Assert.Equal((4, 0), Level(await _kit.Inventory.LevelAsync(part.Id, warehouse)));
        Assert.Equal("shipped", (await _kit.StatusAsync(Id(order))).GetProperty("status").GetString());
        Assert.True((await _kit.ReconcileAsync()).Consistent);
    }

    private static (int OnHand, int Reserved) Level(StockLevel? level) => (level!.OnHand, level.Reserved);

    private static string[] Strings(System.Text.Json.JsonElement array, string property) =>
        [.. array.EnumerateArray().Select(e => e.GetProperty(property).GetString()!)];
}

/// <summary>The app with orders held to two shipments each.</summary>
public sealed class ShipmentLimitFactory : AxleFactory
{
    protected override IDictionary<string, string?> Overrides => new Dictionary<string, string?> { ["Shipments:MaxPerOrder"] = "2" };
}

public sealed class ShipmentLimitTests(ShipmentLimitFactory factory) : IClassFixture<ShipmentLimitFactory>
{
    private readonly ShipmentKit _kit = new(factory);

    [Fact]
    public async Task An_order_at_its_shipment_limit_refuses_another_with_409_and_ships_nothing_more()
    {
        var warehouse = await _kit.Inventory.WarehouseAsync();
        var part = await _kit.PartAsync(warehouse, 5);
        var order = await PlaceOrderAsync(factory.CreateUserClient(), (part, 3));
        for (var i = 0; i < 2; i++)
        {
            await (await ShipAsync(_kit.Manager, Id(order), warehouse, Tracking(), (Line(order, part), 1))).AssertJsonAsync(HttpStatusCode.Created);
        }

        var third = await ShipAsync(_kit.Manager, Id(order), warehouse, Tracking(), (Line(order, part), 1));

        var problem = await third.AssertProblemAsync(HttpStatusCode.Conflict, "shipment_limit_reached");
        Assert.Equal(2, problem.GetProperty("maxShipments").GetInt32());
        var level = await _kit.Inventory.LevelAsync(part.Id, warehouse);
        Assert.Equal((3, 1), (level!.OnHand, level.Reserved));
        await using var scope = factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<Api.Platform.Data.AppDbContext>();
        Assert.Equal(2, await db.Set<Api.Features.Shipments.Shipment>().CountAsync(s => s.OrderId == Id(order), Ct));
        Assert.Equal(2, (await _kit.StatusAsync(Id(order))).GetProperty("shipments").GetArrayLength());
    }
}
