using System.Net;
using Axle.Api.Features.Carts;
using Axle.Api.Features.Inventory;
using Axle.Api.Features.Orders;
using Axle.Api.Features.Payments;
using Axle.Tests.Carts;
using Axle.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using static Axle.Tests.Orders.OrderKit;

namespace Axle.Tests.Orders;

public sealed class CheckoutTests(OrderFactory factory) : IClassFixture<OrderFactory>
{
    private readonly OrderKit _kit = new(factory);

    [Fact]
    public async Task Checkout_with_an_approved_card_pays_the_order_and_keeps_its_stock_reserved_until_shipment()
    {
        var part = await _kit.Carts.PartAsync(priceMinor: 2500, stock: 10, weightGrams: 1200);
        var userId = Guid.NewGuid();
        var customer = factory.CreateUserClient(userId);

        var response = await PlaceAsync(customer, Body(part.Id, 3));
        var order = await response.AssertJsonAsync(HttpStatusCode.Created);

        var id = order.GetProperty("id").GetGuid();
        Assert.Equal($"/api/v1/orders/{id}", response.Headers.Location!.ToString());
        Assert.Equal("paid", Text(order, "status"));
        Assert.Matches("^AX-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$", Text(order, "number"));
        // 3 × 25.00 = 75.00; tax 5 % = 3.75; shipping 5.00 + 1.50 × ⌈3.6 kg⌉ = 11.00; total 89.75.
        Assert.Equal(75.00m, Amount(order, "subtotal"));
        Assert.Equal(3.75m, Amount(order, "tax"));
        Assert.Equal(11.00m, Amount(order, "shipping"));
        Assert.Equal(89.75m, Amount(order, "total"));
        Assert.Equal("captured", order.GetProperty("payment").GetProperty("status").GetString());

        var stored = await _kit.OrderAsync(id);
        Assert.NotNull(stored);
        Assert.Equal(OrderStatus.Paid, stored.Status);
        Assert.Equal(8975, stored.TotalMinor);
        Assert.Equal([OrderStatus.PendingPayment, OrderStatus.Paid], stored.History.OrderBy(h => h.Id).Select(h => h.To));
        var reservation = await _kit.ReservationAsync(id);
        Assert.Equal(ReservationStatus.Confirmed, reservation!.Status);
        Assert.Equal(stored.ReservationId, reservation.Id);
        Assert.Equal((10, 3), await _kit.StockAsync(part.Id));
        await _kit.Carts.Inventory.AssertLedgerMatchesAsync(part.Id);
        var payment = await _kit.PaymentAsync(id);
        Assert.Equal(PaymentStatus.Captured, payment!.Status);
        Assert.Equal(TestPaymentGateway.ReferenceFor(payment.IdempotencyKey), payment.Reference);
        Assert.Equal([OrderEvents.Created, OrderEvents.StatusChanged], await _kit.EventTypesAsync(id));
    }

    [Fact]
    public async Task Checkout_from_the_cart_orders_its_lines_adds_core_charge_lines_and_starts_a_new_empty_cart()
    {
        var starter = await _kit.Carts.PartAsync(priceMinor: 15000, stock: 5, coreCharge: 2500, weightGrams: 500);
        var pads = await _kit.Carts.PartAsync(priceMinor: 4000, stock: 5, weightGrams: 500);
        var userId = Guid.NewGuid();
        var customer = factory.CreateUserClient(userId);
        await CartKit.AddOkAsync(customer, userId, starter.Id, 1);
        var cart = await CartKit.AddOkAsync(customer, userId, pads.Id, 2);

        var order = await PlaceOkAsync(customer, new
        {
            cartId = cart.GetProperty("id").GetGuid(),
            shippingAddress = Address(),
            payment = new { method = "card", token = "tok_visa" },
        });

        var items = order.GetProperty("items").EnumerateArray().ToList();
        Assert.Equal(3, items.Count);
        var core = items.Single(i => Text(i, "kind") == "core_charge");
        var starterLine = items.Single(i => Text(i, "kind") == "part" && i.GetProperty("partId").GetInt64() == starter.Id);
        Assert.Equal(starterLine.GetProperty("id").GetGuid(), core.GetProperty("coreForItemId").GetGuid());
        Assert.Equal(25.00m, core.GetProperty("unitPrice").GetProperty("amount").GetDecimal());
        // 150 + 2 × 40 = 230; tax 11.50 (core charge untaxed); shipping 5 + 1.5 × 2 kg = 8; core 25; total 274.50.
        Assert.Equal(230.00m, Amount(order, "subtotal"));
        Assert.Equal(25.00m, Amount(order, "coreCharges"));
        Assert.Equal(274.50m, Amount(order, "total"));
        var closed = await _kit.DbAsync(db => Task.FromResult(db.Set<Cart>().Single(c => c.Id == cart.GetProperty("id").GetGuid())));
        Assert.Equal(CartStatus.CheckedOut, closed.Status);
        var (fresh, _) = await CartKit.GetAsync(customer, userId);
        Assert.NotEqual(cart.GetProperty("id").GetGuid(), fresh.GetProperty("id").GetGuid());
        Assert.Empty(fresh.GetProperty("items").EnumerateArray());
    }

    [Fact]
    public async Task An_empty_cart_or_a_cart_id_that_is_not_the_callers_active_cart_is_refused()
    {
        var userId = Guid.NewGuid();
        var customer = factory.CreateUserClient(userId);
        var body = new { shippingAddress = Address(), payment = new { method = "card", token = "tok_visa" } };
        var other = new { cartId = Guid.NewGuid(), shippingAddress = Address(), payment = new { method = "card", token = "tok_visa" } };

        var empty = await (await PlaceAsync(customer, body)).AssertProblemAsync(HttpStatusCode.BadRequest);
        await (await PlaceAsync(customer, other)).AssertProblemAsync(HttpStatusCode.NotFound);

        Assert.Equal("cart_empty", Text(empty, "code"));
        Assert.Equal(0, await _kit.OrderCountAsync(userId));
    }

    [Fact]
    public async Task A_replay_with_the_same_key_returns_the_first_order_and_places_nothing_new()
    {
        var part = await _kit.Carts.PartAsync(stock: 10);
        var userId = Guid.NewGuid();
        var customer = factory.CreateUserClient(userId);
        var key = Guid.NewGuid().ToString();
        var body = Body(part.Id, 2);

        var first = await (await PlaceAsync(customer, body, key)).AssertJsonAsync(HttpStatusCode.Created);
        var replay = await PlaceAsync(customer, body, key);
        var again = await replay.AssertJsonAsync(HttpStatusCode.Created);
        var mismatch = await (await PlaceAsync(customer, Body(part.Id, 3), key)).AssertProblemAsync(HttpStatusCode.UnprocessableEntity);

        Assert.Equal(first.GetProperty("id").GetGuid(), again.GetProperty("id").GetGuid());
        Assert.Equal("true", replay.Headers.GetValues("Idempotent-Replayed").Single());
        Assert.Equal("idempotency_key_reused", Text(mismatch, "code"));
        Assert.Equal(1, await _kit.OrderCountAsync(userId));
        Assert.Equal((10, 2), await _kit.StockAsync(part.Id));
    }

    [Fact]
    public async Task A_retry_after_the_server_died_before_storing_the_answer_finds_the_first_order_instead_of_placing_another()
    {
        var part = await _kit.Carts.PartAsync(stock: 10);
        var userId = Guid.NewGuid();
        var customer = factory.CreateUserClient(userId);
        var key = Guid.NewGuid().ToString();
        var body = Body(part.Id, 2);
        var first = await (await PlaceAsync(customer, body, key)).AssertJsonAsync(HttpStatusCode.Created);

        // What a SIGKILL between the order's commit and the stored answer leaves: the claim in flight, long abandoned.
        await _kit.DbAsync(db => db.Set<Axle.Api.Platform.Http.IdempotencyRecord>()
            .Where(r => r.Key == key)
            .ExecuteUpdateAsync(u => u
                .SetProperty(r => r.ResponseStatus, (int?)null)
                .SetProperty(r => r.ResponseBody, (byte[]?)null)
                .SetProperty(r => r.CompletedAt, (DateTime?)null)
                .SetProperty(r => r.ClaimedAt, DateTime.UtcNow.AddMinutes(-5)), Ct));

        var retry = await PlaceAsync(customer, body, key);
        var again = await retry.AssertJsonAsync(HttpStatusCode.Created);

        Assert.False(retry.Headers.Contains("Idempotent-Replayed"));
        Assert.Equal(first.GetProperty("id").GetGuid(), again.GetProperty("id").GetGuid());
        Assert.Equal($"/api/v1/orders/{first.GetProperty("id").GetGuid()}", retry.Headers.Location!.OriginalString);
        Assert.Equal(1, await _kit.OrderCountAsync(userId));
        Assert.Equal((10, 2), await _kit.StockAsync(part.Id));
        await _kit.Carts.Inventory.AssertLedgerMatchesAsync(part.Id);

        // The retry's answer is stored now: a third attempt is a plain replay.
        var third = await PlaceAsync(customer, body, key);
        Assert.Equal("true", third.Headers.GetValues("Idempotent-Replayed").Single());
    }

    [Fact]
    public async Task Checkout_without_an_idempotency_key_is_a_400_and_places_nothing()
    {
        var part = await _kit.Carts.PartAsync(stock: 10);
        var userId = Guid.NewGuid();
        var customer = factory.CreateUserClient(userId);

        var response = await customer.PostAsync(OrdersUrl, System.Net.Http.Json.JsonContent.Create(Body(part.Id, 1)), Ct);

        var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.Equal("idempotency_key_required", Text(problem, "code"));
        Assert.Equal(0, await _kit.OrderCountAsync(userId));
    }

    [Fact]
    public async Task A_declined_card_is_a_402_and_leaves_stock_untouched()
    {
        var part = await _kit.Carts.PartAsync(stock: 4);
        var userId = Guid.NewGuid();
        var customer = factory.CreateUserClient(userId);

        var problem = await (await PlaceAsync(customer, Body(part.Id, 4, "tok_declined"))).AssertProblemAsync(HttpStatusCode.PaymentRequired);

        Assert.Equal("payment_declined", Text(problem, "code"));
        var id = problem.GetProperty("orderId").GetGuid();
        var order = await _kit.OrderAsync(id);
        Assert.Equal(OrderStatus.Cancelled, order!.Status);
        Assert.Equal(PaymentStatus.Declined, (await _kit.PaymentAsync(id))!.Status);
        Assert.Equal(ReservationStatus.Released, (await _kit.ReservationAsync(id))!.Status);
        Assert.Equal((4, 0), await _kit.StockAsync(part.Id));
        await _kit.Carts.Inventory.AssertLedgerMatchesAsync(part.Id);
        // The stock is free again: another customer can buy all of it.
        await PlaceOkAsync(factory.CreateUserClient(Guid.NewGuid()), Body(part.Id, 4));
    }

    [Fact]
    public async Task Short_stock_is_a_409_naming_the_sku_and_nothing_is_reserved_or_ordered()
    {
        var plenty = await _kit.Carts.PartAsync(stock: 10);
        var scarce = await _kit.Carts.PartAsync(stock: 1);
        var userId = Guid.NewGuid();
        var customer = factory.CreateUserClient(userId);
        var body = new
        {
            items = new[] { new { partId = plenty.Id, quantity = 2 }, new { partId = scarce.Id, quantity = 2 } },
            shippingAddress = Address(),
            payment = new { method = "card", token = "tok_visa" },
        };

        var problem = await (await PlaceAsync(customer, body)).AssertProblemAsync(HttpStatusCode.Conflict);

        Assert.Equal("insufficient_stock", Text(problem, "code"));
        Assert.Equal([scarce.Sku], problem.GetProperty("skus").EnumerateArray().Select(s => s.GetString()));
        Assert.Equal(0, await _kit.OrderCountAsync(userId));
        Assert.Equal((10, 0), await _kit.StockAsync(plenty.Id));
        Assert.Equal((1, 0), await _kit.StockAsync(scarce.Id));
    }

    [Fact]
    public async Task Hazardous_parts_cannot_go_express_but_ship_standard()
    {
        var battery = await _kit.Carts.PartAsync(stock: 5, hazmat: true);
        var customer = factory.CreateUserClient(Guid.NewGuid());

        var refused = await (await PlaceAsync(customer, Body(battery.Id, 1, shippingMethod: "express"))).AssertProblemAsync(HttpStatusCode.BadRequest);
        var placed = await PlaceOkAsync(customer, Body(battery.Id, 1, shippingMethod: "standard"));

        Assert.Equal("hazmat_not_shippable", Text(refused, "code"));
        Assert.Equal("standard", Text(placed, "shippingMethod"));
        Assert.Equal((5, 1), await _kit.StockAsync(battery.Id));
    }

    [Theory]
    [InlineData("""{"items":[{"partId":1,"quantity":0}],"shippingAddress":{"name":"A","line1":"B","city":"C","region":"D","postalCode":"1","country":"US"},"payment":{"method":"card","token":"tok_visa"}}""")]
    [InlineData("""{"items":[{"partId":1,"quantity":1}],"shippingAddress":{"name":"A","line1":"B","city":"C","region":"D","postalCode":"1","country":"XX"},"payment":{"method":"card","token":"tok_visa"}}""")]
    [InlineData("""{"items":[{"partId":1,"quantity":1}],"payment":{"method":"card","token":"tok_visa"}}""")]
    [InlineData("""{"items":[{"partId":1,"quantity":1}],"shippingAddress":{"name":"A","line1":"B","city":"C","region":"D","postalCode":"1","country":"US"},"payment":{"method":"cash","token":"x"}}""")]
    [InlineData("""{"items":[{"partId":1,"quantity":1}],"shippingAddress":{"name":"A","line1":"B","city":"C","region":"D","postalCode":"1","country":"US"},"payment":{"method":"card","token":"tok_visa"},"status":"paid"}""")]
    [InlineData("""{"items":[{"partId":1,"quantity":1}],"shippingAddress":{"name":"A","line1":"B","city":"C","region":"D","postalCode":"1","country":"US"},"payment":{"method":"card","token":"tok_visa"},"shippingMethod":"teleport"}""")]
    [InlineData("""{"items":[{"partId":999999999,"quantity":1}],"shippingAddress":{"name":"A","line1":"B","city":"C","region":"D","postalCode":"1","country":"US"},"payment":{"method":"card","token":"tok_visa"}}""")]
    [InlineData("""{"items":""")]
    public async Task Invalid_orders_are_400_problems_and_place_nothing(string json)
    {
        var userId = Guid.NewGuid();
        var customer = factory.CreateUserClient(userId);
        var request = new HttpRequestMessage(HttpMethod.Post, OrdersUrl) { Content = Json(json) };
        request.Headers.TryAddWithoutValidation("Idempotency-Key", Guid.NewGuid().ToString());

        await (await customer.SendAsync(request, Ct)).AssertProblemAsync(HttpStatusCode.BadRequest);

        Assert.Equal(0, await _kit.OrderCountAsync(userId));
    }

    [Fact]
    public async Task A_pinned_total_that_no_longer_matches_is_a_409_and_places_nothing()
    {
        var part = await _kit.Carts.PartAsync(priceMinor: 1000, stock: 5, weightGrams: 100);
        var userId = Guid.NewGuid();
        var customer = factory.CreateUserClient(userId);
        var body = new
        {
            items = new[] { new { partId = part.Id, quantity = 1 } },
            shippingAddress = Address(),
            payment = new { method = "card", token = "tok_visa" },
            expectedTotal = new { amount = 9.99m, currency = "USD" },
        };

        var problem = await (await PlaceAsync(customer, body)).AssertProblemAsync(HttpStatusCode.Conflict);

        Assert.Equal("total_changed", Text(problem, "code"));
        // 10.00 + 0.50 tax + 6.50 shipping.
        Assert.Equal(17.00m, problem.GetProperty("total").GetProperty("amount").GetDecimal());
        Assert.Equal(0, await _kit.OrderCountAsync(userId));
    }

    [Fact]
    public async Task A_cart_line_known_not_to_fit_the_vehicle_needs_an_explicit_acknowledgement()
    {
        var make = Axle.Tests.Vehicles.VehicleSeed.UniqueMake();
        // Both models are in the catalog, so the fit is known: the part fits the Model Z, the cart's vehicle is a Model Y.
        await _kit.Carts.Catalog.VehicleAsync(2018, make, "Model Y");
        var z = await _kit.Carts.Catalog.VehicleAsync(2018, make, "Model Z");
        var fitsZ = await _kit.Carts.PartAsync(stock: 5);
        await _kit.Carts.Catalog.FitAsync(fitsZ, z);
        var userId = Guid.NewGuid();
        var customer = factory.CreateUserClient(userId);
        await CartKit.AddOkAsync(customer, userId, fitsZ.Id, 1);
        await (await CartKit.WriteAsync(customer, HttpMethod.Put, userId, "/vehicle", new { year = 2018, make, model = "Model Y" }))
            .AssertJsonAsync(HttpStatusCode.OK);
        object Checkout(bool? acknowledge) => new
        {
            shippingAddress = Address(),
            payment = new { method = "card", token = "tok_visa" },
            acknowledgeFit = acknowledge,
        };

        var refused = await (await PlaceAsync(customer, Checkout(null))).AssertProblemAsync(HttpStatusCode.Conflict);
        Assert.Equal(0, await _kit.OrderCountAsync(userId));
        var placed = await PlaceOkAsync(customer, Checkout(true));

        Assert.Equal("fit_acknowledgement_required", Text(refused, "code"));
        Assert.Equal([fitsZ.Id], refused.GetProperty("partIds").EnumerateArray().Select(p => p.GetInt64()));
        var line = placed.GetProperty("items").EnumerateArray().Single();
        Assert.Equal("no", Text(line, "fit"));
        Assert.True(line.GetProperty("fitAcknowledged").GetBoolean());
        var stored = await _kit.OrderAsync(placed.GetProperty("id").GetGuid());
        Assert.Equal((2018, make, "Model Y"), (stored!.VehicleYear!.Value, stored.VehicleMake!, stored.VehicleModel!));
    }

    [Fact]
    public async Task A_machine_client_or_anonymous_caller_cannot_place_orders()
    {
        var anonymous = factory.CreateClient();
        var request = new HttpRequestMessage(HttpMethod.Post, OrdersUrl) { Content = Json("{}") };
        request.Headers.TryAddWithoutValidation("Idempotency-Key", Guid.NewGuid().ToString());

        await (await anonymous.SendAsync(request, Ct)).AssertProblemAsync(HttpStatusCode.Unauthorized);
    }
}
