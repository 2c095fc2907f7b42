using System.Text.Json;
using Axle.Api.Features.Audit;
using Axle.Api.Features.Orders;
using Axle.Api.Platform.Data;
using Axle.Api.Platform.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Microsoft.Extensions.Options;

namespace Axle.Api.Features.Payments;

/// <summary>A gateway event that was applied, kept so a redelivery is answered without being applied again.</summary>
public sealed class PaymentWebhookEvent
{
    private PaymentWebhookEvent()
    {
    }

    public PaymentWebhookEvent(string eventId, string type, Guid? orderId, string outcome, DateTime now)
    {
        EventId = eventId;
        Type = type;
        OrderId = orderId;
        Outcome = outcome;
        ReceivedAt = now;
    }

    public string EventId { get; private set; } = "";
    public string Type { get; private set; } = "";
    public Guid? OrderId { get; private set; }
    public string Outcome { get; private set; } = "";
    public DateTime ReceivedAt { get; private set; }
}

internal sealed class PaymentWebhookEventConfiguration : IEntityTypeConfiguration<PaymentWebhookEvent>
{
    public void Configure(EntityTypeBuilder<PaymentWebhookEvent> b)
    {
        b.ToTable("payment_webhook_events");
        b.HasKey(e => e.EventId);
        b.Property(e => e.EventId).HasMaxLength(100);
        b.Property(e => e.Type).HasMaxLength(100).IsRequired();
        b.Property(e => e.Outcome).HasMaxLength(32).IsRequired();
        b.HasIndex(e => e.ReceivedAt);
    }
}

/// <summary>
/// <c>POST /api/v1/payments/webhook</c>: the gateway tells Axle how a charge ended. The raw body is verified against
/// <c>Stripe-Signature</c> (STANDARDS.md §1.2) before it is parsed; every failure is the same 400, naming no check.
/// <c>payment_intent.succeeded</c> marks the order paid, <c>payment_intent.payment_failed</c> declines it; other types are
/// acknowledged and ignored. Events are deduplicated on their id after they are applied, and applying is itself
/// idempotent (only a <c>pending_payment</c> order settles), so a redelivery or a race with the reconciliation is harmless.
/// </summary>
internal static class PaymentWebhook
{
    public const int MaxBodyBytes = 256 * 1024;

    public sealed record Response(bool Received, string Outcome);

    public static async Task<Results<Ok<Response>, ProblemHttpResult>> Handle(
        HttpRequest request, AppDbContext db, OrderSettlement settlement, IOptions<PaymentOptions> options, AuditTrail audit,
        TimeProvider time, CancellationToken ct)
    {
        var body = await RawBody.ReadAsync(request, MaxBodyBytes, ct);
        var secret = options.Value.WebhookSecret;
        if (body is null || string.IsNullOrEmpty(secret)
            || StripeSignature.Verify(request.Headers[StripeSignature.HeaderName], body, secret, time.GetUtcNow(), options.Value.WebhookTolerance)
                != SignatureCheck.Valid)
        {
            return Problems.Create(StatusCodes.Status400BadRequest, "invalid_signature", "Invalid signature",
                "The webhook signature could not be verified.");
        }

        if (Parse(body) is not { } evt)
        {
            return Problems.BadRequest("invalid_event", "The body is not a gateway event (id, type, data.object).");
        }

        if (await db.Set<PaymentWebhookEvent>().AsNoTracking().AnyAsync(e => e.EventId == evt.Id, ct))
        {
            return TypedResults.Ok(new Response(true, "duplicate"));
        }

        var orderId = evt.OrderId ?? await db.Set<Payment>().AsNoTracking()
            .Where(p => p.Reference == evt.Reference).Select(p => (Guid?)p.OrderId).FirstOrDefaultAsync(ct);
        var outcome = (evt.Type, orderId) switch
        {
            (_, null) => "unknown_order",
            ("payment_intent.succeeded", { } id) => Name(await settlement.MarkPaidAsync(id, evt.Reference, "gateway", ct)),
            ("payment_intent.payment_failed", { } id) => Name(await settlement.FailAsync(id, evt.Reference, evt.DeclineCode, "gateway", ct)),
            _ => "ignored",
        };

        db.ChangeTracker.Clear();
        db.Add(new PaymentWebhookEvent(evt.Id, evt.Type, orderId, outcome, time.GetUtcNow().UtcDateTime));
        audit.Record(db, "payment.webhook", orderId is { } o ? $"order/{o}" : null, details: new { evt.Id, evt.Type, outcome },
            actorType: "gateway");
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException e) when (DbErrors.IsUniqueViolation(e))
        {
            // The same event delivered twice at once: the other delivery recorded it.
            outcome = "duplicate";
        }

        return TypedResults.Ok(new Response(true, outcome));
    }

    private sealed record GatewayEvent(string Id, string Type, string? Reference, Guid? OrderId, string? DeclineCode);

    private static GatewayEvent? Parse(byte[] body)
    {
        try
        {
            using var doc = JsonDocument.Parse(body);
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object
                || !root.TryGetProperty("id", out var id) || id.ValueKind != JsonValueKind.String || id.GetString() is not { Length: > 0 and <= 100 } eventId
                || !root.TryGetProperty("type", out var type) || type.ValueKind != JsonValueKind.String || type.GetString() is not { Length: > 0 and <= 100 } eventType
                || !root.TryGetProperty("data", out var data) || data.ValueKind != JsonValueKind.Object
                || !data.TryGetProperty("object", out var obj) || obj.ValueKind != JsonValueKind.Object)
            {
                return null;
            }

            var reference = obj.TryGetProperty("id", out var r) && r.ValueKind == JsonValueKind.String ? r.GetString() : null;
            Guid? orderId = obj.TryGetProperty("metadata", out var metadata) && metadata.ValueKind == JsonValueKind.Object
                && metadata.TryGetProperty("order_id", out var o) && o.ValueKind == JsonValueKind.String && Guid.TryParse(o.GetString(), out var parsed)
                ? parsed
                : null;
            var decline = obj.TryGetProperty("last_payment_error", out var error) && error.ValueKind == JsonValueKind.Object
                && error.TryGetProperty("decline_code", out var code) && code.ValueKind == JsonValueKind.String
                ? code.GetString()
                : null;
            return new GatewayEvent(eventId, eventType, reference is { Length: <= Payment.ReferenceMaxLength } ? reference : null, orderId,
                decline is { Length: <= 64 } ? decline : "declined");
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static string Name(SettleOutcome outcome) => outcome switch
    {
        SettleOutcome.AlreadySettled => "already_settled",
        SettleOutcome.NotFound => "unknown_order",
        SettleOutcome.StockLost => "stock_lost",
        _ => outcome.ToString().ToLowerInvariant(),
    };
}
