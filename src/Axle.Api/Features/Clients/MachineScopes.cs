using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Axle.Api.Features.Clients;

/// <summary>The scopes a machine client can be granted. A client asks for a subset at <c>/oauth/token</c>.</summary>
public static class MachineScopes
{
    public const string CatalogWrite = "catalog:write";
    public const string InventoryWrite = "inventory:write";
    public const string InventoryRead = "inventory:read";
    public const string OrdersRead = "orders:read";
    public const string OrdersWrite = "orders:write";
    public const string ShipmentsWrite = "shipments:write";

    /// <summary>Carriers (or their integration) pushing tracking events to <c>/api/v1/shipments/events</c>.</summary>
    public const string ShipmentsEvents = "shipments:events";
    public const string SuppliersWrite = "suppliers:write";
    public const string WebhooksManage = "webhooks:manage";

    /// <summary>Reading <c>/api/v1/admin/analytics</c> (a reporting or BI job).</summary>
    public const string AnalyticsRead = "analytics:read";

    public static readonly IReadOnlyList<string> All =
    [
        CatalogWrite, InventoryWrite, InventoryRead, OrdersRead, OrdersWrite, ShipmentsWrite, ShipmentsEvents, SuppliersWrite, WebhooksManage,
        AnalyticsRead,
    ];

    /// <summary>Most scopes one request may name (duplicates included); a client holds each known scope at most once.</summary>
    public const int MaxPerClient = 32;

    public static bool IsKnown(string scope) => All.Contains(scope, StringComparer.Ordinal);

    /// <summary>A client's scopes are stored as OpenIddict scope permissions (<c>scp:inventory:write</c>).</summary>
    public static string ToPermission(string scope) => Permissions.Prefixes.Scope + scope;

    public static string[] FromPermissions(IEnumerable<string> permissions) =>
    [
        .. permissions
            .Where(p => p.StartsWith(Permissions.Prefixes.Scope, StringComparison.Ordinal))
            .Select(p => p[Permissions.Prefixes.Scope.Length..])
            .Order(StringComparer.Ordinal),
    ];
}
