using System.ComponentModel.DataAnnotations;
using Axle.Api.Platform.Data;
using Axle.Api.Platform.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Axle.Api.Features.Webhooks;

/// <summary><c>GET /api/v1/webhook-subscriptions/{id}/deliveries/{deliveryId}</c>: one delivery with every attempt.</summary>
internal static class GetDelivery
{
    /// <summary>
    /// Attempts the log shows at most: the latest, as many as one whole round of the longest retry schedule allowed
    /// (Webhooks:RetrySchedule holds at most 50 waits, so 51 attempts). Replays add rounds; <c>attemptCount</c> counts them all.
    /// </summary>
    public const int MaxLoggedAttempts = WebhookOptions.MaxRetryWaits + 1;

    public sealed record AttemptResponse(int Number, DateTime AttemptedAt, int? StatusCode, int LatencyMs, string? Error, string? Response);

    /// <param name="AttemptLog">The latest 51 attempts, oldest first.</param>
    /// <param name="AttemptCount">Every attempt ever made, across replays.</param>
    public sealed record Response(
        DeliveryResponse Delivery, [property: MaxLength(MaxLoggedAttempts)] IReadOnlyList<AttemptResponse> AttemptLog, int AttemptCount);

    public static async Task<Results<Ok<Response>, ProblemHttpResult>> Handle(
        Guid id, Guid deliveryId, HttpContext http, AppDbContext db, CancellationToken ct)
    {
        if (await FindAsync(db, http, id, deliveryId, tracked: false, ct) is not { } delivery)
        {
            return NotFound();
        }

        var all = db.Set<WebhookDeliveryAttempt>().AsNoTracking().Where(a => a.DeliveryId == deliveryId);
        var attempts = await all
            .OrderByDescending(a => a.Number).ThenByDescending(a => a.Id)
            .Take(MaxLoggedAttempts)
            .Select(a => new AttemptResponse(a.Number, a.AttemptedAt, a.StatusCode, a.LatencyMs, a.Error, a.Response))
            .ToListAsync(ct);
        attempts.Reverse();
        return TypedResults.Ok(new Response(DeliveryResponse.From(delivery), attempts, await all.CountAsync(ct)));
    }

    /// <summary>The delivery when it belongs to a subscription the caller may see.</summary>
    public static async Task<WebhookDelivery?> FindAsync(
        AppDbContext db, HttpContext http, Guid subscriptionId, Guid deliveryId, bool tracked, CancellationToken ct)
    {
        if (!await db.Set<WebhookSubscription>().Visible(http.User).AnyAsync(s => s.Id == subscriptionId, ct))
        {
            return null;
        }

        var deliveries = tracked ? db.Set<WebhookDelivery>() : db.Set<WebhookDelivery>().AsNoTracking();
        return await deliveries.FirstOrDefaultAsync(d => d.Id == deliveryId && d.SubscriptionId == subscriptionId, ct);
    }

    public static ProblemHttpResult NotFound() => Problems.NotFound("No delivery of this subscription has this id.");
}
