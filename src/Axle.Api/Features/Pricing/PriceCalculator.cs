namespace Axle.Api.Features.Pricing;

/// <summary>One priced line: unit price and per-unit core charge in minor units of <see cref="Currency"/>.</summary>
public sealed record PriceLine(long UnitPriceMinor, int Quantity, long CoreChargeMinor, string Currency);

/// <summary>
/// What a price is computed from. <see cref="DiscountMinor"/> is what promotions will supply (0 until then);
/// <see cref="TaxRatePercent"/> comes from an <see cref="ITaxCalculator"/>, <see cref="ShippingMinor"/> from an
/// <see cref="IShippingCalculator"/>.
/// </summary>
public sealed record PriceInput(
    string Currency, IReadOnlyList<PriceLine> Lines, long DiscountMinor = 0, decimal TaxRatePercent = 0m, long ShippingMinor = 0);

/// <summary>Every amount in minor units of <see cref="Currency"/>; <see cref="LineTotals"/> in the order of the input lines.</summary>
public sealed record PriceBreakdown(
    string Currency, IReadOnlyList<long> LineTotals, long Subtotal, long Discount, long Tax, long Shipping, long CoreCharges,
    long Total);

/// <summary>
/// The one place money is added up, in integer minor units with checked arithmetic (an amount too large for a long is an
/// <see cref="OverflowException"/>, never a wrapped number).
/// <list type="bullet">
/// <item>line total = unit price × quantity; subtotal = Σ line totals (core charges not included).</item>
/// <item>discount is clamped to [0, subtotal].</item>
/// <item>tax = (subtotal − discount) × rate / 100, computed <b>once on the total</b> (not per line) and rounded to the
/// minor unit with <see cref="MidpointRounding.AwayFromZero"/> (half a cent goes up), as a till does. Shipping and core
/// charges are not taxed: the core charge is a refundable deposit.</item>
/// <item>total = subtotal − discount + tax + shipping + core charges.</item>
/// </list>
/// Every line must be in <see cref="PriceInput.Currency"/>: mixing currencies is refused, never converted.
/// </summary>
public static class PriceCalculator
{
    public const MidpointRounding TaxRounding = MidpointRounding.AwayFromZero;

    public static PriceBreakdown Calculate(PriceInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (input.DiscountMinor < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(input), "A discount cannot be negative.");
        }

        if (input.ShippingMinor < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(input), "Shipping cannot be negative.");
        }

        if (input.TaxRatePercent is < 0 or > 100)
        {
            throw new ArgumentOutOfRangeException(nameof(input), "A tax rate is between 0 and 100 percent.");
        }

        var lineTotals = new long[input.Lines.Count];
        long subtotal = 0;
        long coreCharges = 0;
        for (var i = 0; i < input.Lines.Count; i++)
        {
            var line = input.Lines[i];
            if (!string.Equals(line.Currency, input.Currency, StringComparison.Ordinal))
            {
                throw new CurrencyMismatchException(input.Currency, line.Currency);
            }

            if (line.Quantity < 0 || line.UnitPriceMinor < 0 || line.CoreChargeMinor < 0)
            {
                throw new ArgumentOutOfRangeException(nameof(input), "Prices, core charges and quantities cannot be negative.");
            }

            lineTotals[i] = checked(line.UnitPriceMinor * line.Quantity);
            subtotal = checked(subtotal + lineTotals[i]);
            coreCharges = checked(coreCharges + checked(line.CoreChargeMinor * line.Quantity));
        }

        var discount = Math.Min(input.DiscountMinor, subtotal);
        var tax = TaxOn(subtotal - discount, input.TaxRatePercent);
        var total = checked(subtotal - discount + tax + input.ShippingMinor + coreCharges);
        return new PriceBreakdown(input.Currency, lineTotals, subtotal, discount, tax, input.ShippingMinor, coreCharges, total);
    }

    /// <summary>Σ unit price × quantity: what discounts and free-shipping thresholds are measured against.</summary>
    public static long Subtotal(IEnumerable<PriceLine> lines) =>
        lines.Aggregate(0L, (sum, line) => checked(sum + checked(line.UnitPriceMinor * line.Quantity)));

    /// <summary>Tax on a taxable amount at a percent rate, rounded half away from zero to the minor unit.</summary>
    public static long TaxOn(long taxableMinor, decimal ratePercent)
    {
        // decimal holds 28 significant digits: long.MaxValue × 100 still fits, so no intermediate overflow.
        var exact = (decimal)taxableMinor * ratePercent / 100m;
        return checked((long)decimal.Round(exact, 0, TaxRounding));
    }
}

/// <summary>Lines in different currencies cannot be added up.</summary>
public sealed class CurrencyMismatchException(string expected, string actual)
    : InvalidOperationException($"A price in {actual} cannot be added to a total in {expected}.")
{
    public string Expected { get; } = expected;
    public string Actual { get; } = actual;
}

/// <summary>Minor units ↔ the decimal amounts the API shows. Every supported currency has 2 minor digits.</summary>
public static class MinorUnits
{
    private const decimal PerUnit = 100m;

    public static decimal ToAmount(long minor) => minor / PerUnit;

    /// <summary>An amount with at most 2 decimal places as minor units; more places are refused, never rounded away.</summary>
    public static long FromAmount(decimal amount)
    {
        var minor = amount * PerUnit;
        if (minor != decimal.Truncate(minor))
        {
            throw new ArgumentException($"{amount} has more than 2 decimal places.", nameof(amount));
        }

        return checked((long)minor);
    }

    /// <summary>Like <see cref="FromAmount"/>, false for more than 2 decimal places or an amount too large.</summary>
    public static bool TryFromAmount(decimal amount, out long minor)
    {
        minor = 0;
        if (amount is > long.MaxValue / 100 or < long.MinValue / 100 || amount * PerUnit != decimal.Truncate(amount * PerUnit))
        {
            return false;
        }

        minor = (long)(amount * PerUnit);
        return true;
    }
}

/// <summary>A money amount as the API shows it: <c>{"amount": 42.50, "currency": "USD"}</c>.</summary>
public sealed record Money(decimal Amount, string Currency)
{
    public static Money FromMinor(long minor, string currency) => new(MinorUnits.ToAmount(minor), currency);
}
