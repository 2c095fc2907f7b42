using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Axle.Api.Features.Catalog;
using Axle.Api.Features.Webhooks;
using Axle.Api.Platform.Data;
using Axle.Api.Platform.Messaging;
using Axle.Tests.Infrastructure;
using Axle.Tests.Inventory;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Axle.Tests.Webhooks;

/// <summary>
/// The app with what delivering to a receiver on 127.0.0.1 needs: loopback allowed over http (the allow-list the SSRF guard
/// honours), no jitter and a short, known retry schedule so delays can be asserted exactly, a quick attempt timeout.
/// </summary>
public class WebhookFactory : AxleFactory
{
    public static readonly TimeSpan[] Schedule = [TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(40), TimeSpan.FromSeconds(160)];

    protected override IDictionary<string, string?> Overrides => new Dictionary<string, string?>
    {
        ["OutboundUrls:AllowedNetworks:0"] = "127.0.0.0/8",
        ["OutboundUrls:RequireHttps"] = "false",
        ["Webhooks:RetrySchedule:0"] = "00:00:10",
        ["Webhooks:RetrySchedule:1"] = "00:00:40",
        ["Webhooks:RetrySchedule:2"] = "00:02:40",
        ["Webhooks:Jitter"] = "0",
        ["Webhooks:AttemptTimeout"] = "00:00:01",
        ["Webhooks:DisableAfter"] = "00:00:00",
        ["Webhooks:DisableAfterFailures"] = "5",
    };
}

/// <summary>Subscriptions through the API, events through the inventory API, and one step of the relay and the sender at a time.</summary>
internal sealed class WebhookKit(AxleFactory factory)
{
    public const string Subscriptions = "/api/v1/webhook-subscriptions";

    public static CancellationToken Ct => TestContext.Current.CancellationToken;

    public HttpClient Admin { get; } = factory.CreateAdminClient();

    public InventoryKit Inventory { get; } = new(factory);

    public sealed record Subscribed(Guid Id, string Secret);

    /// <summary>
    /// Tests of a class share a database and run one after another: earlier tests' subscriptions are switched off and
    /// their events marked relayed, so each test sees only its own deliveries.
    /// </summary>
    public async Task ResetAsync()
    {
        await using var scope = factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        await db.Set<WebhookSubscription>().ExecuteUpdateAsync(s => s.SetProperty(x => x.Active, false), Ct);
        await db.Set<OutboxMessage>().Where(m => m.DeliveredAt == null).ExecuteUpdateAsync(s => s.SetProperty(m => m.DeliveredAt, DateTime.UtcNow), Ct);
    }

    public async Task<Subscribed> SubscribeAsync(string url, params string[] events) => await SubscribeAsync(Admin, url, events);

    public static async Task<Subscribed> SubscribeAsync(HttpClient client, string url, params string[] events)
    {
        var response = await client.PostAsJsonAsync(Subscriptions, new { url, events }, Ct);
        var body = await response.AssertJsonAsync(HttpStatusCode.Created);
        var id = body.GetProperty("id").GetGuid();
        Assert.Equal($"{Subscriptions}/{id}", response.Headers.Location?.ToString());
        return new Subscribed(id, body.GetProperty("secret").GetString()!);
    }

    /// <summary>A stock receipt: one <c>inventory.changed</c> event for a fresh part.</summary>
    public async Task<Part> StockEventAsync(int quantity = 5)
    {
        var part = await Inventory.PartAsync();
        var warehouse = await Inventory.WarehouseAsync();
        await Inventory.StockAsync(part, warehouse, quantity);
        return part;
    }

    public async Task<int> RelayAsync() => await factory.Services.GetRequiredService<OutboxRelayWorker>().RunOnceAsync(Ct);

    public async Task<int> SendAsync() => await factory.Services.GetRequiredService<WebhookDeliveryWorker>().RunOnceAsync(Ct);

    public async Task<List<WebhookDelivery>> DeliveriesAsync(Guid subscriptionId)
    {
        await using var scope = factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        return await db.Set<WebhookDelivery>().AsNoTracking().Where(d => d.SubscriptionId == subscriptionId)
            .OrderBy(d => d.CreatedAt).ThenBy(d => d.Id).ToListAsync(Ct);
    }

    public async Task<WebhookSubscription> SubscriptionAsync(Guid id)
    {
        await using var scope = factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        return await db.Set<WebhookSubscription>().AsNoTracking().FirstAsync(s => s.Id == id, Ct);
    }

    /// <summary>Moves a subscription's pending deliveries' next attempt into the past, as if the wait had passed.</summary>
    public async Task MakeDueAsync(Guid subscriptionId)
    {
        await using var scope = factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        var past = DateTime.UtcNow.AddSeconds(-1);
        await db.Set<WebhookDelivery>().Where(d => d.SubscriptionId == subscriptionId && d.Status == WebhookDeliveryStatus.Pending)
            .ExecuteUpdateAsync(s => s.SetProperty(d => d.NextAttemptAt, past), Ct);
    }

    public static JsonElement Json(ReceivedWebhook received) => JsonDocument.Parse(received.Body).RootElement.Clone();
}
