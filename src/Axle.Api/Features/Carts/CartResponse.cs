using System.ComponentModel.DataAnnotations;
using Axle.Api.Features.Pricing;

namespace Axle.Api.Features.Carts;

/// <summary>Fit of a line against the cart's vehicle.</summary>
public static class Fits
{
    public const string Yes = "yes";
    public const string No = "no";

    /// <summary>No vehicle on the cart, a vehicle the catalog cannot identify, or a part without any fitment data.</summary>
    public const string Unknown = "unknown";
}

/// <summary>An in-stock part that can replace a short one: an interchangeable number or a part that supersedes it.</summary>
public sealed record PartAlternative(
    long PartId, string Sku, string PartNumber, string Brand, string Name, Money Price, int AvailableQuantity, string Relation);

public sealed record CartLineResponse(
    Guid Id,
    long PartId,
    string Sku,
    string PartNumber,
    string Name,
    string Status,
    int Quantity,
    Money UnitPrice,
    bool PriceChanged,
    Money? PreviousUnitPrice,
    Money? CoreCharge,
    Money LineTotal,
    int Available,
    bool InStock,
    string Fits,
    bool Hazmat,
    int? WeightGrams,
    [property: MaxLength(CartOptions.MaxAlternativesCeiling)] IReadOnlyList<PartAlternative>? Alternatives);

public sealed record CartVehicleResponse(
    string Source, Guid? GarageVehicleId, int? Year, string? Make, string? Model, string? Engine, string? Vin, bool Identified);

public sealed record CartDestinationResponse(string Country, string? Region);

/// <summary>
/// The cart's promotion code and whether it applies now: a code that stopped applying (expired, the cart fell below the
/// minimum) stays on the cart with <see cref="Applied"/> false, the refusal's code in <see cref="Reason"/> and no discount.
/// </summary>
public sealed record CartPromotionResponse(string Code, bool Applied, string? Reason, Money Discount);

public sealed record CartTotals(Money Subtotal, Money Discount, Money Tax, Money Shipping, Money CoreCharges, Money Total);

/// <summary>How tax and shipping were estimated: the tax rule that matched (null without a destination) and the billed weight.</summary>
public sealed record CartEstimate(decimal TaxRatePercent, string? TaxJurisdiction, int BilledKilograms, bool FreeShipping);

public sealed record CartResponse(
    Guid Id,
    Guid UserId,
    string Currency,
    [property: MaxLength(CartOptions.MaxLinesCeiling)] IReadOnlyList<CartLineResponse> Items,
    CartVehicleResponse? Vehicle,
    CartDestinationResponse? ShippingAddress,
    bool ContainsHazmat,
    bool PriceChanged,
    CartTotals Totals,
    CartPromotionResponse? Promotion,
    CartEstimate Estimate,
    long Version,
    DateTime UpdatedAt);
