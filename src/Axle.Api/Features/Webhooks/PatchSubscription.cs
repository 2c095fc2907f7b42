using System.ComponentModel.DataAnnotations;
using Axle.Api.Features.Audit;
using Axle.Api.Platform.Data;
using Axle.Api.Platform.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Axle.Api.Features.Webhooks;

/// <summary>
/// <c>PATCH /api/v1/webhook-subscriptions/{id}</c>: change the URL, events or description, or enable/disable it. Members
/// present change. Enabling a subscription that was disabled for failing clears its failure streak; its deliveries that were
/// waiting resume. If-Match is honoured when sent (412 when stale).
/// </summary>
internal static class PatchSubscription
{
    public sealed record Request(
        string? Url, [property: MaxLength(WebhookEventTypes.MaxPerSubscription)] IReadOnlyList<string?>? Events, string? Description, bool? Active);

    public static async Task<Results<Ok<SubscriptionResponse>, ValidationProblem, ProblemHttpResult>> Handle(
        Guid id, Request request, HttpContext http, AppDbContext db, OutboundUrlGuard guard, AuditTrail audit, TimeProvider time,
        CancellationToken ct)
    {
        if (await db.Set<WebhookSubscription>().Visible(http.User).FirstOrDefaultAsync(s => s.Id == id, ct) is not { } subscription)
        {
            return GetSubscription.NotFound();
        }

        if (Conditional.CheckIfMatch(http, ETags.From(subscription.Version)) is { } failed)
        {
            return failed;
        }

        var errors = new Dictionary<string, string[]>();
        var url = request.Url is null ? null : await SubscriptionInput.CheckUrlAsync(request.Url, guard, errors, ct);
        var events = request.Events is null ? null : SubscriptionInput.CheckEvents(request.Events, errors);
        var description = SubscriptionInput.CheckDescription(request.Description, errors);
        if (errors.Count > 0)
        {
            return Problems.Validation(errors);
        }

        var now = time.GetUtcNow().UtcDateTime;
        if (url is not null)
        {
            subscription.SetUrl(url);
        }

        if (events is not null)
        {
            subscription.SetEvents(events);
        }

        if (request.Description is not null)
        {
            subscription.Describe(description);
        }

        if (request.Active is true && !subscription.Active)
        {
            subscription.Enable();
        }
        else if (request.Active is false && subscription.Active)
        {
            subscription.Disable("Disabled by its owner.", now);
        }

        subscription.Touch(now);
        audit.Record(db, "webhooks.subscription_updated", $"webhook-subscription/{subscription.Id}",
            details: new { url, events, request.Active });
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            return GetSubscription.Changed();
        }

        Conditional.SetETag(http, ETags.From(subscription.Version));
        return TypedResults.Ok(SubscriptionResponse.From(subscription));
    }
}
