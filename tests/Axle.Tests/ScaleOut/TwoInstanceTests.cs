using System.Net;
using Axle.Api.Features.Catalog;
using Axle.Api.Features.Inventory;
using Axle.Api.Features.Suppliers;
using Axle.Api.Features.Webhooks;
using Axle.Api.Platform.Hosting;
using Axle.Api.Platform.Messaging;
using Axle.Api.Platform.Security;
using Axle.Tests.Catalog;
using Axle.Tests.Infrastructure;
using Axle.Tests.Inventory;
using Axle.Tests.Orders;
using Axle.Tests.Suppliers;
using Axle.Tests.Webhooks;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Axle.Tests.ScaleOut;

/// <summary>
/// Two instances on one PostgreSQL database behave as one: stock is never oversold whichever instance takes the order,
/// a supplier push delivered to both is stored once and applied once however both inbox workers race, and (with Redis)
/// every outbox event is relayed and delivered once however both instances' relays and senders race, and (with Redis) a
/// catalog eviction on one instance is seen by the other.
/// </summary>
public sealed class TwoInstanceTests(TwoInstances instances) : IClassFixture<TwoInstances>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Reservations_for_one_sku_split_across_both_instances_never_oversell()
    {
        Needs.Postgres();
        var kit = new InventoryKit(instances.A);
        var part = await kit.PartAsync();
        var warehouse = await kit.WarehouseAsync();
        await kit.StockAsync(part, warehouse, 25);
        var clients = instances.Both.SelectMany(f => Enumerable.Range(0, 3).Select(_ => f.CreateUserClient(Roles.OrderManager))).ToList();

        var responses = await Task.WhenAll(Enumerable.Range(0, 48).Select(i => InventoryKit.ReserveAsync(clients[i % clients.Count], (part, 1))));

        Assert.Equal(25, responses.Count(r => r.StatusCode == HttpStatusCode.Created));
        foreach (var refused in responses.Where(r => r.StatusCode != HttpStatusCode.Created))
        {
            await refused.AssertProblemAsync(HttpStatusCode.Conflict, "insufficient_stock");
        }

        var level = await kit.LevelAsync(part.Id, warehouse);
        Assert.Equal((25, 25), (level!.OnHand, level.Reserved));
        Assert.Equal(25, (await kit.MovementsAsync(part.Id)).Count(m => m.Reason == MovementReason.Reserved));
        await kit.AssertLedgerMatchesAsync(part.Id);
    }

    [Fact]
    public async Task Checkouts_of_a_scarce_part_through_both_instances_never_oversell()
    {
        Needs.Postgres();
        const int Stock = 5;
        const int Buyers = 16;
        var kit = new OrderKit(instances.A);
        var part = await kit.Carts.PartAsync(stock: Stock);
        var buyers = Enumerable.Range(0, Buyers).Select(i => instances.Both[i % 2].CreateUserClient(Guid.NewGuid())).ToList();

        var responses = await Task.WhenAll(buyers.Select(c => OrderKit.PlaceAsync(c, OrderKit.Body(part.Id, 1))));

        Assert.Equal(Stock, responses.Count(r => r.StatusCode == HttpStatusCode.Created));
        foreach (var refused in responses.Where(r => r.StatusCode != HttpStatusCode.Created))
        {
            await refused.AssertProblemAsync(HttpStatusCode.Conflict, "insufficient_stock");
        }

        Assert.Equal((Stock, Stock), await kit.StockAsync(part.Id));
        await kit.Carts.Inventory.AssertLedgerMatchesAsync(part.Id);
    }

    [Fact]
    public async Task Pushes_delivered_to_both_instances_are_stored_once_and_applied_once_by_racing_inbox_workers()
    {
        Needs.Postgres();
        const int Pushes = 12;
        var kitA = new SupplierKit(instances.A);
        var kitB = new SupplierKit(instances.B);
        var supplier = await kitA.SupplierAsync();
        var parts = new List<Part>();
        for (var i = 0; i < Pushes; i++)
        {
            parts.Add(await kitA.PartAsync($"Pad {i}"));
        }

        // Each push goes to both instances at once under the same webhook id, as a supplier retrying through the balancer would.
        var deliveries = await Task.WhenAll(parts.Select(async (part, i) =>
        {
            var webhookId = $"msg_{Guid.NewGuid():N}";
            object[] events = [SupplierKit.Event(supplier.WarehouseCode, sku: part.Sku, delta: i + 1)];
            var both = await Task.WhenAll(kitA.PushAsync(supplier, events, webhookId), kitB.PushAsync(supplier, events, webhookId));
            return await Task.WhenAll(both.Select(r => r.AssertJsonAsync(HttpStatusCode.Accepted)));
        }));
        Assert.All(deliveries, pair => Assert.Single(pair, body => !body.GetProperty("duplicate").GetBoolean()));

        var handled = await Task.WhenAll(instances.Both.Select(DrainInboxAsync));

        Assert.Equal(Pushes, handled.Sum());
        for (var i = 0; i < Pushes; i++)
        {
            Assert.Equal(i + 1, (await kitA.LevelAsync(parts[i].Id, supplier.WarehouseId))!.OnHand);
            Assert.Single(await kitA.Inventory.MovementsAsync(parts[i].Id));
            await kitA.Inventory.AssertLedgerMatchesAsync(parts[i].Id);
        }

        var source = SupplierInboxWorker.SourceOf(supplier.Id);
        var outcomes = await kitA.DbAsync(db => db.Set<InboxMessage>().AsNoTracking().Where(m => m.Source == source)
            .Select(m => new { m.ProcessedAt, m.Outcome, m.Attempts }).ToListAsync(Ct));
        Assert.Equal(Pushes, outcomes.Count);
        Assert.All(outcomes, m =>
        {
            Assert.NotNull(m.ProcessedAt);
            Assert.Contains("applied 1", m.Outcome);
            Assert.Equal(1, m.Attempts);
        });
    }

    [Fact]
    public async Task A_catalog_eviction_on_one_instance_is_seen_by_the_other()
    {
        Needs.Redis();
        var inventory = new InventoryKit(instances.A);
        var part = await inventory.PartAsync("Caliper");
        var warehouse = await inventory.WarehouseAsync();
        var url = $"{CatalogHttp.Parts}/{part.Id}";
        var anonymousA = instances.A.CreateClient();
        var anonymousB = instances.B.CreateClient();

        var first = await anonymousB.GetAsync(url, Ct);
        Assert.Equal(0, (await first.AssertJsonAsync(HttpStatusCode.OK)).GetProperty("availableQuantity").GetInt32());
        Assert.Null(first.Headers.Age);

        // A serves the entry B stored: the cache is one for both.
        var fromCache = await anonymousA.GetAsync(url, Ct);
        Assert.Equal(0, (await fromCache.AssertJsonAsync(HttpStatusCode.OK)).GetProperty("availableQuantity").GetInt32());
        Assert.NotNull(fromCache.Headers.Age);

        // Stock received through A evicts the part's entries; B's next read is fresh.
        await inventory.StockAsync(part, warehouse, 7);

        var fresh = await anonymousB.GetAsync(url, Ct);
        Assert.Equal(7, (await fresh.AssertJsonAsync(HttpStatusCode.OK)).GetProperty("availableQuantity").GetInt32());
        Assert.Null(fresh.Headers.Age);
    }

    [Fact]
    public async Task Each_outbox_event_is_relayed_by_one_instance_and_delivered_once_however_both_race()
    {
        Needs.Postgres();
        const int Events = 20;
        var kitA = new WebhookKit(instances.A);
        var kitB = new WebhookKit(instances.B);
        await kitA.ResetAsync();
        await using var receiver = await WebhookReceiver.StartAsync();
        var subscription = await kitA.SubscribeAsync(receiver.Url(), StockLedger.ChangedEvent);
        for (var i = 0; i < Events / 2; i++)
        {
            await kitA.StockEventAsync();
            await kitB.StockEventAsync();
        }

        // Both relays, then both senders, drain in small batches side by side.
        var relayed = await Task.WhenAll(instances.Both.Select(DrainAsync<OutboxRelayWorker>));
        var sent = await Task.WhenAll(instances.Both.Select(DrainAsync<WebhookDeliveryWorker>));

        Assert.Equal(Events, relayed.Sum());
        Assert.Equal(Events, sent.Sum());
        Assert.Equal(Events, receiver.Received.Count);
        Assert.Equal(Events, receiver.Received.Select(r => r.Id).Distinct().Count());
        var deliveries = await kitA.DeliveriesAsync(subscription.Id);
        Assert.Equal(Events, deliveries.Count);
        Assert.All(deliveries, d => Assert.Equal(WebhookDeliveryStatus.Delivered, d.Status));
        var kit = new SupplierKit(instances.A);
        Assert.Equal(0, await kit.DbAsync(db => db.Set<OutboxMessage>().CountAsync(m => m.DeliveredAt == null, Ct)));
    }

    /// <summary>Runs one instance's inbox worker until it finds nothing to claim; returns how many messages it applied.</summary>
    private static Task<int> DrainInboxAsync(AxleFactory instance) => DrainAsync<SupplierInboxWorker>(instance);

    /// <summary>Runs one instance's worker until an iteration finds nothing; returns how many items it handled.</summary>
    private static async Task<int> DrainAsync<TWorker>(AxleFactory instance)
        where TWorker : PeriodicWorker
    {
        var worker = instance.Services.GetRequiredService<TWorker>();
        var total = 0;
        for (var handled = await worker.RunOnceAsync(Ct); handled > 0; handled = await worker.RunOnceAsync(Ct))
        {
            total += handled;
        }

        return total;
    }
}
