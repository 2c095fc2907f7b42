using Axle.Api.Features.Promotions;

namespace Axle.UnitTests.Promotions;

public sealed class PromotionRulesTests
{
    private static readonly DateTime Now = new(2026, 6, 1, 12, 0, 0, DateTimeKind.Utc);
    private static readonly PromotionCustomer Anyone = new(false, 0);

    private static PromotionFacts Percent(decimal p, long min = 0) => Facts(PromotionKind.Percent, p, null, min);

    private static PromotionFacts Fixed(long amount, long min = 0) => Facts(PromotionKind.Fixed, null, amount, min);

    private static PromotionFacts Facts(PromotionKind kind, decimal? percent, long? amount, long min) =>
        new(kind, percent, amount, "USD", min, null, null, null, 0, null, new HashSet<int>(), new HashSet<int>(), false, true);

    private static PromotionLine Line(long total, int brand = 1, int category = 10) => new(1, brand, category, total);

    private static PromotionDecision Decide(PromotionFacts? facts, IReadOnlyList<PromotionLine> lines, PromotionCustomer? customer = null,
        DateTime? at = null) => PromotionRules.Decide(facts, lines, "USD", customer ?? Anyone, at ?? Now);

    [Theory]
    [InlineData(10, 1999, 200)] // 199.9 → 200
    [InlineData(15, 1010, 152)] // 151.5 → 152: half away from zero
    [InlineData(12.5, 1004, 126)] // 125.5 → 126
    [InlineData(12.5, 1003, 125)] // 125.375 → 125
    [InlineData(100, 4321, 4321)]
    public void A_percentage_is_rounded_half_away_from_zero_on_the_eligible_subtotal(decimal percent, long subtotal, long expected)
    {
        var decision = Decide(Percent(percent), [Line(subtotal)]);

        Assert.True(decision.Applies);
        Assert.Equal(expected, decision.DiscountMinor);
    }

    [Fact]
    public void A_fixed_amount_is_clamped_to_the_eligible_subtotal()
    {
        Assert.Equal(500, Decide(Fixed(500), [Line(2000)]).DiscountMinor);
        Assert.Equal(300, Decide(Fixed(500), [Line(300)]).DiscountMinor);
    }

    [Fact]
    public void Discounts_are_never_negative()
    {
        Assert.Equal(0, PromotionRules.Discount(PromotionKind.Fixed, null, -100, 1000));
        Assert.Equal(0, PromotionRules.Discount(PromotionKind.Percent, -5m, null, 1000));
        Assert.Equal(0, PromotionRules.Discount(PromotionKind.Percent, 50m, null, 0));
    }

    [Fact]
    public void Only_lines_of_the_restricted_brands_and_categories_count_toward_discount_and_minimum()
    {
        var facts = Percent(10, min: 1500) with { BrandIds = new HashSet<int> { 1 }, CategoryIds = new HashSet<int> { 10, 11 } };
        var eligible = Line(1000, brand: 1, category: 10);
        var otherBrand = Line(5000, brand: 2, category: 10);
        var otherCategory = Line(5000, brand: 1, category: 12);

        Assert.Equal(PromotionRefusals.MinimumNotMet, Decide(facts, [eligible, otherBrand, otherCategory]).Refusal);
        var decision = Decide(facts, [eligible, Line(600, brand: 1, category: 11), otherBrand]);
        Assert.Equal((1600L, 160L), (decision.EligibleSubtotalMinor, decision.DiscountMinor));
        Assert.Equal(PromotionRefusals.NotApplicable, Decide(facts, [otherBrand, otherCategory]).Refusal);
    }

    [Fact]
    public void The_minimum_is_inclusive()
    {
        Assert.True(Decide(Fixed(100, min: 1000), [Line(1000)]).Applies);
        Assert.Equal(PromotionRefusals.MinimumNotMet, Decide(Fixed(100, min: 1000), [Line(999)]).Refusal);
    }

    [Fact]
    public void The_window_includes_its_start_and_excludes_its_end()
    {
        var facts = Percent(10) with { StartsAt = Now, EndsAt = Now.AddDays(1) };

        Assert.True(Decide(facts, [Line(1000)]).Applies);
        Assert.Equal(PromotionRefusals.NotStarted, Decide(facts, [Line(1000)], at: Now.AddTicks(-1)).Refusal);
        Assert.Equal(PromotionRefusals.Expired, Decide(facts, [Line(1000)], at: Now.AddDays(1)).Refusal);
    }

    [Fact]
    public void Each_refusal_has_its_stable_code()
    {
        var lines = new[] { Line(1000) };

        Assert.Equal(PromotionRefusals.NotFound, Decide(null, lines).Refusal);
        Assert.Equal(PromotionRefusals.Inactive, Decide(Percent(10) with { Active = false }, lines).Refusal);
        Assert.Equal(PromotionRefusals.NotAssigned, Decide(Percent(10) with { Personalized = true }, lines).Refusal);
        Assert.True(Decide(Percent(10) with { Personalized = true }, lines, new PromotionCustomer(true, 0)).Applies);
        Assert.Equal(PromotionRefusals.Exhausted, Decide(Percent(10) with { MaxRedemptions = 3, RedemptionCount = 3 }, lines).Refusal);
        Assert.True(Decide(Percent(10) with { MaxRedemptions = 3, RedemptionCount = 2 }, lines).Applies);
        Assert.Equal(PromotionRefusals.CustomerLimit, Decide(Percent(10) with { MaxPerCustomer = 1 }, lines, new PromotionCustomer(false, 1)).Refusal);
        Assert.Equal(PromotionRefusals.NotApplicable, Decide(Fixed(100) with { Currency = "EUR" }, lines).Refusal);
        Assert.Equal(PromotionRefusals.NotApplicable, Decide(Percent(10), []).Refusal);
    }

    [Fact]
    public void A_refusal_takes_nothing_off()
    {
        var decision = Decide(Percent(10) with { Active = false }, [Line(1000)]);

        Assert.False(decision.Applies);
        Assert.Equal((0L, 0L), (decision.DiscountMinor, decision.EligibleSubtotalMinor));
    }
}
