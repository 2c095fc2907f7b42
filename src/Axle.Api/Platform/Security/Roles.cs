namespace Axle.Api.Platform.Security;

public static class Roles
{
    public const string Customer = "customer";
    public const string CatalogManager = "catalog_manager";
    public const string InventoryManager = "inventory_manager";
    public const string OrderManager = "order_manager";
    public const string Admin = "admin";

    public static readonly IReadOnlyList<string> All = [Customer, CatalogManager, InventoryManager, OrderManager, Admin];

    /// <summary>Most roles one user can hold: each known role once.</summary>
    public const int MaxPerUser = 5;

    /// <summary>Roles that see other people's orders, carts and stock.</summary>
    public static readonly IReadOnlyList<string> Staff = [CatalogManager, InventoryManager, OrderManager, Admin];

    public static bool IsKnown(string role) => All.Contains(role, StringComparer.Ordinal);
}

public static class Policies
{
    public const string Admin = "admin";
    public const string Staff = "staff";

    /// <summary>
    /// A policy that admits a machine client holding <paramref name="scope"/> or a user in one of <paramref name="roles"/>
    /// (admin when none are given).
    /// </summary>
    public static string ScopeOrRoles(string scope, params string[] roles) =>
        roles.Length == 0 ? "scope:" + scope : "scope:" + scope + "|" + string.Join(',', roles);

    /// <summary>Reads a <see cref="ScopeOrRoles"/> name back: the scope and the user roles it admits (admin when none listed).</summary>
    public static bool TryParseScope(string policyName, out string scope, out string[] roles)
    {
        scope = "";
        roles = [];
        if (!policyName.StartsWith("scope:", StringComparison.Ordinal))
        {
            return false;
        }

        var spec = policyName["scope:".Length..];
        var bar = spec.IndexOf('|', StringComparison.Ordinal);
        scope = bar < 0 ? spec : spec[..bar];
        roles = bar < 0 ? [Roles.Admin] : spec[(bar + 1)..].Split(',', StringSplitOptions.RemoveEmptyEntries);
        return true;
    }

    /// <summary>
    /// Who a named policy admits, as the OpenAPI security requirement lists it: <c>role:admin</c>, <c>scope:webhooks:manage</c>.
    /// Empty for a policy that only needs a signed-in caller.
    /// </summary>
    public static IEnumerable<string> Admits(string policyName) => policyName switch
    {
        Admin => ["role:" + Roles.Admin],
        Staff => Roles.Staff.Select(r => "role:" + r),
        _ when TryParseScope(policyName, out var scope, out var roles) => roles.Select(r => "role:" + r).Prepend("scope:" + scope),
        _ => [],
    };
}

/// <summary>Claim names used in Axle's access tokens (RFC 9068 names where one exists).</summary>
public static class AxleClaims
{
    public const string Subject = "sub";
    public const string Role = "role";
    public const string Scope = "scope";
    public const string ClientId = "client_id";
    public const string Email = "email";
    public const string Name = "name";

    /// <summary>Subject prefix of machine clients, so a client id can never equal a user's subject (RFC 9068 §5).</summary>
    public const string ClientSubjectPrefix = "client:";
}
