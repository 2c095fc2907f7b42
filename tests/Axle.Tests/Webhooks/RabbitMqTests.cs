using System.Text.Json;
using Axle.Api.Features.Inventory;
using Axle.Api.Features.Webhooks;
using Axle.Api.Platform.Data;
using Axle.Api.Platform.Messaging;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using RabbitMQ.Client;

namespace Axle.Tests.Webhooks;

/// <summary>
/// Publishing to RabbitMQ. Runs when <c>Messaging__RabbitMq__Uri</c> is set (CI starts a broker from Debian's packages for
/// the PostgreSQL leg, and the whole suite then publishes every relayed event); skipped otherwise.
/// </summary>
public sealed class RabbitMqTests(WebhookFactory factory) : IClassFixture<WebhookFactory>
{
    private static readonly string? BrokerUri = Environment.GetEnvironmentVariable("Messaging__RabbitMq__Uri");

    private readonly WebhookKit _kit = new(factory);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Relayed_events_are_published_persistent_with_the_event_type_as_routing_key()
    {
        if (string.IsNullOrEmpty(BrokerUri))
        {
            Assert.Skip("No broker: set Messaging__RabbitMq__Uri (e.g. amqp://guest:guest@127.0.0.1:5672/) to run this test.");
        }

        await _kit.ResetAsync();
        var exchange = new RabbitMqOptions().Exchange;
        await using var connection = await new ConnectionFactory { Uri = new Uri(BrokerUri) }.CreateConnectionAsync(Ct);
        await using var channel = await connection.CreateChannelAsync(cancellationToken: Ct);
        await channel.ExchangeDeclareAsync(exchange, ExchangeType.Topic, durable: true, autoDelete: false, cancellationToken: Ct);
        var queue = (await channel.QueueDeclareAsync(exclusive: true, cancellationToken: Ct)).QueueName;
        await channel.QueueBindAsync(queue, exchange, StockLedger.ChangedEvent, cancellationToken: Ct);

        var part = await _kit.StockEventAsync(quantity: 3);
        var eventId = await EventIdAsync(part.Id);
        Assert.True(await _kit.RelayAsync() >= 1);

        // Other test classes publish to the same exchange: read until this event's message turns up.
        BasicGetResult? found = null;
        for (var tries = 0; found is null && tries < 500; tries++)
        {
            var message = await channel.BasicGetAsync(queue, autoAck: true, Ct);
            if (message is null)
            {
                await Task.Delay(20, Ct);
                continue;
            }

            if (message.BasicProperties.MessageId == OutboxEnvelope.MessageId(eventId))
            {
                found = message;
            }
        }

        Assert.NotNull(found);
        Assert.Equal(StockLedger.ChangedEvent, found.RoutingKey);
        Assert.True(found.BasicProperties.Persistent);
        Assert.Equal("application/json", found.BasicProperties.ContentType);
        using var body = JsonDocument.Parse(found.Body);
        Assert.Equal(StockLedger.ChangedEvent, body.RootElement.GetProperty("type").GetString());
        Assert.Equal(part.Id, body.RootElement.GetProperty("data").GetProperty("partId").GetInt64());
    }

    private async Task<Guid> EventIdAsync(long partId)
    {
        await using var scope = factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        var events = await db.Set<OutboxMessage>().AsNoTracking()
            .Where(m => m.Type == StockLedger.ChangedEvent && m.DeliveredAt == null).ToListAsync(Ct);
        return events.Single(m => JsonDocument.Parse(m.Payload).RootElement.GetProperty("partId").GetInt64() == partId).Id;
    }
}

/// <summary>A broker that cannot be reached: nothing is lost, the batch waits.</summary>
public sealed class UnreachableBrokerFactory : WebhookFactory
{
    protected override IDictionary<string, string?> Overrides => new Dictionary<string, string?>(base.Overrides)
    {
        ["Messaging:RabbitMq:Uri"] = "amqp://guest:guest@127.0.0.1:1/",
        ["Messaging:RabbitMq:PublishTimeout"] = "00:00:05",
    };
}

public sealed class UnreachableBrokerTests(UnreachableBrokerFactory factory) : IClassFixture<UnreachableBrokerFactory>
{
    private readonly WebhookKit _kit = new(factory);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task When_the_broker_is_down_the_batch_rolls_back_and_nothing_is_marked_relayed()
    {
        await _kit.ResetAsync();
        await using var receiver = await WebhookReceiver.StartAsync();
        var subscription = await _kit.SubscribeAsync(receiver.Url(), StockLedger.ChangedEvent);
        await _kit.StockEventAsync();

        await Assert.ThrowsAnyAsync<Exception>(_kit.RelayAsync);

        await using var scope = factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        Assert.Equal(1, await db.Set<OutboxMessage>().CountAsync(m => m.DeliveredAt == null, Ct));
        Assert.Equal(0, await db.Set<WebhookDelivery>().CountAsync(d => d.SubscriptionId == subscription.Id, Ct));
    }
}
