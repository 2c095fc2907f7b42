using System.ComponentModel.DataAnnotations;
using System.Security.Claims;
using Axle.Api.Platform.Security;

namespace Axle.Api.Features.Webhooks;

/// <summary>A subscription as the API shows it. <see cref="Secret"/> is set only in the answers that create or rotate it.</summary>
public sealed record SubscriptionResponse(
    Guid Id, string Url, [property: MaxLength(WebhookEventTypes.MaxPerSubscription)] IReadOnlyList<string> Events, string? Description, bool Active, string? DisabledReason, DateTime? DisabledAt,
    int ConsecutiveFailures, DateTime? FailingSince, DateTime CreatedAt, DateTime UpdatedAt, string? Secret = null)
{
    public static SubscriptionResponse From(WebhookSubscription s, string? secret = null) => new(
        s.Id, s.Url, s.EventTypes, s.Description, s.Active, s.DisabledReason, s.DisabledAt, s.ConsecutiveFailures, s.FailingSince,
        s.CreatedAt, s.UpdatedAt, secret);
}

/// <summary>
/// Who may see which subscription (OWASP API1): admins see all; a machine client with <c>webhooks:manage</c> sees only the
/// subscriptions it created; anything else is answered as if it did not exist.
/// </summary>
internal static class WebhookAccess
{
    public static string OwnerOf(ClaimsPrincipal user) =>
        user.MachineClientId() is { } client ? "client:" + client : "user:" + user.UserId();

    public static IQueryable<WebhookSubscription> Visible(this IQueryable<WebhookSubscription> subscriptions, ClaimsPrincipal user)
    {
        if (user.MachineClientId() is null && user.IsInRole(Roles.Admin))
        {
            return subscriptions;
        }

        var owner = OwnerOf(user);
        return subscriptions.Where(s => s.Owner == owner);
    }
}
