using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Axle.Api.Features.Webhooks;

public enum WebhookDeliveryStatus
{
    /// <summary>Waiting for its next attempt at <see cref="WebhookDelivery.NextAttemptAt"/>.</summary>
    Pending,

    /// <summary>The subscriber answered 2xx.</summary>
    Delivered,

    /// <summary>Every attempt of the schedule failed; it is a dead letter until someone replays it.</summary>
    Failed,
}

/// <summary>
/// One event on its way to one subscription. The relay creates it (unique per subscription and event, so a repeated relay
/// adds nothing); the delivery worker sends it on the retry schedule and records each attempt. It keeps its own copy of
/// the body, so it can be replayed after the outbox row has expired.
/// </summary>
public sealed class WebhookDelivery
{
    public const int ErrorMaxLength = 500;

    private WebhookDelivery()
    {
    }

    public WebhookDelivery(Guid subscriptionId, Guid eventId, string eventType, DateTime occurredAt, string payload, DateTime now)
    {
        Id = Guid.CreateVersion7(new DateTimeOffset(now, TimeSpan.Zero));
        SubscriptionId = subscriptionId;
        EventId = eventId;
        EventType = eventType;
        OccurredAt = occurredAt;
        Payload = payload;
        Status = WebhookDeliveryStatus.Pending;
        NextAttemptAt = now;
        CreatedAt = now;
    }

    public Guid Id { get; private set; }
    public Guid SubscriptionId { get; private set; }

    /// <summary>The outbox event's id; the <c>webhook-id</c> header is derived from it and is the same on every attempt.</summary>
    public Guid EventId { get; private set; }
    public string EventType { get; private set; } = "";
    public DateTime OccurredAt { get; private set; }

    /// <summary>The event's data (JSON), wrapped in the envelope when sent.</summary>
    public string Payload { get; private set; } = "";

    public WebhookDeliveryStatus Status { get; private set; }

    /// <summary>Attempts in the current round (a replay starts a new round; the attempt log keeps them all).</summary>
    public int Attempts { get; private set; }
    public DateTime? NextAttemptAt { get; private set; }
    public DateTime? ClaimedUntil { get; private set; }
    public DateTime? LastAttemptAt { get; private set; }
    public int? LastStatusCode { get; private set; }
    public int? LastLatencyMs { get; private set; }
    public string? LastError { get; private set; }
    public DateTime? DeliveredAt { get; private set; }
    public DateTime CreatedAt { get; private set; }

    public void Succeed(int statusCode, int latencyMs, DateTime now)
    {
        Record(statusCode, latencyMs, null, now);
        Status = WebhookDeliveryStatus.Delivered;
        DeliveredAt = now;
        NextAttemptAt = null;
    }

    /// <summary>A failed attempt: tried again at <paramref name="retryAt"/>, or failed for good when it is null.</summary>
    public void Fail(int? statusCode, int latencyMs, string error, DateTime? retryAt, DateTime now)
    {
        Record(statusCode, latencyMs, error, now);
        Status = retryAt is null ? WebhookDeliveryStatus.Failed : WebhookDeliveryStatus.Pending;
        NextAttemptAt = retryAt;
    }

    /// <summary>A new round of the schedule, starting now.</summary>
    public void Requeue(DateTime now)
    {
        Status = WebhookDeliveryStatus.Pending;
        Attempts = 0;
        NextAttemptAt = now;
        ClaimedUntil = null;
    }

    private void Record(int? statusCode, int latencyMs, string? error, DateTime now)
    {
        LastAttemptAt = now;
        LastStatusCode = statusCode;
        LastLatencyMs = latencyMs;
        LastError = error is null ? null : error.Length <= ErrorMaxLength ? error : error[..ErrorMaxLength];
        ClaimedUntil = null;
    }
}

/// <summary>One attempt to send a delivery: when, what came back, how long it took.</summary>
public sealed class WebhookDeliveryAttempt
{
    public const int ResponseMaxLength = 500;

    private WebhookDeliveryAttempt()
    {
    }

    public WebhookDeliveryAttempt(Guid deliveryId, int number, DateTime attemptedAt, int? statusCode, int latencyMs, string? error, string? response)
    {
        DeliveryId = deliveryId;
        Number = number;
        AttemptedAt = attemptedAt;
        StatusCode = statusCode;
        LatencyMs = latencyMs;
        Error = error is null ? null : error.Length <= WebhookDelivery.ErrorMaxLength ? error : error[..WebhookDelivery.ErrorMaxLength];
        Response = response is null ? null : response.Length <= ResponseMaxLength ? response : response[..ResponseMaxLength];
    }

    public long Id { get; private set; }
    public Guid DeliveryId { get; private set; }

    /// <summary>1 for the first attempt ever, counting across replays.</summary>
    public int Number { get; private set; }
    public DateTime AttemptedAt { get; private set; }
    public int? StatusCode { get; private set; }
    public int LatencyMs { get; private set; }
    public string? Error { get; private set; }

    /// <summary>The start of the subscriber's answer, to see why it refused.</summary>
    public string? Response { get; private set; }
}

internal sealed class WebhookDeliveryConfiguration : IEntityTypeConfiguration<WebhookDelivery>
{
    public void Configure(EntityTypeBuilder<WebhookDelivery> b)
    {
        b.ToTable("webhook_deliveries");
        b.HasKey(d => d.Id);
        b.Property(d => d.Id).ValueGeneratedNever();
        b.Property(d => d.EventType).HasMaxLength(Platform.Messaging.OutboxMessage.TypeMaxLength).IsRequired();
        b.Property(d => d.Payload).IsRequired();
        b.Property(d => d.Status).HasConversion<string>().HasMaxLength(16);
        b.Property(d => d.LastError).HasMaxLength(WebhookDelivery.ErrorMaxLength);
        b.HasOne<WebhookSubscription>().WithMany().HasForeignKey(d => d.SubscriptionId).OnDelete(DeleteBehavior.Cascade);
        // A repeated relay of the same event adds no second delivery.
        b.HasIndex(d => new { d.SubscriptionId, d.EventId }).IsUnique();
        // The worker's claim: due pending deliveries, oldest due first.
        b.HasIndex(d => new { d.Status, d.NextAttemptAt });
        // The delivery log: a subscription's deliveries, newest first.
        b.HasIndex(d => new { d.SubscriptionId, d.CreatedAt });
    }
}

internal sealed class WebhookDeliveryAttemptConfiguration : IEntityTypeConfiguration<WebhookDeliveryAttempt>
{
    public void Configure(EntityTypeBuilder<WebhookDeliveryAttempt> b)
    {
        b.ToTable("webhook_delivery_attempts");
        b.HasKey(a => a.Id);
        b.Property(a => a.Error).HasMaxLength(WebhookDelivery.ErrorMaxLength);
        b.Property(a => a.Response).HasMaxLength(WebhookDeliveryAttempt.ResponseMaxLength);
        b.HasOne<WebhookDelivery>().WithMany().HasForeignKey(a => a.DeliveryId).OnDelete(DeleteBehavior.Cascade);
        b.HasIndex(a => new { a.DeliveryId, a.Number });
    }
}
