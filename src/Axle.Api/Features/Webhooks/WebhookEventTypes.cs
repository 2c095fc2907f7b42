using Axle.Api.Features.Inventory;
using Axle.Api.Features.Orders;
using Axle.Api.Features.Returns;
using Axle.Api.Features.Shipments;

namespace Axle.Api.Features.Webhooks;

/// <summary>The event types a subscription can take: every event the outbox carries.</summary>
public static class WebhookEventTypes
{
    /// <summary>Sent (to subscriptions that take it) when a subscription is disabled after sustained failure.</summary>
    public const string SubscriptionDisabled = "webhook_subscription.disabled";

    public static readonly IReadOnlyList<string> All =
    [
        OrderEvents.Created, OrderEvents.StatusChanged, OrderEvents.NeedsAttention,
        StockLedger.ChangedEvent, StockLedger.LowStockEvent,
        ShipmentEvents.Updated, ReturnEvents.Updated,
        SubscriptionDisabled,
    ];

    /// <summary>Most event types one subscription request may name (duplicates included).</summary>
    public const int MaxPerSubscription = 32;

    public static bool IsKnown(string type) => All.Contains(type, StringComparer.Ordinal);
}
