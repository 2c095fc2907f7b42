using System.ComponentModel.DataAnnotations;
using System.Text.RegularExpressions;
using Axle.Api.Features.Catalog;
using Axle.Api.Features.Pricing;
using Axle.Api.Platform.Data;
using Axle.Api.Platform.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Axle.Api.Features.Promotions;

/// <summary>A money amount as clients send it: a decimal with at most 2 places and an ISO 4217 currency.</summary>
public sealed record PromotionMoney(decimal? Amount, string? Currency);

/// <summary>
/// The body of a create (<c>POST</c>) and a replacement (<c>PUT</c>): every term of the promotion. The code is set on
/// create and never changes (a PUT may repeat it).
/// </summary>
public sealed record PromotionRequest(
    string? Code,
    string? Name,
    string? Description,
    string? Kind,
    decimal? PercentOff,
    PromotionMoney? AmountOff,
    PromotionMoney? MinSubtotal,
    DateTime? StartsAt,
    DateTime? EndsAt,
    int? MaxRedemptions,
    int? MaxPerCustomer,
    [property: MaxLength(Promotion.MaxScopeIds)] int[]? BrandIds,
    [property: MaxLength(Promotion.MaxScopeIds)] int[]? CategoryIds,
    bool? Personalized,
    bool? Active);

public sealed record PromotionResponse(
    Guid Id,
    string Code,
    string Name,
    string? Description,
    string Kind,
    decimal? PercentOff,
    Money? AmountOff,
    Money MinSubtotal,
    DateTime? StartsAt,
    DateTime? EndsAt,
    int? MaxRedemptions,
    int RedemptionCount,
    int? MaxPerCustomer,
    [property: MaxLength(Promotion.MaxScopeIds)] IReadOnlyList<int> BrandIds,
    [property: MaxLength(Promotion.MaxScopeIds)] IReadOnlyList<int> CategoryIds,
    bool Personalized,
    bool Active,
    long Version,
    DateTime CreatedAt,
    DateTime UpdatedAt)
{
    internal static PromotionResponse From(Promotion p) => new(
        p.Id, p.Code, p.Name, p.Description, KindName(p.Kind), p.PercentOff,
        p.AmountOffMinor is { } off ? Money.FromMinor(off, p.Currency) : null,
        Money.FromMinor(p.MinSubtotalMinor, p.Currency),
        p.StartsAt, p.EndsAt, p.MaxRedemptions, p.RedemptionCount, p.MaxPerCustomer, p.BrandIds, p.CategoryIds, p.Personalized,
        p.Active, p.Version, p.CreatedAt, p.UpdatedAt);

    public static string KindName(PromotionKind kind) => kind == PromotionKind.Percent ? "percent" : "fixed";
}

/// <summary>Turns a request into <see cref="PromotionTerms"/>, or every field error at once (a 400 with <c>errors</c>).</summary>
internal static partial class PromotionValidation
{
    public const int MaxRestrictions = 100;

    [GeneratedRegex("^[A-Z0-9][A-Z0-9_-]{2,31}$")]
    private static partial Regex CodePattern();

    public static bool IsValidCode(string? code) => code is not null && CodePattern().IsMatch(Promotion.NormalizeCode(code));

    public static async Task<(PromotionTerms? Terms, Dictionary<string, string[]> Errors)> ValidateAsync(
        AppDbContext db, PromotionRequest request, string currency, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        void Add(string field, string message) => errors[field] = [message];

        var name = request.Name?.Trim();
        if (string.IsNullOrEmpty(name) || name.Length > Promotion.NameMaxLength)
        {
            Add("name", $"A name of 1-{Promotion.NameMaxLength} characters is required.");
        }

        var description = string.IsNullOrWhiteSpace(request.Description) ? null : request.Description.Trim();
        if (description?.Length > Promotion.DescriptionMaxLength)
        {
            Add("description", $"At most {Promotion.DescriptionMaxLength} characters.");
        }

        PromotionKind? kind = request.Kind?.Trim().ToLowerInvariant() switch
        {
            "percent" => PromotionKind.Percent,
            "fixed" => PromotionKind.Fixed,
            _ => null,
        };
        long? amountOff = null;
        if (kind is null)
        {
            Add("kind", "The kind is 'percent' or 'fixed'.");
        }
        else if (kind == PromotionKind.Percent)
        {
            if (request.PercentOff is not { } p || p <= 0 || p > 100 || decimal.Round(p, 2) != p)
            {
                Add("percentOff", "A percent kind needs percentOff above 0 and at most 100, with at most 2 decimal places.");
            }

            if (request.AmountOff is not null)
            {
                Add("amountOff", "A percent promotion has no amountOff.");
            }
        }
        else
        {
            amountOff = Minor(request.AmountOff, "amountOff", currency, Add, required: true);
            if (amountOff is <= 0)
            {
                Add("amountOff", "A fixed discount is above 0.");
            }

            if (request.PercentOff is not null)
            {
                Add("percentOff", "A fixed promotion has no percentOff.");
            }
        }

        var minimum = Minor(request.MinSubtotal, "minSubtotal", currency, Add, required: false) ?? 0;
        var starts = Utc(request.StartsAt);
        var ends = Utc(request.EndsAt);
        if (starts is { } s && ends is { } e && e <= s)
        {
            Add("endsAt", "endsAt must be after startsAt.");
        }

        if (request.MaxRedemptions is < 1)
        {
            Add("maxRedemptions", "At least 1 (or omit it for no limit).");
        }

        if (request.MaxPerCustomer is < 1)
        {
            Add("maxPerCustomer", "At least 1 (or omit it for no limit).");
        }

        var brands = await CheckIdsAsync(request.BrandIds, "brandIds", ids => db.Set<Brand>().Where(b => ids.Contains(b.Id)).Select(b => b.Id), Add, ct);
        var categories = await CheckIdsAsync(
            request.CategoryIds, "categoryIds", ids => db.Set<Category>().Where(c => ids.Contains(c.Id)).Select(c => c.Id), Add, ct);

        if (errors.Count > 0)
        {
            return (null, errors);
        }

        return (new PromotionTerms(name!, description, kind!.Value, kind == PromotionKind.Percent ? request.PercentOff : null, amountOff,
            currency, minimum, starts, ends, request.MaxRedemptions, request.MaxPerCustomer, brands, categories,
            request.Personalized ?? false, request.Active ?? true), errors);
    }

    /// <summary>A money amount in the store's currency as minor units; null (with a field error when invalid) otherwise.</summary>
    private static long? Minor(PromotionMoney? money, string field, string currency, Action<string, string> add, bool required)
    {
        if (money is null)
        {
            if (required)
            {
                add(field, "An amount and currency are required.");
            }

            return null;
        }

        if (!string.Equals(money.Currency?.Trim().ToUpperInvariant(), currency, StringComparison.Ordinal))
        {
            add(field + ".currency", $"Promotions are in the store's currency, {currency}.");
            return null;
        }

        if (money.Amount is not { } amount || amount < 0 || amount > 1_000_000_000m || decimal.Round(amount, 2) != amount)
        {
            add(field + ".amount", "A non-negative amount with at most 2 decimal places is required.");
            return null;
        }

        return MinorUnits.FromAmount(amount);
    }

    private static async Task<IReadOnlyList<int>> CheckIdsAsync(
        int[]? ids, string field, Func<int[], IQueryable<int>> existing, Action<string, string> add, CancellationToken ct)
    {
        if (ids is null || ids.Length == 0)
        {
            return [];
        }

        var distinct = ids.Distinct().ToArray();
        if (distinct.Length > MaxRestrictions)
        {
            add(field, $"At most {MaxRestrictions} ids.");
            return [];
        }

        var found = await existing(distinct).ToListAsync(ct);
        var missing = distinct.Except(found).ToList();
        if (missing.Count > 0)
        {
            add(field, $"Unknown ids: {string.Join(", ", missing)}.");
        }

        return distinct;
    }

    /// <summary>Times without an offset are taken as UTC, as the API's timestamps always are.</summary>
    private static DateTime? Utc(DateTime? value) => value switch
    {
        null => null,
        { Kind: DateTimeKind.Utc } v => v,
        { Kind: DateTimeKind.Local } v => v.ToUniversalTime(),
        { } v => DateTime.SpecifyKind(v, DateTimeKind.Utc),
    };
}

/// <summary>The promotions' expected failures, each with a stable code.</summary>
internal static class PromotionProblems
{
    public static ProblemHttpResult NotFound() => Problems.NotFound("No promotion has this id.");

    public static ProblemHttpResult CodeTaken(string code) =>
        Problems.Conflict("promotion_code_taken", "Promotion code taken", $"Another promotion already has the code {code}.");

    /// <summary>A code that cannot be applied: 400 with the refusal's stable code.</summary>
    public static ProblemHttpResult Refused(string code, string refusal) =>
        Problems.Create(StatusCodes.Status400BadRequest, refusal, "Promotion not applicable",
            $"{PromotionRefusals.Describe(refusal)} ({code})", new Dictionary<string, object?> { ["promotionCode"] = code });

    public static ProblemHttpResult Changed() =>
        Problems.Create(StatusCodes.Status412PreconditionFailed, "precondition_failed", "Precondition failed",
            "The promotion changed while this request ran. GET it again for the current ETag and retry.");
}
