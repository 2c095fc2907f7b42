using Axle.Api.Platform.Data;
using Axle.Api.Platform.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace Axle.Api.Features.Webhooks;

public sealed record DeliveryResponse(
    Guid Id, string MessageId, string EventType, DateTime OccurredAt, WebhookDeliveryStatus Status, int Attempts,
    DateTime? NextAttemptAt, DateTime? LastAttemptAt, int? LastStatusCode, int? LastLatencyMs, string? LastError, DateTime? DeliveredAt,
    DateTime CreatedAt)
{
    public static DeliveryResponse From(WebhookDelivery d) => new(
        d.Id, Platform.Messaging.OutboxEnvelope.MessageId(d.EventId), d.EventType, d.OccurredAt, d.Status, d.Attempts, d.NextAttemptAt,
        d.LastAttemptAt, d.LastStatusCode, d.LastLatencyMs, d.LastError, d.DeliveredAt, d.CreatedAt);
}

/// <summary><c>GET /api/v1/webhook-subscriptions/{id}/deliveries</c>: the delivery log, newest first, filtered by status or event type.</summary>
internal static class ListDeliveries
{
    public const string CursorPurpose = "webhook-deliveries";

    public static async Task<Results<Ok<Page<DeliveryResponse>>, ValidationProblem, ProblemHttpResult>> Handle(
        Guid id, [FromQuery] string? status, [FromQuery] string? eventType, [FromQuery] string? limit, [FromQuery] string? cursor,
        HttpContext http, AppDbContext db, CursorCodec cursors, CancellationToken ct)
    {
        WebhookDeliveryStatus? wanted = null;
        if (status is not null)
        {
            if (!WireNames.TryParse<WebhookDeliveryStatus>(status, out var parsed))
            {
                return Problems.Validation("status", "One of: " + WireNames.All<WebhookDeliveryStatus>() + ".");
            }

            wanted = parsed;
        }

        if (!await db.Set<WebhookSubscription>().Visible(http.User).AnyAsync(s => s.Id == id, ct))
        {
            return GetSubscription.NotFound();
        }

        var fingerprint = Pagination.Fingerprint("createdAt desc", ("subscription", id.ToString()), ("status", wanted?.ToString()),
            ("eventType", eventType));
        if (!cursors.TryOpen<SeekKey<Guid>>(CursorPurpose, fingerprint, limit, cursor, out var page, out var problem))
        {
            return problem;
        }

        var deliveries = db.Set<WebhookDelivery>().AsNoTracking().Where(d => d.SubscriptionId == id);
        if (wanted is { } s)
        {
            deliveries = deliveries.Where(d => d.Status == s);
        }

        if (eventType is not null)
        {
            deliveries = deliveries.Where(d => d.EventType == eventType);
        }

        var rows = await deliveries.NewestFirst(d => d.CreatedAt, d => d.Id, page.After)
            .ToPageAsync(page, d => new SeekKey<Guid>(d.CreatedAt, d.Id), ct);
        return http.PageResult(rows.Select(DeliveryResponse.From));
    }
}
