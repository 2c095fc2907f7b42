using Axle.Api.Features.Audit;
using Axle.Api.Platform.Data;
using Axle.Api.Platform.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Axle.Api.Features.Webhooks;

/// <summary>
/// <c>POST /api/v1/webhook-subscriptions/{id}/secret:rotate</c>: a new signing secret, shown once. During
/// <see cref="WebhookOptions.SecretRotationGrace"/> deliveries carry two signatures (new and old), so the receiver can switch
/// whenever it likes; rotating again inside the grace drops the older one at once.
/// </summary>
internal static class RotateSubscriptionSecret
{
    public sealed record Response(string Secret, DateTime PreviousSecretValidUntil);

    public static async Task<Results<Ok<Response>, ProblemHttpResult>> Handle(
        Guid id, HttpContext http, AppDbContext db, WebhookSecrets secrets, AuditTrail audit, IOptions<WebhookOptions> options,
        TimeProvider time, CancellationToken ct)
    {
        if (await db.Set<WebhookSubscription>().Visible(http.User).FirstOrDefaultAsync(s => s.Id == id, ct) is not { } subscription)
        {
            return GetSubscription.NotFound();
        }

        var now = time.GetUtcNow().UtcDateTime;
        var secret = StandardWebhookSignature.NewSecret();
        subscription.RotateSecret(secrets.Protect(secret), options.Value.SecretRotationGrace, now);
        subscription.Touch(now);
        audit.Record(db, "webhooks.secret_rotated", $"webhook-subscription/{subscription.Id}",
            details: new { subscription.PreviousSecretExpiresAt });
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            return GetSubscription.Changed();
        }

        return TypedResults.Ok(new Response(secret, subscription.PreviousSecretExpiresAt!.Value));
    }
}
