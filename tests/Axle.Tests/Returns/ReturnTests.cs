using System.Net;
using System.Net.Http.Json;
using Axle.Api.Features.Inventory;
using Axle.Tests.Carts;
using Axle.Tests.Infrastructure;
using Axle.Tests.Inventory;
using static Axle.Tests.Returns.ReturnKit;

namespace Axle.Tests.Returns;

/// <summary>With <see cref="CartFactory"/>'s rules: orders ship to California, 5 % tax.</summary>
public sealed class ReturnTests(CartFactory factory) : IClassFixture<CartFactory>
{
    private readonly ReturnKit _kit = new(factory);

    private static decimal Amount(System.Text.Json.JsonElement money) => money.GetProperty("amount").GetDecimal();

    [Fact]
    public async Task Resaleable_return_restocks_once_refunds_and_the_order_becomes_partially_then_fully_returned()
    {
        var pads = await _kit.Carts.PartAsync(priceMinor: 2000, stock: 5);
        var rotor = await _kit.Carts.PartAsync(priceMinor: 1000, stock: 5);
        var customer = factory.CreateUserClient();
        var order = await _kit.DeliveredAsync(customer, 3, (pads, 2), (rotor, 1));
        var orderId = Id(order);
        var returnsDock = await _kit.Carts.Inventory.WarehouseAsync();

        var rma = await (await RequestAsync(customer, orderId, (Line(order, pads.Id), 1, "not_needed"))).AssertJsonAsync(HttpStatusCode.Created);
        Assert.Equal("requested", rma.GetProperty("status").GetString());
        Assert.Matches("^RMA-[0-9A-Z]{4}-[0-9A-Z]{4}$", rma.GetProperty("number").GetString());
        await (await _kit.StepAsync(Id(rma), "approve")).AssertJsonAsync(HttpStatusCode.OK);

        // Two receipts race, then one is retried: exactly one wins, and stock moves once.
        var receipt = Receipt(returnsDock, rma, "resaleable");
        var raced = await Task.WhenAll(_kit.StepAsync(Id(rma), "receive", receipt), _kit.StepAsync(Id(rma), "receive", receipt));
        Assert.Equal(new[] { HttpStatusCode.OK, HttpStatusCode.Conflict }.Order(), raced.Select(r => r.StatusCode).Order());
        await (await _kit.StepAsync(Id(rma), "receive", receipt)).AssertProblemAsync(HttpStatusCode.Conflict);
        Assert.Equal(1, (await _kit.Carts.Inventory.LevelAsync(pads.Id, returnsDock))!.OnHand);
        Assert.Single(await _kit.Carts.Inventory.MovementsAsync(pads.Id), m => m.Reason == MovementReason.ReturnRestock);

        // 20.00 + its share of 5 % tax on 50.00 (2.50 × 20/50 = 1.00).
        var refunded = await (await _kit.StepAsync(Id(rma), "refund")).AssertJsonAsync(HttpStatusCode.OK);
        Assert.Equal(("refunded", 21.00m), (refunded.GetProperty("status").GetString(), Amount(refunded.GetProperty("refund"))));
        await (await _kit.StepAsync(Id(rma), "refund")).AssertProblemAsync(HttpStatusCode.Conflict, "illegal_return_transition");
        var partly = await _kit.OrderAsync(orderId);
        Assert.Equal("partially_returned", partly.GetProperty("status").GetString());
        Assert.Equal(21.00m, Amount(partly.GetProperty("payment").GetProperty("refunded")));

        // The rest comes back damaged: refunded, not restocked; all part units back → returned, refunds sum to 52.50.
        var rest = await _kit.ReturnAsync(customer, orderId, returnsDock, "damaged",
            (Line(order, pads.Id), 1, "defective"), (Line(order, rotor.Id), 1, "damaged_in_transit"));
        Assert.Equal(31.50m, Amount(rest.GetProperty("refund")));
        Assert.All(rest.GetProperty("items").EnumerateArray(), i => Assert.False(i.GetProperty("restocked").GetBoolean()));
        Assert.Equal(1, (await _kit.Carts.Inventory.LevelAsync(pads.Id, returnsDock))!.OnHand);
        Assert.Null(await _kit.Carts.Inventory.LevelAsync(rotor.Id, returnsDock));
        var returned = await _kit.OrderAsync(orderId);
        Assert.Equal("returned", returned.GetProperty("status").GetString());
        Assert.Equal(52.50m, Amount(returned.GetProperty("payment").GetProperty("refunded")));

        var list = await (await customer.GetAsync(OrderReturns(orderId), Ct)).AssertJsonAsync(HttpStatusCode.OK);
        Assert.Equal(2, list.GetProperty("items").GetArrayLength());
    }

    [Fact]
    public async Task Core_return_refunds_the_core_charge_within_the_core_window()
    {
        var alternator = await _kit.Carts.PartAsync(priceMinor: 12000, coreCharge: 3500);
        var customer = factory.CreateUserClient();
        var order = await _kit.DeliveredAsync(customer, 45, (alternator, 1));
        var dock = await _kit.Carts.Inventory.WarehouseAsync();

        // 45 days after delivery: past the 30-day window for the part, inside the 90-day core window.
        await (await RequestAsync(customer, Id(order), (Line(order, alternator.Id), 1, "not_needed")))
            .AssertProblemAsync(HttpStatusCode.Conflict, "return_window_closed");
        var rma = await (await RequestAsync(customer, Id(order), (Line(order, alternator.Id, "core_charge"), 1, "core_return")))
            .AssertJsonAsync(HttpStatusCode.Created);
        await (await _kit.StepAsync(Id(rma), "approve")).AssertJsonAsync(HttpStatusCode.OK);
        await (await _kit.StepAsync(Id(rma), "receive", Receipt(dock, rma, "resaleable"))).AssertProblemAsync(HttpStatusCode.BadRequest);
        await (await _kit.StepAsync(Id(rma), "receive", Receipt(dock, rma, "core"))).AssertJsonAsync(HttpStatusCode.OK);
        var refunded = await (await _kit.StepAsync(Id(rma), "refund")).AssertJsonAsync(HttpStatusCode.OK);

        Assert.Equal(35.00m, Amount(refunded.GetProperty("refund")));
        Assert.Null(await _kit.Carts.Inventory.LevelAsync(alternator.Id, dock));
        var after = await _kit.OrderAsync(Id(order));
        Assert.Equal(35.00m, Amount(after.GetProperty("payment").GetProperty("refunded")));
        Assert.Equal("delivered", after.GetProperty("status").GetString());
    }

    [Fact]
    public async Task A_null_return_entry_is_a_400_validation_problem()
    {
        // Found by the fuzzer: a null entry of items was dereferenced (500).
        var part = await _kit.Carts.PartAsync();
        var customer = factory.CreateUserClient();
        var order = await _kit.DeliveredAsync(customer, 1, (part, 1));

        var response = await InventoryKit.PostAsync(customer, OrderReturns(Id(order)), new { items = new object?[] { null } });

        var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest, "validation_failed");
        Assert.True(problem.GetProperty("errors").TryGetProperty("items", out _), problem.ToString());
    }

    [Fact]
    public async Task Returns_outside_the_window_or_before_delivery_are_refused()
    {
        var part = await _kit.Carts.PartAsync();
        var customer = factory.CreateUserClient();
        var late = await _kit.DeliveredAsync(customer, 31, (part, 1));
        await (await RequestAsync(customer, Id(late), (Line(late, part.Id), 1, "not_needed")))
            .AssertProblemAsync(HttpStatusCode.Conflict, "return_window_closed");

        var paid = await PlaceAsync(customer, (part, 1));
        await (await RequestAsync(customer, Id(paid), (Line(paid, part.Id), 1, "not_needed")))
            .AssertProblemAsync(HttpStatusCode.Conflict, "order_not_returnable");
    }

    [Fact]
    public async Task Quantities_are_capped_by_what_was_delivered_and_not_already_asked_for()
    {
        var part = await _kit.Carts.PartAsync();
        var customer = factory.CreateUserClient();
        var order = await _kit.DeliveredAsync(customer, 1, (part, 2));
        var line = Line(order, part.Id);

        await (await RequestAsync(customer, Id(order), (line, 3, "other"))).AssertProblemAsync(HttpStatusCode.Conflict, "return_quantity_exceeded");
        await (await RequestAsync(customer, Id(order), (line, 1, "other"), (line, 1, "other"))).AssertProblemAsync(HttpStatusCode.BadRequest);
        await (await RequestAsync(customer, Id(order), (line, 1, "sideways"))).AssertProblemAsync(HttpStatusCode.BadRequest);
        await (await RequestAsync(customer, Id(order), (Guid.NewGuid(), 1, "other"))).AssertProblemAsync(HttpStatusCode.BadRequest);
        var first = await (await RequestAsync(customer, Id(order), (line, 2, "other"))).AssertJsonAsync(HttpStatusCode.Created);
        await (await RequestAsync(customer, Id(order), (line, 1, "other"))).AssertProblemAsync(HttpStatusCode.Conflict, "return_quantity_exceeded");

        // A rejected return frees its units.
        await (await _kit.StepAsync(Id(first), "reject", new { note = "Opened electrical part." })).AssertJsonAsync(HttpStatusCode.OK);
        await (await _kit.StepAsync(Id(first), "approve")).AssertProblemAsync(HttpStatusCode.Conflict, "illegal_return_transition");
        await (await RequestAsync(customer, Id(order), (line, 2, "other"))).AssertJsonAsync(HttpStatusCode.Created);
    }

    [Fact]
    public async Task Other_customers_get_404_and_customers_cannot_run_the_staff_steps()
    {
        var part = await _kit.Carts.PartAsync();
        var customer = factory.CreateUserClient();
        var stranger = factory.CreateUserClient();
        var order = await _kit.DeliveredAsync(customer, 1, (part, 1));

        await (await RequestAsync(stranger, Id(order), (Line(order, part.Id), 1, "other"))).AssertProblemAsync(HttpStatusCode.NotFound);
        await (await stranger.GetAsync(OrderReturns(Id(order)), Ct)).AssertProblemAsync(HttpStatusCode.NotFound);
        var rma = await (await RequestAsync(customer, Id(order), (Line(order, part.Id), 1, "other"))).AssertJsonAsync(HttpStatusCode.Created);

        await (await stranger.GetAsync(Return(Id(rma)), Ct)).AssertProblemAsync(HttpStatusCode.NotFound);
        var own = await customer.GetAsync(Return(Id(rma)), Ct);
        await own.AssertJsonAsync(HttpStatusCode.OK);
        using var conditional = new HttpRequestMessage(HttpMethod.Get, Return(Id(rma)));
        conditional.Headers.IfNoneMatch.Add(own.Headers.ETag!);
        Assert.Equal(HttpStatusCode.NotModified, (await customer.SendAsync(conditional, Ct)).StatusCode);
        await (await _kit.Manager.GetAsync(Return(Id(rma)), Ct)).AssertJsonAsync(HttpStatusCode.OK);
        await (await customer.PostAsJsonAsync(Return(Id(rma), "approve"), new { }, Ct)).AssertProblemAsync(HttpStatusCode.Forbidden);
        await (await customer.PostAsJsonAsync(Return(Id(rma), "refund"), new { }, Ct)).AssertProblemAsync(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task A_replayed_request_with_the_same_idempotency_key_creates_one_return()
    {
        var part = await _kit.Carts.PartAsync();
        var customer = factory.CreateUserClient();
        var order = await _kit.DeliveredAsync(customer, 1, (part, 2));
        var body = new { items = new[] { new { orderItemId = Line(order, part.Id), quantity = 1, reason = "other" } } };
        var key = Guid.NewGuid().ToString();

        var first = await (await Inventory.InventoryKit.PostAsync(customer, OrderReturns(Id(order)), body, key)).AssertJsonAsync(HttpStatusCode.Created);
        var again = await (await Inventory.InventoryKit.PostAsync(customer, OrderReturns(Id(order)), body, key)).AssertJsonAsync(HttpStatusCode.Created);

        Assert.Equal(Id(first), Id(again));
        var list = await (await customer.GetAsync(OrderReturns(Id(order)), Ct)).AssertJsonAsync(HttpStatusCode.OK);
        Assert.Equal(1, list.GetProperty("items").GetArrayLength());
    }
}
