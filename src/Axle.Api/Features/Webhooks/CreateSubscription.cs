using System.ComponentModel.DataAnnotations;
using Axle.Api.Features.Audit;
using Axle.Api.Platform.Data;
using Axle.Api.Platform.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Axle.Api.Features.Webhooks;

/// <summary><c>POST /api/v1/webhook-subscriptions</c>: the answer carries the signing secret, the only time it is shown.</summary>
internal static class CreateSubscription
{
    public sealed record Request(
        string? Url, [property: MaxLength(WebhookEventTypes.MaxPerSubscription)] IReadOnlyList<string?>? Events, string? Description);

    public static async Task<Results<Created<SubscriptionResponse>, ValidationProblem, ProblemHttpResult>> Handle(
        Request request, HttpContext http, AppDbContext db, OutboundUrlGuard guard, WebhookSecrets secrets, AuditTrail audit,
        IOptions<WebhookOptions> options, TimeProvider time, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        var url = await SubscriptionInput.CheckUrlAsync(request.Url, guard, errors, ct);
        var events = SubscriptionInput.CheckEvents(request.Events, errors);
        var description = SubscriptionInput.CheckDescription(request.Description, errors);
        if (errors.Count > 0)
        {
            return Problems.Validation(errors);
        }

        var owner = WebhookAccess.OwnerOf(http.User);
        if (await db.Set<WebhookSubscription>().CountAsync(s => s.Owner == owner, ct) >= options.Value.MaxSubscriptionsPerOwner)
        {
            return Problems.Conflict("subscription_limit", "Too many subscriptions",
                $"An owner may have at most {options.Value.MaxSubscriptionsPerOwner} subscriptions; delete one first.");
        }

        var now = time.GetUtcNow().UtcDateTime;
        var secret = StandardWebhookSignature.NewSecret();
        var subscription = new WebhookSubscription(url!, events!, description, owner, secrets.Protect(secret), now);
        db.Add(subscription);
        audit.Record(db, "webhooks.subscription_created", $"webhook-subscription/{subscription.Id}",
            details: new { subscription.Url, events });
        await db.SaveChangesAsync(ct);
        return TypedResults.Created($"/api/v1/webhook-subscriptions/{subscription.Id}", SubscriptionResponse.From(subscription, secret));
    }
}
