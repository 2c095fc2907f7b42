namespace Axle.Api.Platform.Security;

public static class Roles
{
    public const string Customer = "customer";
    public const string CatalogManager = "catalog_manager";
    public const string InventoryManager = "inventory_manager";
    public const string OrderManager = "order_manager";
    public const string Admin = "admin";

    public static readonly IReadOnlyList<string> All = [Customer, CatalogManager, InventoryManager, OrderManager, Admin];

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
