using System.ComponentModel.DataAnnotations;
using System.Text.Json;
using Axle.Api.Features.Suppliers.Mapping;

namespace Axle.Api.Features.Suppliers;

/// <summary>A supplier as staff see it. Secrets never appear, except the new signing secret in the create and rotate answers.</summary>
public sealed record SupplierResponse(
    long Id,
    string Code,
    string Name,
    bool Active,
    bool Webhook,
    [property: MaxLength(Supplier.MaxWarehouses)] IReadOnlyList<string> Warehouses,
    SupplierMapping? Mapping,
    JsonElement? Feed,
    bool HasFeedCredentials,
    [property: MaxLength(Supplier.MaxIpAllowList)] IReadOnlyList<string> IpAllowList,
    bool ApplyPrices,
    bool AutoCorrect,
    DateTime? PreviousSecretValidUntil,
    DateTime CreatedAt,
    DateTime UpdatedAt,
    string? WebhookSecret = null)
{
    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    internal static SupplierResponse From(Supplier s, IReadOnlyList<string> warehouses, DateTime now, string? secret = null) => new(
        s.Id, s.Code, s.Name, s.Active, s.WebhookEnabled, warehouses,
        s.Mapping is null ? null : JsonSerializer.Deserialize<SupplierMapping>(s.Mapping, Json),
        s.Feed is null ? null : JsonSerializer.Deserialize<JsonElement>(s.Feed),
        s.FeedCredentials is not null,
        SplitNetworks(s.IpAllowList),
        s.ApplyPrices, s.AutoCorrect,
        s.PreviousSecretExpiresAt > now ? s.PreviousSecretExpiresAt : null,
        s.CreatedAt, s.UpdatedAt, secret);

    internal static IReadOnlyList<string> SplitNetworks(string? list) =>
        list is null ? [] : list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
