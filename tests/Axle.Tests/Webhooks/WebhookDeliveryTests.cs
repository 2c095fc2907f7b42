using System.Net;
using System.Net.Http.Json;
using Axle.Api.Features.Inventory;
using Axle.Api.Features.Webhooks;
using Axle.Api.Platform.Data;
using Axle.Api.Platform.Http;
using Axle.Api.Platform.Messaging;
using Axle.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Axle.Tests.Webhooks;

public sealed class WebhookDeliveryTests(WebhookFactory factory) : IClassFixture<WebhookFactory>, IAsyncLifetime
{
    private readonly WebhookKit _kit = new(factory);
    private WebhookReceiver _receiver = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        await _kit.ResetAsync();
        _receiver = await WebhookReceiver.StartAsync();
    }

    public async ValueTask DisposeAsync() => await _receiver.DisposeAsync();

    [Fact]
    public async Task An_event_is_delivered_once_signed_with_the_subscription_secret()
    {
        var subscription = await _kit.SubscribeAsync(_receiver.Url(), StockLedger.ChangedEvent);
        var part = await _kit.StockEventAsync(quantity: 7);

        Assert.True(await _kit.RelayAsync() >= 1);
        Assert.Equal(1, await _kit.SendAsync());
        // Nothing is sent twice: the event is relayed and the delivery done.
        Assert.Equal(0, await _kit.RelayAsync());
        Assert.Equal(0, await _kit.SendAsync());

        var received = Assert.Single(_receiver.Received);
        Assert.StartsWith("msg_", received.Id);
        var check = StandardWebhookSignature.Verify(received.Id, received.Timestamp, received.Signature, received.Body,
            [subscription.Secret], DateTimeOffset.UtcNow, StandardWebhookSignature.DefaultTolerance);
        Assert.Equal(SignatureCheck.Valid, check);
        var wrong = StandardWebhookSignature.Verify(received.Id, received.Timestamp, received.Signature, received.Body,
            [StandardWebhookSignature.NewSecret()], DateTimeOffset.UtcNow, StandardWebhookSignature.DefaultTolerance);
        Assert.Equal(SignatureCheck.Mismatch, wrong);

        var json = WebhookKit.Json(received);
        Assert.Equal(StockLedger.ChangedEvent, json.GetProperty("type").GetString());
        Assert.Equal(part.Id, json.GetProperty("data").GetProperty("partId").GetInt64());
        Assert.Equal(7, json.GetProperty("data").GetProperty("onHand").GetInt32());
        Assert.True(json.TryGetProperty("timestamp", out _));

        var delivery = Assert.Single(await _kit.DeliveriesAsync(subscription.Id));
        Assert.Equal(WebhookDeliveryStatus.Delivered, delivery.Status);
        Assert.Equal(200, delivery.LastStatusCode);
        Assert.Equal(received.Id, OutboxEnvelope.MessageId(delivery.EventId));

        var log = await _kit.Admin.GetAsync($"{WebhookKit.Subscriptions}/{subscription.Id}/deliveries", Ct);
        var item = Assert.Single((await log.AssertJsonAsync(HttpStatusCode.OK)).GetProperty("items").EnumerateArray());
        Assert.Equal("delivered", item.GetProperty("status").GetString());
        Assert.Equal(1, item.GetProperty("attempts").GetInt32());
        Assert.Equal(200, item.GetProperty("lastStatusCode").GetInt32());
        Assert.True(item.GetProperty("lastLatencyMs").GetInt32() >= 0);
    }

    [Fact]
    public async Task A_subscription_gets_only_the_event_types_it_took()
    {
        var orders = await _kit.SubscribeAsync(_receiver.Url("orders"), "order.created");
        var stock = await _kit.SubscribeAsync(_receiver.Url("stock"), StockLedger.ChangedEvent);
        await _kit.StockEventAsync();

        await _kit.RelayAsync();
        await _kit.SendAsync();

        Assert.Empty(await _kit.DeliveriesAsync(orders.Id));
        Assert.Single(await _kit.DeliveriesAsync(stock.Id));
        Assert.All(_receiver.Received, r => Assert.Equal("/stock", r.Path));
        Assert.Single(_receiver.Received);
    }

    [Fact]
    public async Task A_failing_endpoint_is_retried_with_growing_delays_then_dead_lettered_and_replayable()
    {
        _receiver.Status = 503;
        var subscription = await _kit.SubscribeAsync(_receiver.Url(), StockLedger.ChangedEvent);
        await _kit.StockEventAsync();
        await _kit.RelayAsync();

        var waits = new List<TimeSpan>();
        for (var attempt = 1; attempt <= WebhookFactory.Schedule.Length; attempt++)
        {
            Assert.Equal(1, await _kit.SendAsync());
            var pending = Assert.Single(await _kit.DeliveriesAsync(subscription.Id));
            Assert.Equal(WebhookDeliveryStatus.Pending, pending.Status);
            Assert.Equal(attempt, pending.Attempts);
            Assert.Equal(503, pending.LastStatusCode);
            waits.Add(pending.NextAttemptAt!.Value - pending.LastAttemptAt!.Value);
            // Not due yet: the worker leaves it alone until the wait has passed.
            Assert.Equal(0, await _kit.SendAsync());
            await _kit.MakeDueAsync(subscription.Id);
        }

        Assert.Equal(WebhookFactory.Schedule, waits);

        // The last attempt of the schedule fails: the delivery fails for good and becomes a dead letter.
        Assert.Equal(1, await _kit.SendAsync());
        var failed = Assert.Single(await _kit.DeliveriesAsync(subscription.Id));
        Assert.Equal(WebhookDeliveryStatus.Failed, failed.Status);
        Assert.Null(failed.NextAttemptAt);
        Assert.Equal(WebhookFactory.Schedule.Length + 1, _receiver.Received.Count);
        Assert.Single(_receiver.Received.Select(r => r.Id).Distinct());

        var letters = await factory.CreateAdminClient().GetAsync($"/api/v1/dead-letters?source=webhook_delivery&reference={failed.Id}", Ct);
        var letter = Assert.Single((await letters.AssertJsonAsync(HttpStatusCode.OK)).GetProperty("items").EnumerateArray());
        Assert.Equal("delivery_failed", letter.GetProperty("code").GetString());

        // The endpoint is fixed; replaying the dead letter queues the delivery again and it goes through.
        _receiver.Status = 204;
        var replay = await _kit.Admin.PostAsync($"/api/v1/dead-letters/{letter.GetProperty("id").GetGuid()}/replay", null, Ct);
        Assert.Equal("replayed", (await replay.AssertJsonAsync(HttpStatusCode.OK)).GetProperty("status").GetString());
        Assert.Equal(1, await _kit.SendAsync());
        var delivered = Assert.Single(await _kit.DeliveriesAsync(subscription.Id));
        Assert.Equal(WebhookDeliveryStatus.Delivered, delivered.Status);
        Assert.Equal(204, delivered.LastStatusCode);

        var detail = await _kit.Admin.GetAsync($"{WebhookKit.Subscriptions}/{subscription.Id}/deliveries/{delivered.Id}", Ct);
        var attempts = (await detail.AssertJsonAsync(HttpStatusCode.OK)).GetProperty("attemptLog").EnumerateArray().ToList();
        Assert.Equal(Enumerable.Range(1, WebhookFactory.Schedule.Length + 2), attempts.Select(a => a.GetProperty("number").GetInt32()));
        Assert.Equal(204, attempts[^1].GetProperty("statusCode").GetInt32());
        Assert.All(attempts[..^1], a => Assert.Equal(503, a.GetProperty("statusCode").GetInt32()));
        Assert.Equal("receiver says no", attempts[0].GetProperty("response").GetString());
    }

    [Fact]
    public async Task A_delivery_replayed_many_times_shows_its_latest_attempts_and_counts_them_all()
    {
        var subscription = await _kit.SubscribeAsync(_receiver.Url(), StockLedger.ChangedEvent);
        var now = DateTime.UtcNow;
        var delivery = new WebhookDelivery(subscription.Id, Guid.NewGuid(), StockLedger.ChangedEvent, now, "{}", now);
        var total = GetDelivery.MaxLoggedAttempts + 9;
        await using (var scope = factory.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
            delivery.Fail(503, 10, "Failed.", retryAt: null, now);
            db.Add(delivery);
            db.AddRange(Enumerable.Range(1, total).Select(n => new WebhookDeliveryAttempt(delivery.Id, n, now.AddMinutes(n - total), 503, 10, "Failed.", null)));
            await db.SaveChangesAsync(Ct);
        }

        var detail = await _kit.Admin.GetAsync($"{WebhookKit.Subscriptions}/{subscription.Id}/deliveries/{delivery.Id}", Ct);

        var body = await detail.AssertJsonAsync(HttpStatusCode.OK);
        Assert.Equal(Enumerable.Range(total - GetDelivery.MaxLoggedAttempts + 1, GetDelivery.MaxLoggedAttempts),
            body.GetProperty("attemptLog").EnumerateArray().Select(a => a.GetProperty("number").GetInt32()));
        Assert.Equal(total, body.GetProperty("attemptCount").GetInt32());
    }

    [Fact]
    public async Task A_receiver_that_does_not_answer_in_time_is_a_failed_attempt_retried_later()
    {
        _receiver.Delay = TimeSpan.FromSeconds(5);
        var subscription = await _kit.SubscribeAsync(_receiver.Url(), StockLedger.ChangedEvent);
        await _kit.StockEventAsync();
        await _kit.RelayAsync();

        Assert.Equal(1, await _kit.SendAsync());

        var delivery = Assert.Single(await _kit.DeliveriesAsync(subscription.Id));
        Assert.Equal(WebhookDeliveryStatus.Pending, delivery.Status);
        Assert.Null(delivery.LastStatusCode);
        Assert.Contains("in time", delivery.LastError);
        Assert.Equal(WebhookFactory.Schedule[0], delivery.NextAttemptAt - delivery.LastAttemptAt);
        Assert.InRange(delivery.LastLatencyMs!.Value, 900, 4_000);
    }

    [Fact]
    public async Task A_delivered_event_can_be_replayed_with_the_same_webhook_id()
    {
        var subscription = await _kit.SubscribeAsync(_receiver.Url(), StockLedger.ChangedEvent);
        await _kit.StockEventAsync();
        await _kit.RelayAsync();
        await _kit.SendAsync();
        var delivery = Assert.Single(await _kit.DeliveriesAsync(subscription.Id));

        var replay = await _kit.Admin.PostAsync($"{WebhookKit.Subscriptions}/{subscription.Id}/deliveries/{delivery.Id}/replay", null, Ct);
        Assert.Equal("pending", (await replay.AssertJsonAsync(HttpStatusCode.Accepted)).GetProperty("status").GetString());
        Assert.Equal(1, await _kit.SendAsync());

        Assert.Equal(2, _receiver.Received.Count);
        Assert.Single(_receiver.Received.Select(r => r.Id).Distinct());
        var other = await _kit.Admin.PostAsync($"{WebhookKit.Subscriptions}/{Guid.NewGuid()}/deliveries/{delivery.Id}/replay", null, Ct);
        await other.AssertProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task A_subscription_failing_for_long_enough_is_disabled_with_an_event_others_receive()
    {
        var watcher = await _kit.SubscribeAsync(_receiver.Url("watcher"), WebhookEventTypes.SubscriptionDisabled);
        var broken = await _kit.SubscribeAsync(_receiver.Url("broken"), StockLedger.ChangedEvent);
        _receiver.Status = 500;
        for (var i = 0; i < 5; i++)
        {
            await _kit.StockEventAsync();
        }

        await _kit.RelayAsync();
        // Five failed attempts in a row (the factory disables after five, with no minimum age).
        Assert.Equal(5, await _kit.SendAsync());

        var disabled = await _kit.SubscriptionAsync(broken.Id);
        Assert.False(disabled.Active);
        Assert.Equal(5, disabled.ConsecutiveFailures);
        Assert.Contains("5 failed attempts", disabled.DisabledReason);

        // Its deliveries wait; the watcher hears about it.
        _receiver.Status = 200;
        await _kit.MakeDueAsync(broken.Id);
        await _kit.RelayAsync();
        Assert.Equal(1, await _kit.SendAsync());
        var notice = Assert.Single(_receiver.Received, r => r.Path == "/watcher");
        var data = WebhookKit.Json(notice).GetProperty("data");
        Assert.Equal(broken.Id, data.GetProperty("subscriptionId").GetGuid());
        Assert.Single(await _kit.DeliveriesAsync(watcher.Id));

        var audit = await _kit.Admin.GetAsync("/api/v1/admin/audit-log?action=webhooks.subscription_disabled", Ct);
        Assert.Contains((await audit.AssertJsonAsync(HttpStatusCode.OK)).GetProperty("items").EnumerateArray(),
            e => e.GetProperty("target").GetString() == $"webhook-subscription/{broken.Id}");

        // Enabling it again clears the streak and the waiting deliveries go out.
        var get = await _kit.Admin.GetAsync($"{WebhookKit.Subscriptions}/{broken.Id}", Ct);
        Assert.False((await get.AssertJsonAsync(HttpStatusCode.OK)).GetProperty("active").GetBoolean());
        var enable = await _kit.Admin.PatchAsJsonAsync($"{WebhookKit.Subscriptions}/{broken.Id}", new { active = true }, Ct);
        var enabled = await enable.AssertJsonAsync(HttpStatusCode.OK);
        Assert.True(enabled.GetProperty("active").GetBoolean());
        Assert.Equal(0, enabled.GetProperty("consecutiveFailures").GetInt32());
        Assert.Equal(5, await _kit.SendAsync());
        Assert.All(await _kit.DeliveriesAsync(broken.Id), d => Assert.Equal(WebhookDeliveryStatus.Delivered, d.Status));
    }

    [Fact]
    public async Task During_a_rotation_deliveries_carry_signatures_of_the_new_and_the_old_secret()
    {
        var subscription = await _kit.SubscribeAsync(_receiver.Url(), StockLedger.ChangedEvent);
        var rotate = await _kit.Admin.PostAsync($"{WebhookKit.Subscriptions}/{subscription.Id}/secret:rotate", null, Ct);
        var rotated = await rotate.AssertJsonAsync(HttpStatusCode.OK);
        var newSecret = rotated.GetProperty("secret").GetString()!;
        Assert.NotEqual(subscription.Secret, newSecret);

        await _kit.StockEventAsync();
        await _kit.RelayAsync();
        await _kit.SendAsync();

        var received = Assert.Single(_receiver.Received);
        Assert.Equal(2, received.Signature!.Split(' ').Length);
        foreach (var secret in new[] { subscription.Secret, newSecret })
        {
            Assert.Equal(SignatureCheck.Valid, StandardWebhookSignature.Verify(received.Id, received.Timestamp, received.Signature,
                received.Body, [secret], DateTimeOffset.UtcNow, StandardWebhookSignature.DefaultTolerance));
        }
    }

    [Fact]
    public async Task Relays_running_side_by_side_create_one_delivery_per_event_and_subscription()
    {
        var subscription = await _kit.SubscribeAsync(_receiver.Url(), StockLedger.ChangedEvent);
        for (var i = 0; i < 6; i++)
        {
            await _kit.StockEventAsync();
        }

        var relays = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(async () =>
        {
            await using var scope = factory.Services.CreateAsyncScope();
            var relay = ActivatorUtilities.CreateInstance<OutboxRelayWorker>(scope.ServiceProvider);
            return await relay.RunOnceAsync(Ct);
        }, Ct)));
        Assert.Equal(6, relays.Sum());

        var senders = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => Task.Run(async () =>
        {
            await using var scope = factory.Services.CreateAsyncScope();
            var sender = ActivatorUtilities.CreateInstance<WebhookDeliveryWorker>(scope.ServiceProvider);
            return await sender.RunOnceAsync(Ct);
        }, Ct)));
        Assert.Equal(6, senders.Sum());

        Assert.Equal(6, (await _kit.DeliveriesAsync(subscription.Id)).Count);
        Assert.Equal(6, _receiver.Received.Count);
        Assert.Equal(6, _receiver.Received.Select(r => r.Id).Distinct().Count());

        await using var check = factory.Services.CreateAsyncScope();
        var db = check.ServiceProvider.GetRequiredService<AppDbContext>();
        Assert.Equal(0, await db.Set<OutboxMessage>().CountAsync(m => m.DeliveredAt == null, Ct));
    }
}
