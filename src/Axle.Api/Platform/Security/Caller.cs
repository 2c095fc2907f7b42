using System.Security.Claims;

namespace Axle.Api.Platform.Security;

/// <summary>Who is calling: a signed-in user, a machine client, or nobody.</summary>
public static class CallerExtensions
{
    /// <summary>The user id of a user token, or null for anonymous callers and machine clients.</summary>
    public static Guid? UserId(this ClaimsPrincipal principal)
    {
        var sub = principal.FindFirstValue(AxleClaims.Subject);
        return sub is not null && Guid.TryParse(sub, out var id) ? id : null;
    }

    /// <summary>The client id of a machine token, or null.</summary>
    public static string? MachineClientId(this ClaimsPrincipal principal)
    {
        var sub = principal.FindFirstValue(AxleClaims.Subject);
        return sub is not null && sub.StartsWith(AxleClaims.ClientSubjectPrefix, StringComparison.Ordinal)
            ? sub[AxleClaims.ClientSubjectPrefix.Length..]
            : null;
    }

    /// <summary>A stable key for partitioning (rate limits, idempotency scopes): user id, client id, or null.</summary>
    public static string? CallerKey(this ClaimsPrincipal principal) =>
        principal.Identity?.IsAuthenticated == true ? principal.FindFirstValue(AxleClaims.Subject) : null;

    public static bool HasScope(this ClaimsPrincipal principal, string scope) =>
        principal.FindAll(AxleClaims.Scope)
            .SelectMany(c => c.Value.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Contains(scope, StringComparer.Ordinal);

    public static bool IsStaff(this ClaimsPrincipal principal) => Roles.Staff.Any(principal.IsInRole);
}
