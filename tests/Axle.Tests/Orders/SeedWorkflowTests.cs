using System.Net;
using System.Net.Http.Json;
using Axle.Api.Features.Orders;
using Axle.Tests.Carts;
using Axle.Tests.Catalog;
using Axle.Tests.Infrastructure;
using Axle.Tests.Shipments;
using Axle.Tests.Vehicles;

namespace Axle.Tests.Orders;

/// <summary>The seed workflow end to end, through HTTP only, on whichever provider the run uses.</summary>
public sealed class SeedWorkflowTests(ShipmentFactory factory) : IClassFixture<ShipmentFactory>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Find_a_part_for_a_vehicle_buy_it_ship_it_track_it_and_see_it_delivered()
    {
        var carts = new CartKit(factory);
        var shipments = new ShipmentKit(factory);
        var make = VehicleSeed.UniqueMake();
        var camry = await carts.Catalog.VehicleAsync(2018, make, "Camry");
        var pads = await carts.PartAsync(priceMinor: 4999, stock: 5, weightGrams: 900);
        await carts.Catalog.FitAsync(pads, camry, position: "front");
        var userId = Guid.NewGuid();
        var customer = factory.CreateUserClient(userId);

        // 1. What fits my 2018 Camry?
        var found = await customer.GetPageAsync($"/api/v1/parts?year=2018&make={Uri.EscapeDataString(make)}&model=Camry");
        Assert.Contains(found.GetProperty("items").EnumerateArray(), p => p.GetProperty("id").GetInt64() == pads.Id);

        // 2. Into the cart, checked against the vehicle.
        await CartKit.AddOkAsync(customer, userId, pads.Id, 2);
        var cart = await (await CartKit.WriteAsync(customer, HttpMethod.Put, userId, "/vehicle", new { year = 2018, make, model = "Camry" }))
            .AssertJsonAsync(HttpStatusCode.OK);
        Assert.Equal("yes", CartKit.Line(cart, pads.Id).GetProperty("fits").GetString());

        // 3. Checkout with an Idempotency-Key: stock reserved, card charged, order paid.
        using var place = new HttpRequestMessage(HttpMethod.Post, OrderKit.OrdersUrl)
        {
            Content = JsonContent.Create(new
            {
                cartId = cart.GetProperty("id").GetGuid(),
                shippingAddress = OrderKit.Address(),
                payment = new { method = "card", token = "tok_visa" },
            }),
        };
        place.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString());
        var order = await (await customer.SendAsync(place, Ct)).AssertJsonAsync(HttpStatusCode.Created);
        var orderId = order.GetProperty("id").GetGuid();
        Assert.Equal("paid", order.GetProperty("status").GetString());
        Assert.Equal((5, 2), await new OrderKit(factory).StockAsync(pads.Id));

        // 4. Staff ship it; the carrier reports it in transit, then delivered.
        var warehouse = await new OrderKit(factory).DbAsync(db =>
            Task.FromResult(db.Set<Axle.Api.Features.Inventory.StockLevel>().Single(l => l.PartId == pads.Id).WarehouseId));
        var tracking = ShipmentKit.Tracking();
        await (await ShipmentKit.ShipAsync(shipments.Manager, orderId, warehouse, tracking, (ShipmentKit.Line(order, pads), 2)))
            .AssertJsonAsync(HttpStatusCode.Created);
        Assert.Equal((3, 0), await new OrderKit(factory).StockAsync(pads.Id));
        var now = DateTime.UtcNow;
        Assert.Equal(["applied"], await ShipmentKit.ResultsAsync(await shipments.PostSignedAsync([ShipmentKit.Event(tracking, "in_transit", now.AddMinutes(-5))])));
        Assert.Equal(["applied"], await ShipmentKit.ResultsAsync(await shipments.PostSignedAsync([ShipmentKit.Event(tracking, "delivered", now)])));

        // 5. The customer sees every step and the tracking; someone else sees nothing.
        var status = await (await customer.GetAsync($"{OrderKit.OrdersUrl}/{orderId}/status", Ct)).AssertJsonAsync(HttpStatusCode.OK);
        Assert.Equal("delivered", status.GetProperty("status").GetString());
        Assert.Equal(["pending_payment", "paid", "picking", "shipped", "delivered"],
            status.GetProperty("history").EnumerateArray().Select(h => h.GetProperty("status").GetString()));
        var shipment = Assert.Single(status.GetProperty("shipments").EnumerateArray());
        Assert.Equal(tracking, shipment.GetProperty("trackingNumber").GetString());
        Assert.Equal(2, shipment.GetProperty("events").GetArrayLength());
        await (await factory.CreateUserClient(Guid.NewGuid()).GetAsync($"{OrderKit.OrdersUrl}/{orderId}/status", Ct))
            .AssertProblemAsync(HttpStatusCode.NotFound);
        await carts.Inventory.AssertLedgerMatchesAsync(pads.Id);
        Assert.Equal(OrderStatus.Delivered, (await new OrderKit(factory).OrderAsync(orderId))!.Status);
    }
}
