using System.Net;
using System.Net.Http.Json;
using Axle.Api.Features.Inventory;
using Axle.Api.Features.Orders;
using Axle.Api.Features.Payments;
using Axle.Api.Platform.Security;
using Axle.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using static Axle.Tests.Orders.OrderKit;

namespace Axle.Tests.Orders;

public sealed class OrderLifecycleTests(OrderFactory factory) : IClassFixture<OrderFactory>
{
    private readonly OrderKit _kit = new(factory);

    private static Task<HttpResponseMessage> CancelAsync(HttpClient client, Guid id) =>
        client.PostAsJsonAsync($"{OrdersUrl}/{id}/cancel", new { reason = "Changed my mind" }, Ct);

    private static Task<HttpResponseMessage> StepAsync(HttpClient client, Guid id, string status) =>
        client.PostAsJsonAsync($"{OrdersUrl}/{id}/transitions", new { status }, Ct);

    [Fact]
    public async Task Cancelling_a_paid_order_releases_its_stock_and_refunds_the_charge_once()
    {
        var part = await _kit.Carts.PartAsync(stock: 6);
        var customer = factory.CreateUserClient(Guid.NewGuid());
        var id = (await PlaceOkAsync(customer, Body(part.Id, 5))).GetProperty("id").GetGuid();

        var cancelled = await (await CancelAsync(customer, id)).AssertJsonAsync(HttpStatusCode.OK);
        var again = await (await CancelAsync(customer, id)).AssertProblemAsync(HttpStatusCode.Conflict);

        Assert.Equal("cancelled", Text(cancelled, "status"));
        Assert.Equal("illegal_transition", Text(again, "code"));
        Assert.Equal((6, 0), await _kit.StockAsync(part.Id));
        await _kit.Carts.Inventory.AssertLedgerMatchesAsync(part.Id);
        Assert.Equal(ReservationStatus.Released, (await _kit.ReservationAsync(id))!.Status);
        var payment = await _kit.PaymentAsync(id);
        Assert.Equal(PaymentStatus.Refunded, payment!.Status);
        Assert.Equal(payment.AmountMinor, payment.RefundedMinor);
        var refunds = await _kit.DbAsync(db => Task.FromResult(db.Set<PaymentRefund>().Where(r => r.PaymentId == payment.Id).ToList()));
        var refund = Assert.Single(refunds);
        Assert.Equal(RefundStatus.Succeeded, refund.Status);
        Assert.Equal(payment.AmountMinor, refund.AmountMinor);
        var order = await _kit.OrderAsync(id);
        Assert.Equal([OrderStatus.PendingPayment, OrderStatus.Paid, OrderStatus.Cancelled], order!.History.OrderBy(h => h.Id).Select(h => h.To));
    }

    [Fact]
    public async Task Another_customer_gets_404_for_the_order_its_status_and_its_cancellation()
    {
        var part = await _kit.Carts.PartAsync(stock: 5);
        var owner = factory.CreateUserClient(Guid.NewGuid());
        var stranger = factory.CreateUserClient(Guid.NewGuid());
        var id = (await PlaceOkAsync(owner, Body(part.Id, 1))).GetProperty("id").GetGuid();

        await (await stranger.GetAsync($"{OrdersUrl}/{id}", Ct)).AssertProblemAsync(HttpStatusCode.NotFound);
        await (await stranger.GetAsync($"{OrdersUrl}/{id}/status", Ct)).AssertProblemAsync(HttpStatusCode.NotFound);
        await (await CancelAsync(stranger, id)).AssertProblemAsync(HttpStatusCode.NotFound);
        var list = await (await stranger.GetAsync($"{OrdersUrl}?userId={Guid.NewGuid()}", Ct)).AssertJsonAsync(HttpStatusCode.OK);

        Assert.Empty(list.GetProperty("items").EnumerateArray());
        Assert.Equal(OrderStatus.Paid, (await _kit.OrderAsync(id))!.Status);
        await (await owner.GetAsync($"{OrdersUrl}/{id}", Ct)).AssertJsonAsync(HttpStatusCode.OK);
        var staff = factory.CreateUserClient(Guid.NewGuid(), Roles.OrderManager);
        await (await staff.GetAsync($"{OrdersUrl}/{id}", Ct)).AssertJsonAsync(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Customers_list_their_own_orders_newest_first_with_status_filter_and_staff_see_everyones()
    {
        var part = await _kit.Carts.PartAsync(stock: 10);
        var userId = Guid.NewGuid();
        var customer = factory.CreateUserClient(userId);
        var first = (await PlaceOkAsync(customer, Body(part.Id, 1))).GetProperty("id").GetGuid();
        var second = (await PlaceOkAsync(customer, Body(part.Id, 1))).GetProperty("id").GetGuid();
        await (await CancelAsync(customer, first)).AssertJsonAsync(HttpStatusCode.OK);
        var staff = factory.CreateUserClient(Guid.NewGuid(), Roles.OrderManager);

        var mine = await (await customer.GetAsync($"{OrdersUrl}?limit=1", Ct)).AssertJsonAsync(HttpStatusCode.OK);
        var next = await (await customer.GetAsync($"{OrdersUrl}?limit=1&cursor={Uri.EscapeDataString(Text(mine, "nextCursor"))}", Ct))
            .AssertJsonAsync(HttpStatusCode.OK);
        var cancelled = await (await customer.GetAsync($"{OrdersUrl}?status=cancelled", Ct)).AssertJsonAsync(HttpStatusCode.OK);
        var theirs = await (await staff.GetAsync($"{OrdersUrl}?userId={userId}", Ct)).AssertJsonAsync(HttpStatusCode.OK);
        await (await customer.GetAsync($"{OrdersUrl}?status=lost", Ct)).AssertProblemAsync(HttpStatusCode.BadRequest);

        Assert.Equal(second, mine.GetProperty("items")[0].GetProperty("id").GetGuid());
        Assert.Equal(first, next.GetProperty("items")[0].GetProperty("id").GetGuid());
        Assert.Equal([first], cancelled.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("id").GetGuid()));
        Assert.Equal(2, theirs.GetProperty("items").GetArrayLength());
    }

    [Fact]
    public async Task Status_shows_every_step_with_time_and_note_and_staff_moves_the_order_to_picking()
    {
        var part = await _kit.Carts.PartAsync(stock: 5);
        var customer = factory.CreateUserClient(Guid.NewGuid());
        var id = (await PlaceOkAsync(customer, Body(part.Id, 1))).GetProperty("id").GetGuid();
        var manager = factory.CreateUserClient(Guid.NewGuid(), Roles.OrderManager);

        await (await StepAsync(customer, id, "picking")).AssertProblemAsync(HttpStatusCode.Forbidden);
        var picking = await (await StepAsync(manager, id, "picking")).AssertJsonAsync(HttpStatusCode.OK);
        var status = await (await customer.GetAsync($"{OrdersUrl}/{id}/status", Ct)).AssertJsonAsync(HttpStatusCode.OK);

        Assert.Equal("picking", Text(picking, "status"));
        Assert.Equal("picking", Text(status, "status"));
        var history = status.GetProperty("history").EnumerateArray().ToList();
        Assert.Equal(["pending_payment", "paid", "picking"], history.Select(h => Text(h, "status")));
        Assert.All(history, h => Assert.NotEqual(default, h.GetProperty("at").GetDateTime()));
        Assert.All(history, h => Assert.Equal(System.Text.Json.JsonValueKind.Null, h.GetProperty("actor").ValueKind));
        Assert.Empty(status.GetProperty("shipments").EnumerateArray());
    }

    [Fact]
    public async Task The_orders_etag_is_what_if_match_on_a_staff_step_is_checked_against()
    {
        var part = await _kit.Carts.PartAsync(stock: 5);
        var customer = factory.CreateUserClient(Guid.NewGuid());
        var id = (await PlaceOkAsync(customer, Body(part.Id, 1))).GetProperty("id").GetGuid();
        var manager = factory.CreateUserClient(Guid.NewGuid(), Roles.OrderManager);
        var read = await manager.GetAsync($"{OrdersUrl}/{id}", Ct);
        await read.AssertJsonAsync(HttpStatusCode.OK);
        var etag = read.Headers.ETag!.ToString();

        HttpRequestMessage Step(string ifMatch)
        {
            var request = new HttpRequestMessage(HttpMethod.Post, $"{OrdersUrl}/{id}/transitions") { Content = JsonContent.Create(new { status = "picking" }) };
            request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
            return request;
        }

        await (await manager.SendAsync(Step("\"stale\""), Ct)).AssertProblemAsync(HttpStatusCode.PreconditionFailed);
        await (await manager.SendAsync(Step(etag), Ct)).AssertJsonAsync(HttpStatusCode.OK);
        var again = new HttpRequestMessage(HttpMethod.Get, $"{OrdersUrl}/{id}");
        again.Headers.TryAddWithoutValidation("If-None-Match", etag);

        Assert.Equal(HttpStatusCode.OK, (await manager.SendAsync(again, Ct)).StatusCode);
        Assert.Equal(OrderStatus.Picking, (await _kit.OrderAsync(id))!.Status);
    }

    [Theory]
    [InlineData("delivered")]
    [InlineData("shipped")]
    [InlineData("pending_payment")]
    [InlineData("returned")]
    [InlineData("paid")]
    public async Task Illegal_or_non_manual_steps_are_409_and_change_nothing(string target)
    {
        var part = await _kit.Carts.PartAsync(stock: 5);
        var customer = factory.CreateUserClient(Guid.NewGuid());
        var id = (await PlaceOkAsync(customer, Body(part.Id, 1))).GetProperty("id").GetGuid();
        var manager = factory.CreateUserClient(Guid.NewGuid(), Roles.OrderManager);

        var problem = await (await StepAsync(manager, id, target)).AssertProblemAsync(HttpStatusCode.Conflict);

        Assert.Contains(Text(problem, "code"), new[] { "illegal_transition", "transition_not_manual" });
        var order = await _kit.OrderAsync(id);
        Assert.Equal(OrderStatus.Paid, order!.Status);
        Assert.Equal(2, order.History.Count);
    }

    [Fact]
    public async Task A_cancelled_order_accepts_no_further_step()
    {
        var part = await _kit.Carts.PartAsync(stock: 5);
        var customer = factory.CreateUserClient(Guid.NewGuid());
        var id = (await PlaceOkAsync(customer, Body(part.Id, 1))).GetProperty("id").GetGuid();
        var manager = factory.CreateUserClient(Guid.NewGuid(), Roles.OrderManager);
        await (await CancelAsync(manager, id)).AssertJsonAsync(HttpStatusCode.OK);

        foreach (var target in new[] { "picking", "delivered", "paid" })
        {
            await (await StepAsync(manager, id, target)).AssertProblemAsync(HttpStatusCode.Conflict);
        }

        Assert.Equal(OrderStatus.Cancelled, (await _kit.OrderAsync(id))!.Status);
    }

    [Fact]
    public async Task A_gateway_timeout_leaves_the_order_pending_and_a_signed_webhook_settles_it_once()
    {
        var part = await _kit.Carts.PartAsync(stock: 5);
        var customer = factory.CreateUserClient(Guid.NewGuid());
        var anonymous = factory.CreateClient();

        var pending = await PlaceOkAsync(customer, Body(part.Id, 2, "tok_timeout"), HttpStatusCode.Accepted);
        var id = pending.GetProperty("id").GetGuid();
        Assert.Equal("pending_payment", Text(pending, "status"));
        Assert.Equal(ReservationStatus.Held, (await _kit.ReservationAsync(id))!.Status);
        Assert.Equal((5, 2), await _kit.StockAsync(part.Id));

        var evt = PaymentEvent("payment_intent.succeeded", id);
        var settled = await (await WebhookAsync(anonymous, evt)).AssertJsonAsync(HttpStatusCode.OK);
        var duplicate = await (await WebhookAsync(anonymous, evt)).AssertJsonAsync(HttpStatusCode.OK);

        Assert.Equal("paid", Text(settled, "outcome"));
        Assert.Equal("duplicate", Text(duplicate, "outcome"));
        var order = await _kit.OrderAsync(id);
        Assert.Equal(OrderStatus.Paid, order!.Status);
        Assert.Single(order.History, h => h.To == OrderStatus.Paid);
        Assert.Equal(ReservationStatus.Confirmed, (await _kit.ReservationAsync(id))!.Status);
        Assert.Equal(PaymentStatus.Captured, (await _kit.PaymentAsync(id))!.Status);
    }

    [Fact]
    public async Task A_failed_payment_event_cancels_the_pending_order_and_releases_its_stock()
    {
        var part = await _kit.Carts.PartAsync(stock: 5);
        var customer = factory.CreateUserClient(Guid.NewGuid());
        var id = (await PlaceOkAsync(customer, Body(part.Id, 3, "tok_timeout"), HttpStatusCode.Accepted)).GetProperty("id").GetGuid();

        var failed = await (await WebhookAsync(factory.CreateClient(), PaymentEvent("payment_intent.payment_failed", id))).AssertJsonAsync(HttpStatusCode.OK);

        Assert.Equal("declined", Text(failed, "outcome"));
        Assert.Equal(OrderStatus.Cancelled, (await _kit.OrderAsync(id))!.Status);
        Assert.Equal((5, 0), await _kit.StockAsync(part.Id));
        await _kit.Carts.Inventory.AssertLedgerMatchesAsync(part.Id);
    }

    [Fact]
    public async Task Webhooks_with_a_bad_stale_or_missing_signature_are_refused_and_change_nothing()
    {
        var part = await _kit.Carts.PartAsync(stock: 5);
        var customer = factory.CreateUserClient(Guid.NewGuid());
        var id = (await PlaceOkAsync(customer, Body(part.Id, 1, "tok_timeout"), HttpStatusCode.Accepted)).GetProperty("id").GetGuid();
        var anonymous = factory.CreateClient();
        var evt = PaymentEvent("payment_intent.succeeded", id);

        var wrongSecret = await WebhookAsync(anonymous, evt, secret: "whsec_someone_else");
        var stale = await WebhookAsync(anonymous, evt, signedAt: DateTimeOffset.UtcNow.AddMinutes(-6));
        var future = await WebhookAsync(anonymous, evt, signedAt: DateTimeOffset.UtcNow.AddMinutes(6));
        var garbage = await WebhookAsync(anonymous, evt, header: "t=abc,v1=zz");
        var missing = await anonymous.PostAsync("/api/v1/payments/webhook", Json("{}"), Ct);

        foreach (var response in new[] { wrongSecret, stale, future, garbage, missing })
        {
            var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest);
            Assert.Equal("invalid_signature", Text(problem, "code"));
        }

        Assert.Equal(OrderStatus.PendingPayment, (await _kit.OrderAsync(id))!.Status);
    }
}

public sealed class PendingPaymentTests(OrderClockFactory factory) : IClassFixture<OrderClockFactory>
{
    private readonly OrderKit _kit = new(factory);

    [Fact]
    public async Task The_reconciliation_cancels_an_order_whose_payment_never_settled_and_frees_its_stock()
    {
        var part = await _kit.Carts.PartAsync(stock: 5);
        var customer = factory.CreateUserClient(Guid.NewGuid());
        var pending = (await PlaceOkAsync(customer, Body(part.Id, 2, "tok_timeout"), HttpStatusCode.Accepted)).GetProperty("id").GetGuid();
        var paid = (await PlaceOkAsync(customer, Body(part.Id, 1))).GetProperty("id").GetGuid();
        var worker = factory.Services.GetRequiredService<PendingPaymentWorker>();

        var early = await worker.RunOnceAsync(Ct);
        factory.Clock.Advance(TimeSpan.FromMinutes(16));
        var late = await worker.RunOnceAsync(Ct);
        var again = await worker.RunOnceAsync(Ct);

        Assert.Equal(0, early);
        Assert.Equal(1, late);
        Assert.Equal(0, again);
        var order = await _kit.OrderAsync(pending);
        Assert.Equal(OrderStatus.Cancelled, order!.Status);
        Assert.Equal("Payment was not confirmed in time.", order.History.OrderBy(h => h.Id).Last().Note);
        Assert.Equal(PaymentStatus.Voided, (await _kit.PaymentAsync(pending))!.Status);
        Assert.Equal(OrderStatus.Paid, (await _kit.OrderAsync(paid))!.Status);
        Assert.Equal((5, 1), await _kit.StockAsync(part.Id));
        await _kit.Carts.Inventory.AssertLedgerMatchesAsync(part.Id);
    }
}

public sealed class OrderShortfallTests(OrderFactory factory) : IClassFixture<OrderFactory>
{
    private readonly OrderKit _kit = new(factory);

    [Fact]
    public async Task A_count_that_finds_reserved_units_missing_shortens_the_newest_reservation_and_flags_its_order()
    {
        var part = await _kit.Carts.PartAsync(stock: 6);
        var first = factory.CreateUserClient(Guid.NewGuid());
        var second = factory.CreateUserClient(Guid.NewGuid());
        var older = (await PlaceOkAsync(first, Body(part.Id, 2))).GetProperty("id").GetGuid();
        var newer = (await PlaceOkAsync(second, Body(part.Id, 3))).GetProperty("id").GetGuid();
        var level = await _kit.DbAsync(db => Task.FromResult(db.Set<Axle.Api.Features.Inventory.StockLevel>().Single(l => l.PartId == part.Id)));

        // The shelf holds 3, not 6: 5 are reserved, so 2 of the newest order's units are gone.
        var counted = await Axle.Tests.Inventory.InventoryKit.PostAsync(_kit.Carts.Inventory.Manager, Axle.Tests.Inventory.InventoryKit.Adjustments,
            new { sku = part.Sku, warehouseId = level.WarehouseId, delta = -3, reason = "cycle_count" });
        await counted.AssertJsonAsync(HttpStatusCode.Created);

        Assert.Equal((3, 3), await _kit.StockAsync(part.Id));
        await _kit.Carts.Inventory.AssertLedgerMatchesAsync(part.Id);
        Assert.False((await _kit.OrderAsync(older))!.NeedsAttention);
        var flagged = await _kit.OrderAsync(newer);
        Assert.True(flagged!.NeedsAttention);
        Assert.Contains(part.Sku, flagged.AttentionNote, StringComparison.Ordinal);
        Assert.Contains(OrderEvents.NeedsAttention, await _kit.EventTypesAsync(newer));
        var status = await (await second.GetAsync($"{OrdersUrl}/{newer}/status", Ct)).AssertJsonAsync(HttpStatusCode.OK);
        Assert.True(status.GetProperty("needsAttention").GetBoolean());
        Assert.Contains("no longer in stock", Text(status, "attentionNote"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_correction_may_not_take_reserved_units_and_changes_nothing()
    {
        var part = await _kit.Carts.PartAsync(stock: 4);
        var customer = factory.CreateUserClient(Guid.NewGuid());
        var id = (await PlaceOkAsync(customer, Body(part.Id, 3))).GetProperty("id").GetGuid();
        var level = await _kit.DbAsync(db => Task.FromResult(db.Set<Axle.Api.Features.Inventory.StockLevel>().Single(l => l.PartId == part.Id)));

        var refused = await Axle.Tests.Inventory.InventoryKit.PostAsync(_kit.Carts.Inventory.Manager, Axle.Tests.Inventory.InventoryKit.Adjustments,
            new { sku = part.Sku, warehouseId = level.WarehouseId, delta = -2, reason = "correction" });

        await refused.AssertProblemAsync(HttpStatusCode.Conflict);
        Assert.Equal((4, 3), await _kit.StockAsync(part.Id));
        Assert.False((await _kit.OrderAsync(id))!.NeedsAttention);
    }
}
