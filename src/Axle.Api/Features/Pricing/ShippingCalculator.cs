using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace Axle.Api.Features.Pricing;

/// <summary>One line as shipping sees it: weight per unit (null when the catalog does not know it) and hazmat.</summary>
public sealed record ShippingLine(int? WeightGrams, int Quantity, bool Hazmat);

/// <summary><paramref name="MerchandiseMinor"/> is the subtotal after discounts, what a free-shipping threshold is measured on.</summary>
public sealed record ShippingRequest(
    string Currency, IReadOnlyList<ShippingLine> Lines, long MerchandiseMinor, Destination? Destination,
    string Method = ShippingMethods.Standard);

/// <summary>
/// The shipping methods a customer chooses from. <c>standard</c> goes by ground and may carry hazardous parts (batteries,
/// brake fluid, aerosols) under ground hazmat rules; <c>express</c> goes by air, which cannot carry them.
/// </summary>
public static class ShippingMethods
{
    public const string Standard = "standard";
    public const string Express = "express";

    public static readonly IReadOnlyList<string> All = [Standard, Express];

    public static bool IsKnown(string? method) => method is Standard or Express;

    public static bool CarriesHazmat(string method) => method == Standard;
}

/// <summary>The estimate: amount in minor units, the weight billed, and whether a hazmat-capable method is needed.</summary>
public sealed record ShippingQuote(long AmountMinor, string Currency, int BilledKilograms, bool RequiresHazmat, bool FreeShipping);

/// <summary>Shipping estimates. The built-in one is flat + per started kilogram; a carrier rating API can replace it.</summary>
public interface IShippingCalculator
{
    ShippingQuote Quote(ShippingRequest request);
}

public sealed class ShippingOptions
{
    public const string Section = "Shipping";

    /// <summary>The store's currency: the amounts below are in it, and carts take only parts priced in it.</summary>
    [Required, RegularExpression("^[A-Z]{3}$")]
    public string Currency { get; set; } = "USD";

    /// <summary>Charged once per non-empty shipment.</summary>
    [Range(typeof(decimal), "0", "100000")]
    public decimal FlatAmount { get; set; } = 5.00m;

    /// <summary>Charged per started kilogram of the whole shipment (1,001 g bills 2 kg).</summary>
    [Range(typeof(decimal), "0", "100000")]
    public decimal PerKgAmount { get; set; } = 1.00m;

    /// <summary>Merchandise (after discounts) at or above this ships free; null = never free.</summary>
    [Range(typeof(decimal), "0", "10000000")]
    public decimal? FreeShippingThreshold { get; set; }

    /// <summary>Added once when any line is hazardous (ground hazmat handling).</summary>
    [Range(typeof(decimal), "0", "100000")]
    public decimal HazmatSurcharge { get; set; }

    /// <summary>Added for the <c>express</c> (air) method; free shipping never covers it.</summary>
    [Range(typeof(decimal), "0", "100000")]
    public decimal ExpressSurcharge { get; set; } = 15.00m;

    /// <summary>Assumed per unit for parts whose weight the catalog does not know.</summary>
    [Range(1, 1_000_000)]
    public int DefaultWeightGrams { get; set; } = 1000;
}

/// <summary>
/// flat + per-kg × ⌈total grams / 1000⌉ (+ hazmat surcharge, + express surcharge); 0 for an empty cart; 0 when merchandise
/// reaches the free-shipping threshold (the surcharges still apply: they pay for handling and speed, not for distance).
/// </summary>
internal sealed class WeightShippingCalculator(IOptions<ShippingOptions> options) : IShippingCalculator
{
    public ShippingQuote Quote(ShippingRequest request)
    {
        var o = options.Value;
        if (!string.Equals(request.Currency, o.Currency, StringComparison.Ordinal))
        {
            throw new CurrencyMismatchException(o.Currency, request.Currency);
        }

        var hazmat = request.Lines.Any(l => l.Hazmat && l.Quantity > 0);
        long grams = request.Lines.Aggregate(0L, (sum, l) => checked(sum + (long)(l.WeightGrams ?? o.DefaultWeightGrams) * l.Quantity));
        if (grams == 0)
        {
            return new ShippingQuote(0, o.Currency, 0, false, false);
        }

        var kilograms = (int)((grams + 999) / 1000);
        var surcharge = (hazmat ? MinorUnits.FromAmount(o.HazmatSurcharge) : 0)
            + (request.Method == ShippingMethods.Express ? MinorUnits.FromAmount(o.ExpressSurcharge) : 0);
        if (o.FreeShippingThreshold is { } threshold && request.MerchandiseMinor >= MinorUnits.FromAmount(threshold))
        {
            return new ShippingQuote(surcharge, o.Currency, kilograms, hazmat, true);
        }

        var amount = checked(MinorUnits.FromAmount(o.FlatAmount) + MinorUnits.FromAmount(o.PerKgAmount) * kilograms + surcharge);
        return new ShippingQuote(amount, o.Currency, kilograms, hazmat, false);
    }
}
