namespace Axle.Api.Features.Promotions;

/// <summary>One cart or order line as a promotion sees it: what it is (brand, category) and what it costs in minor units.</summary>
public sealed record PromotionLine(long PartId, int BrandId, int CategoryId, long LineTotalMinor);

/// <summary>
/// What a decision needs to know about a promotion. <see cref="CategoryIds"/> is already expanded to the restricted
/// categories and all their descendants; empty brand or category sets mean "no restriction".
/// </summary>
public sealed record PromotionFacts(
    PromotionKind Kind,
    decimal? PercentOff,
    long? AmountOffMinor,
    string Currency,
    long MinSubtotalMinor,
    DateTime? StartsAt,
    DateTime? EndsAt,
    int? MaxRedemptions,
    int RedemptionCount,
    int? MaxPerCustomer,
    IReadOnlySet<int> BrandIds,
    IReadOnlySet<int> CategoryIds,
    bool Personalized,
    bool Active);

/// <summary>The customer's standing with one promotion: whether it is assigned to them and how many uses they hold.</summary>
public sealed record PromotionCustomer(bool Assigned, int Uses);

/// <summary>A decision: the discount in minor units (0 when refused) or the refusal's stable code.</summary>
public sealed record PromotionDecision(long DiscountMinor, long EligibleSubtotalMinor, string? Refusal)
{
    public bool Applies => Refusal is null;

    public static PromotionDecision Refused(string code) => new(0, 0, code);
}

/// <summary>The stable codes of a refused promotion (the problem <c>code</c> and the cart's <c>promotion.reason</c>).</summary>
public static class PromotionRefusals
{
    public const string NotFound = "promotion_not_found";
    public const string Inactive = "promotion_inactive";
    public const string NotAssigned = "promotion_not_assigned";
    public const string NotStarted = "promotion_not_started";
    public const string Expired = "promotion_expired";
    public const string Exhausted = "promotion_exhausted";
    public const string CustomerLimit = "promotion_customer_limit";
    public const string NotApplicable = "promotion_not_applicable";
    public const string MinimumNotMet = "promotion_minimum_not_met";

    public static string Describe(string code) => code switch
    {
        NotFound => "No promotion has this code.",
        Inactive => "This promotion is no longer offered.",
        NotAssigned => "This promotion is not offered to this customer.",
        NotStarted => "This promotion has not started yet.",
        Expired => "This promotion has expired.",
        Exhausted => "This promotion has been used up.",
        CustomerLimit => "This customer has already used this promotion as often as it allows.",
        NotApplicable => "No line of the cart is eligible for this promotion.",
        MinimumNotMet => "The eligible lines do not reach this promotion's minimum subtotal.",
        _ => "The promotion does not apply.",
    };
}

/// <summary>
/// Whether a promotion applies to a set of lines for a customer at a time, and how much it takes off. Checks run in a
/// fixed order so one situation always gets one code: existence, active, assignment (personalized only), start, end,
/// global limit, customer limit, eligible lines, minimum.
/// <list type="bullet">
/// <item>A line is eligible when its brand is in the brand set (or there is none) and its category is in the category
/// set (or there is none): with both restrictions a line must satisfy both.</item>
/// <item>The minimum is measured on the eligible subtotal, not the whole cart.</item>
/// <item>Percent: eligible subtotal × p / 100, rounded half away from zero. Fixed: the amount, at most the eligible
/// subtotal. Never negative. A fixed amount in another currency than the lines' is not applicable.</item>
/// <item>The window is [StartsAt, EndsAt): a promotion ending at 12:00 no longer applies at 12:00.</item>
/// </list>
/// </summary>
public static class PromotionRules
{
    public static PromotionDecision Decide(
        PromotionFacts? promotion, IReadOnlyList<PromotionLine> lines, string currency, PromotionCustomer customer, DateTime now)
    {
        ArgumentNullException.ThrowIfNull(lines);
        if (promotion is null)
        {
            return PromotionDecision.Refused(PromotionRefusals.NotFound);
        }

        var refusal = promotion switch
        {
            { Active: false } => PromotionRefusals.Inactive,
            { Personalized: true } when !customer.Assigned => PromotionRefusals.NotAssigned,
            { StartsAt: { } starts } when now < starts => PromotionRefusals.NotStarted,
            { EndsAt: { } ends } when now >= ends => PromotionRefusals.Expired,
            { MaxRedemptions: { } max } when promotion.RedemptionCount >= max => PromotionRefusals.Exhausted,
            { MaxPerCustomer: { } perCustomer } when customer.Uses >= perCustomer => PromotionRefusals.CustomerLimit,
            _ when !string.Equals(promotion.Currency, currency, StringComparison.Ordinal) => PromotionRefusals.NotApplicable,
            _ => null,
        };
        if (refusal is not null)
        {
            return PromotionDecision.Refused(refusal);
        }

        var eligible = lines.Where(l => IsEligible(promotion, l)).ToList();
        if (eligible.Count == 0)
        {
            return PromotionDecision.Refused(PromotionRefusals.NotApplicable);
        }

        var subtotal = eligible.Aggregate(0L, (sum, l) => checked(sum + Math.Max(0, l.LineTotalMinor)));
        if (subtotal < promotion.MinSubtotalMinor)
        {
            return PromotionDecision.Refused(PromotionRefusals.MinimumNotMet);
        }

        return new PromotionDecision(Discount(promotion.Kind, promotion.PercentOff, promotion.AmountOffMinor, subtotal), subtotal, null);
    }

    public static bool IsEligible(PromotionFacts promotion, PromotionLine line) =>
        (promotion.BrandIds.Count == 0 || promotion.BrandIds.Contains(line.BrandId))
        && (promotion.CategoryIds.Count == 0 || promotion.CategoryIds.Contains(line.CategoryId));

    /// <summary>The discount on an eligible subtotal, within [0, subtotal].</summary>
    public static long Discount(PromotionKind kind, decimal? percentOff, long? amountOffMinor, long eligibleSubtotalMinor)
    {
        if (eligibleSubtotalMinor <= 0)
        {
            return 0;
        }

        var raw = kind switch
        {
            // decimal keeps long.MaxValue × 100 exact; the result is at most the subtotal, so the cast cannot overflow.
            PromotionKind.Percent => (long)decimal.Round((decimal)eligibleSubtotalMinor * Math.Clamp(percentOff ?? 0m, 0m, 100m) / 100m, 0,
                MidpointRounding.AwayFromZero),
            _ => amountOffMinor ?? 0,
        };
        return Math.Clamp(raw, 0, eligibleSubtotalMinor);
    }
}
