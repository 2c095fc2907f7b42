using Axle.Api.Features.Pricing;

namespace Axle.UnitTests.Pricing;

public sealed class PriceCalculatorTests
{
    private static PriceLine Line(long unit, int quantity, long core = 0, string currency = "USD") => new(unit, quantity, core, currency);

    private static PriceBreakdown Calc(IReadOnlyList<PriceLine> lines, long discount = 0, decimal rate = 0m, long shipping = 0) =>
        PriceCalculator.Calculate(new PriceInput("USD", lines, discount, rate, shipping));

    [Fact]
    public void An_empty_cart_costs_nothing_but_its_shipping()
    {
        var price = Calc([], rate: 8.25m, shipping: 0);

        Assert.Equal((0L, 0L, 0L, 0L, 0L, 0L), (price.Subtotal, price.Discount, price.Tax, price.Shipping, price.CoreCharges, price.Total));
        Assert.Empty(price.LineTotals);
    }

    [Fact]
    public void Totals_add_lines_tax_shipping_and_core_charges()
    {
        var price = Calc([Line(1999, 2), Line(15000, 1, core: 2500)], rate: 10m, shipping: 700);

        Assert.Equal([3998L, 15000L], price.LineTotals);
        Assert.Equal(18998, price.Subtotal);
        Assert.Equal(1900, price.Tax); // 1899.8 → 1900
        Assert.Equal(700, price.Shipping);
        Assert.Equal(2500, price.CoreCharges);
        Assert.Equal(18998 + 1900 + 700 + 2500, price.Total);
    }

    [Theory]
    [InlineData(50, 10, 5)]      // 5.0 exactly
    [InlineData(5, 10, 1)]       // 0.5 → 1: half goes away from zero
    [InlineData(15, 10, 2)]      // 1.5 → 2
    [InlineData(25, 10, 3)]      // 2.5 → 3 (banker's rounding would give 2)
    [InlineData(4, 10, 0)]       // 0.4 → 0
    [InlineData(6, 10, 1)]       // 0.6 → 1
    [InlineData(1000, 8.25, 83)] // 82.5 → 83
    [InlineData(999, 8.875, 89)] // 88.66125 → 89
    [InlineData(1, 49.99, 0)]    // 0.4999 → 0
    [InlineData(1, 50, 1)]       // 0.5 → 1
    public void Tax_is_rounded_half_away_from_zero_to_the_cent(long taxable, decimal rate, long expected)
    {
        Assert.Equal(expected, PriceCalculator.TaxOn(taxable, rate));
        Assert.Equal(expected, Calc([Line(taxable, 1)], rate: rate).Tax);
    }

    [Fact]
    public void Tax_is_computed_once_on_the_total_not_per_line()
    {
        // Three lines of 0.05 at 10 %: per line 0.005 would round to 0.01 each (0.03); on the total 0.015 → 0.02.
        var price = Calc([Line(5, 1), Line(5, 1), Line(5, 1)], rate: 10m);

        Assert.Equal(2, price.Tax);
    }

    [Fact]
    public void Tax_is_charged_on_the_subtotal_after_discount_and_never_on_shipping_or_core_charges()
    {
        var price = Calc([Line(10000, 1, core: 5000)], discount: 2000, rate: 10m, shipping: 1000);

        Assert.Equal(800, price.Tax);
        Assert.Equal(10000 - 2000 + 800 + 1000 + 5000, price.Total);
    }

    [Fact]
    public void A_discount_larger_than_the_subtotal_is_clamped_to_it()
    {
        var price = Calc([Line(1500, 2)], discount: 99999, rate: 20m, shipping: 500);

        Assert.Equal(3000, price.Discount);
        Assert.Equal(0, price.Tax);
        Assert.Equal(500, price.Total);
    }

    [Fact]
    public void A_discount_on_an_empty_cart_is_zero()
    {
        Assert.Equal(0, Calc([], discount: 500).Discount);
    }

    [Fact]
    public void Large_quantities_and_prices_add_up_exactly_without_overflow()
    {
        // 50 lines of 99 × 10,000,000.00 (the catalog's maximum price) at 100 %: far beyond int, well within long.
        var lines = Enumerable.Range(0, 50).Select(_ => Line(1_000_000_000, 99, core: 1_000_000_000)).ToList();

        var price = Calc(lines, rate: 100m, shipping: 1);

        Assert.Equal(4_950_000_000_000L, price.Subtotal);
        Assert.Equal(4_950_000_000_000L, price.Tax);
        Assert.Equal(4_950_000_000_000L, price.CoreCharges);
        Assert.Equal(3 * 4_950_000_000_000L + 1, price.Total);
    }

    [Fact]
    public void Amounts_beyond_a_long_throw_instead_of_wrapping()
    {
        Assert.Throws<OverflowException>(() => Calc([Line(long.MaxValue / 2, 3)]));
        Assert.Throws<OverflowException>(() => Calc([Line(long.MaxValue / 2, 1), Line(long.MaxValue / 2, 1), Line(10, 1)]));
    }

    [Fact]
    public void A_line_in_another_currency_is_refused()
    {
        var ex = Assert.Throws<CurrencyMismatchException>(() => Calc([Line(100, 1), Line(100, 1, currency: "EUR")]));

        Assert.Equal(("USD", "EUR"), (ex.Expected, ex.Actual));
    }

    [Theory]
    [InlineData(-1, 0, 0)]
    [InlineData(0, -0.01, 0)]
    [InlineData(0, 100.01, 0)]
    [InlineData(0, 0, -1)]
    public void Negative_discounts_shipping_or_rates_outside_0_to_100_are_refused(long discount, decimal rate, long shipping)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Calc([Line(100, 1)], discount, rate, shipping));
    }

    [Fact]
    public void Negative_prices_or_quantities_are_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Calc([Line(-1, 1)]));
        Assert.Throws<ArgumentOutOfRangeException>(() => Calc([Line(1, -1)]));
        Assert.Throws<ArgumentOutOfRangeException>(() => Calc([Line(1, 1, core: -1)]));
    }

    [Fact]
    public void Zero_quantity_and_zero_price_lines_contribute_nothing()
    {
        var price = Calc([Line(0, 5), Line(1234, 0, core: 100)], rate: 10m);

        Assert.Equal([0L, 0L], price.LineTotals);
        Assert.Equal(0, price.Total);
    }

    [Fact]
    public void Subtotal_matches_the_calculation()
    {
        PriceLine[] lines = [Line(1999, 3), Line(1, 99)];

        Assert.Equal(Calc(lines).Subtotal, PriceCalculator.Subtotal(lines));
    }

    [Theory]
    [InlineData(0, 0)]
    [InlineData(12.34, 1234)]
    [InlineData(0.01, 1)]
    [InlineData(10000000, 1_000_000_000)]
    public void Minor_units_round_trip(decimal amount, long minor)
    {
        Assert.Equal(minor, MinorUnits.FromAmount(amount));
        Assert.Equal(amount, MinorUnits.ToAmount(minor));
    }

    [Fact]
    public void An_amount_with_more_than_two_places_is_refused_not_rounded()
    {
        Assert.Throws<ArgumentException>(() => MinorUnits.FromAmount(1.005m));
    }
}
