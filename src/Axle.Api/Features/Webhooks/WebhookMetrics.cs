using System.Diagnostics.Metrics;
using Axle.Api.Platform.Observability;

namespace Axle.Api.Features.Webhooks;

/// <summary>Delivery outcomes and latencies (Prometheus: <c>axle_webhook_deliveries_total{result}</c>, <c>axle_webhook_delivery_latency_*</c>).</summary>
public sealed class WebhookMetrics
{
    public WebhookMetrics(AxleMetrics axle)
    {
        var meter = axle.Meter;
        Deliveries = meter.CreateCounter<long>("axle.webhook.deliveries",
            description: "Webhook delivery attempts by result: delivered, failed (will retry), dead (gave up).");
        Latency = meter.CreateHistogram<double>("axle.webhook.delivery_latency", unit: "s", description: "Time a subscriber took to answer.");
        Disabled = meter.CreateCounter<long>("axle.webhook.subscriptions_disabled", description: "Subscriptions disabled after sustained failure.");
    }

    public Counter<long> Deliveries { get; }
    public Histogram<double> Latency { get; }
    public Counter<long> Disabled { get; }
}
