using Axle.Api.Features.Pricing;
using Microsoft.Extensions.Options;

namespace Axle.UnitTests.Pricing;

public sealed class TaxAndShippingTests
{
    private static TableTaxCalculator Tax(decimal fallback = 0m, params TaxRule[] rules) =>
        new(Options.Create(new TaxOptions { DefaultRatePercent = fallback, Rates = [.. rules] }));

    private static TaxRule Rule(string country, string? region, decimal rate) => new() { Country = country, Region = region, RatePercent = rate };

    private static WeightShippingCalculator Shipping(
        decimal flat = 5m, decimal perKg = 1m, decimal? free = null, decimal hazmat = 0m, int defaultGrams = 1000) =>
        new(Options.Create(new ShippingOptions
        {
            FlatAmount = flat, PerKgAmount = perKg, FreeShippingThreshold = free, HazmatSurcharge = hazmat, DefaultWeightGrams = defaultGrams,
        }));

    private static ShippingRequest Request(long merchandise, params ShippingLine[] lines) => new("USD", lines, merchandise, null);

    [Fact]
    public void A_regional_rule_wins_over_the_country_rule_which_wins_over_the_default()
    {
        var tax = Tax(3m, Rule("US", null, 5m), Rule("US", "TX", 8.25m), Rule("CA", "ON", 13m));

        Assert.Equal(new TaxRate(8.25m, "US-TX"), tax.RateFor(new Destination("US", "TX")));
        Assert.Equal(new TaxRate(8.25m, "US-TX"), tax.RateFor(new Destination("us", "tx")));
        Assert.Equal(new TaxRate(5m, "US"), tax.RateFor(new Destination("US", "OR")));
        Assert.Equal(new TaxRate(5m, "US"), tax.RateFor(new Destination("US", null)));
        Assert.Equal(new TaxRate(3m, "default"), tax.RateFor(new Destination("CA", "QC")));
        Assert.Equal(new TaxRate(3m, "default"), tax.RateFor(new Destination("DE", null)));
    }

    [Fact]
    public void Tax_options_refuse_bad_rules_and_duplicates()
    {
        var options = new TaxOptions { Rates = [Rule("us", null, 5m), Rule("US", "TX", 101m), Rule("US", "TX", 6m), Rule("US", "tx", 7m)] };

        var errors = options.Validate(new System.ComponentModel.DataAnnotations.ValidationContext(options)).Select(e => e.ErrorMessage).ToList();

        Assert.Contains(errors, e => e!.StartsWith("Tax:Rates:0", StringComparison.Ordinal));
        Assert.Contains(errors, e => e!.StartsWith("Tax:Rates:1", StringComparison.Ordinal));
        Assert.Contains(errors, e => e!.Contains("more than once", StringComparison.Ordinal));
    }

    [Fact]
    public void Shipping_is_flat_plus_each_started_kilogram()
    {
        var quote = Shipping(flat: 5m, perKg: 1.5m).Quote(Request(1000, new ShippingLine(400, 2, false), new ShippingLine(201, 1, false)));

        Assert.Equal(2, quote.BilledKilograms); // 1,001 g
        Assert.Equal(500 + 2 * 150, quote.AmountMinor);
        Assert.False(quote.FreeShipping);
    }

    [Fact]
    public void Exactly_one_kilogram_bills_one()
    {
        Assert.Equal(1, Shipping().Quote(Request(1, new ShippingLine(250, 4, false))).BilledKilograms);
    }

    [Fact]
    public void Parts_without_a_weight_count_the_default_weight()
    {
        var quote = Shipping(defaultGrams: 2500).Quote(Request(1, new ShippingLine(null, 2, false)));

        Assert.Equal(5, quote.BilledKilograms);
        Assert.Equal(500 + 500, quote.AmountMinor);
    }

    [Fact]
    public void An_empty_cart_ships_for_nothing()
    {
        var quote = Shipping().Quote(Request(0));

        Assert.Equal((0L, 0, false), (quote.AmountMinor, quote.BilledKilograms, quote.RequiresHazmat));
    }

    [Fact]
    public void Merchandise_at_the_threshold_ships_free_and_below_it_does_not()
    {
        var calculator = Shipping(free: 100m);

        Assert.Equal(0, calculator.Quote(Request(10000, new ShippingLine(3000, 1, false))).AmountMinor);
        Assert.True(calculator.Quote(Request(10000, new ShippingLine(3000, 1, false))).FreeShipping);
        Assert.Equal(800, calculator.Quote(Request(9999, new ShippingLine(3000, 1, false))).AmountMinor);
    }

    [Fact]
    public void Hazmat_lines_flag_the_quote_and_add_the_surcharge_even_when_shipping_is_free()
    {
        var calculator = Shipping(free: 50m, hazmat: 12.5m);

        var paid = calculator.Quote(Request(100, new ShippingLine(1000, 1, true)));
        var free = calculator.Quote(Request(5000, new ShippingLine(1000, 1, true), new ShippingLine(1000, 1, false)));

        Assert.True(paid.RequiresHazmat);
        Assert.Equal(500 + 100 + 1250, paid.AmountMinor);
        Assert.Equal(1250, free.AmountMinor);
    }

    [Fact]
    public void A_cart_in_another_currency_than_the_shipping_rates_is_refused()
    {
        Assert.Throws<CurrencyMismatchException>(() =>
            Shipping().Quote(new ShippingRequest("EUR", [new ShippingLine(100, 1, false)], 100, null)));
    }
}
