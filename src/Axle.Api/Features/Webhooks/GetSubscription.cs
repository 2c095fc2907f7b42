using Axle.Api.Platform.Data;
using Axle.Api.Platform.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Axle.Api.Features.Webhooks;

/// <summary><c>GET /api/v1/webhook-subscriptions/{id}</c> with its ETag (for If-Match on PATCH and DELETE). Never shows the secret.</summary>
internal static class GetSubscription
{
    public static async Task<Results<Ok<SubscriptionResponse>, NotModifiedResult, ProblemHttpResult>> Handle(
        Guid id, HttpContext http, AppDbContext db, CancellationToken ct)
    {
        if (await db.Set<WebhookSubscription>().AsNoTracking().Visible(http.User).FirstOrDefaultAsync(s => s.Id == id, ct) is not { } subscription)
        {
            return NotFound();
        }

        if (Conditional.CheckIfNoneMatch(http, ETags.From(subscription.Version)) is { } notModified)
        {
            return notModified;
        }

        return TypedResults.Ok(SubscriptionResponse.From(subscription));
    }

    public static ProblemHttpResult NotFound() => Problems.NotFound("No webhook subscription of yours has this id.");

    /// <summary>A write lost a race with another write of the same subscription.</summary>
    public static ProblemHttpResult Changed() =>
        Problems.Conflict("concurrent_change", "Subscription changed", "The subscription changed meanwhile; read it again and retry.");
}
