using Axle.Api.Features.Audit;
using Axle.Api.Features.DeadLetters;
using Axle.Api.Platform.Data;
using Axle.Api.Platform.Http;
using Axle.Api.Platform.Messaging;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Axle.Api.Features.Webhooks;

/// <summary>
/// <c>POST /api/v1/webhook-subscriptions/{id}/deliveries/{deliveryId}/replay</c>: sends a delivery again, on a fresh round of
/// the retry schedule, with the same <c>webhook-id</c> (receivers deduplicate). Any delivery may be replayed, delivered ones
/// too (a receiver that lost it). Its open dead letter, if any, is closed as replayed. 202: the worker sends it.
/// </summary>
internal static class ReplayDelivery
{
    public static async Task<Results<Accepted<DeliveryResponse>, ProblemHttpResult>> Handle(
        Guid id, Guid deliveryId, HttpContext http, AppDbContext db, AuditTrail audit, TimeProvider time, CancellationToken ct)
    {
        if (await GetDelivery.FindAsync(db, http, id, deliveryId, tracked: true, ct) is not { } delivery)
        {
            return GetDelivery.NotFound();
        }

        if (delivery is { Status: WebhookDeliveryStatus.Pending, ClaimedUntil: { } claimed } && claimed > time.GetUtcNow().UtcDateTime)
        {
            return Problems.Conflict("delivery_in_flight", "Being sent", "This delivery is being sent right now; look again in a moment.");
        }

        var now = time.GetUtcNow().UtcDateTime;
        delivery.Requeue(now);
        audit.Record(db, "webhooks.delivery_replayed", $"webhook-delivery/{delivery.Id}");
        await db.SaveChangesAsync(ct);
        await DeadLetter.CloseReplayedAsync(db, WebhookDeliveryWorker.DeadLetterSource, delivery.Id.ToString(), "Queued for delivery again.", now, ct);
        return TypedResults.Accepted($"/api/v1/webhook-subscriptions/{id}/deliveries/{delivery.Id}", DeliveryResponse.From(delivery));
    }
}

/// <summary>Replays <c>webhook_delivery</c> dead letters from <c>/api/v1/dead-letters</c>: the delivery goes back in the queue.</summary>
internal sealed class WebhookDeadLetterReplayer(TimeProvider time) : IDeadLetterReplayer
{
    public IReadOnlyCollection<string> Sources { get; } = [WebhookDeliveryWorker.DeadLetterSource];

    public async Task<ReplayOutcome> ReplayAsync(AppDbContext db, DeadLetter letter, CancellationToken ct)
    {
        if (!Guid.TryParse(letter.Reference, out var deliveryId)
            || await db.Set<WebhookDelivery>().FirstOrDefaultAsync(d => d.Id == deliveryId, ct) is not { } delivery)
        {
            return new ReplayOutcome(false, "The delivery no longer exists (its subscription was deleted).");
        }

        delivery.Requeue(time.GetUtcNow().UtcDateTime);
        await db.SaveChangesAsync(ct);
        var active = await db.Set<WebhookSubscription>().Where(s => s.Id == delivery.SubscriptionId).Select(s => s.Active).FirstOrDefaultAsync(ct);
        return new ReplayOutcome(true, active
            ? "Queued for delivery again."
            : "Queued for delivery again; the subscription is disabled, so it is sent once it is enabled.");
    }
}
