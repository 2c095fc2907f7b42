using Axle.Api.Features.Audit;
using Axle.Api.Platform.Data;
using Axle.Api.Platform.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Axle.Api.Features.Webhooks;

/// <summary><c>DELETE /api/v1/webhook-subscriptions/{id}</c>: removes it with its delivery log; nothing more is sent to it.</summary>
internal static class DeleteSubscription
{
    public static async Task<Results<NoContent, ProblemHttpResult>> Handle(
        Guid id, HttpContext http, AppDbContext db, AuditTrail audit, CancellationToken ct)
    {
        if (await db.Set<WebhookSubscription>().Visible(http.User).FirstOrDefaultAsync(s => s.Id == id, ct) is not { } subscription)
        {
            return GetSubscription.NotFound();
        }

        if (Conditional.CheckIfMatch(http, ETags.From(subscription.Version)) is { } failed)
        {
            return failed;
        }

        db.Remove(subscription);
        audit.Record(db, "webhooks.subscription_deleted", $"webhook-subscription/{subscription.Id}", details: new { subscription.Url });
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            return GetSubscription.Changed();
        }

        return TypedResults.NoContent();
    }
}
