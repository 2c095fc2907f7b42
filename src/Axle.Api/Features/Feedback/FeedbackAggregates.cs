using System.ComponentModel.DataAnnotations;
using Axle.Api.Features.Catalog;
using Axle.Api.Platform.Data;
using Axle.Api.Platform.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Axle.Api.Features.Feedback;

/// <summary>
/// <c>GET /api/v1/admin/feedback?partId=&amp;brand=</c> (staff): ratings and fit answers per part and per brand, with the
/// order ratings overall. Counts and averages only: no user ids, names or comments (a comment can identify its writer,
/// so comments stay out of the aggregates). <c>brand</c> is a brand id or name; the part and brand lists are the 100 most
/// rated, and <c>partCount</c> and <c>brandCount</c> say how many were rated.
/// </summary>
internal static class FeedbackAggregates
{
    public const int MaxParts = 100;
    public const int MaxBrands = 100;

    public sealed record FitCounts(int Yes, int No, int Unsure);

    public sealed record PartSummary(long PartId, string Sku, string Name, int BrandId, string Brand, int Count, double AverageRating, FitCounts Fit);

    public sealed record BrandSummary(int BrandId, string Brand, int Count, double AverageRating, FitCounts Fit);

    public sealed record OrderSummary(int Count, double? AverageRating);

    /// <param name="Parts">The 100 most rated parts.</param>
    /// <param name="Brands">The 100 most rated brands.</param>
    /// <param name="PartCount">Parts with feedback (under the filters); more than listed when over 100.</param>
    /// <param name="BrandCount">Brands with feedback (under the filters); more than listed when over 100.</param>
    public sealed record Response(
        OrderSummary Orders, [property: MaxLength(MaxParts)] IReadOnlyList<PartSummary> Parts,
        [property: MaxLength(MaxBrands)] IReadOnlyList<BrandSummary> Brands, int PartCount, int BrandCount);

    private sealed record Row(long Key, int Count, double Average, int Yes, int No, int Unsure);

    public static async Task<Results<Ok<Response>, ValidationProblem>> Handle(long? partId, string? brand, AppDbContext db, CancellationToken ct)
    {
        var items = db.Set<FeedbackItem>().AsNoTracking();
        if (partId is { } p)
        {
            items = items.Where(i => i.PartId == p);
        }

        if (!string.IsNullOrWhiteSpace(brand))
        {
            var name = brand.Trim().ToLowerInvariant();
            var brandIds = int.TryParse(brand, out var id)
                ? [id]
                : await db.Set<Brand>().Where(b => b.Name.ToLower() == name).Select(b => b.Id).ToListAsync(ct);
            if (brandIds.Count == 0)
            {
                return Problems.Validation("brand", "No such brand.");
            }

            items = items.Where(i => brandIds.Contains(i.BrandId));
        }

        var perPart = await items.GroupBy(i => i.PartId)
            .OrderByDescending(g => g.Count()).ThenBy(g => g.Key)
            .Select(g => new Row(g.Key, g.Count(), g.Average(i => (double)i.Rating), g.Count(i => i.Fit == FitAnswer.Yes),
                g.Count(i => i.Fit == FitAnswer.No), g.Count(i => i.Fit == FitAnswer.Unsure))).Take(MaxParts).ToListAsync(ct);
        var perBrand = await items.GroupBy(i => i.BrandId)
            .OrderByDescending(g => g.Count()).ThenBy(g => g.Key)
            .Select(g => new Row(g.Key, g.Count(), g.Average(i => (double)i.Rating), g.Count(i => i.Fit == FitAnswer.Yes),
                g.Count(i => i.Fit == FitAnswer.No), g.Count(i => i.Fit == FitAnswer.Unsure))).Take(MaxBrands).ToListAsync(ct);
        var partCount = perPart.Count < MaxParts ? perPart.Count : await items.Select(i => i.PartId).Distinct().CountAsync(ct);
        var brandCount = perBrand.Count < MaxBrands ? perBrand.Count : await items.Select(i => i.BrandId).Distinct().CountAsync(ct);

        var partIds = perPart.Select(r => r.Key).ToList();
        var parts = await db.Set<Part>().AsNoTracking().Where(x => partIds.Contains(x.Id))
            .Select(x => new { x.Id, x.Sku, x.Name, x.BrandId }).ToDictionaryAsync(x => x.Id, ct);
        var brandKeys = perBrand.Select(r => (int)r.Key).Concat(parts.Values.Select(x => x.BrandId)).Distinct().ToList();
        var brands = await db.Set<Brand>().AsNoTracking().Where(b => brandKeys.Contains(b.Id)).ToDictionaryAsync(b => b.Id, b => b.Name, ct);

        var ratings = db.Set<OrderFeedback>().AsNoTracking();
        var orders = new OrderSummary(await ratings.CountAsync(ct), await ratings.AverageAsync(f => (double?)f.Rating, ct) is { } average
            ? Math.Round(average, 2)
            : null);
        return TypedResults.Ok(new Response(
            orders,
            [.. perPart.Where(r => parts.ContainsKey(r.Key)).Select(r => new PartSummary(
                r.Key, parts[r.Key].Sku, parts[r.Key].Name, parts[r.Key].BrandId, brands.GetValueOrDefault(parts[r.Key].BrandId, ""),
                r.Count, Math.Round(r.Average, 2), new FitCounts(r.Yes, r.No, r.Unsure)))],
            [.. perBrand.Select(r => new BrandSummary(
                (int)r.Key, brands.GetValueOrDefault((int)r.Key, ""), r.Count, Math.Round(r.Average, 2), new FitCounts(r.Yes, r.No, r.Unsure)))],
            partCount,
            brandCount));
    }
}

/// <summary><c>GET /api/v1/admin/fitment-reviews</c> (catalog manager, admin): fitments reported not to fit, most reported first.</summary>
internal static class ListFitmentReviews
{
    public sealed record Item(long Id, long? FitmentId, long PartId, string Sku, string Vehicle, int NoCount, DateTime FirstReportedAt, DateTime LastReportedAt);

    public sealed record Response(IReadOnlyList<Item> Items, string? NextCursor);

    public static async Task<Results<Ok<Response>, ValidationProblem>> Handle(long? partId, int? limit, AppDbContext db, CancellationToken ct)
    {
        if (limit < 0)
        {
            return Problems.Validation("limit", "limit cannot be negative.");
        }

        var reviews = db.Set<FitmentReview>().AsNoTracking();
        if (partId is { } p)
        {
            reviews = reviews.Where(r => r.PartId == p);
        }

        var take = limit is null or 0 ? 25 : Math.Min(limit.Value, 100);
        var items = await reviews.OrderByDescending(r => r.NoCount).ThenByDescending(r => r.LastReportedAt).ThenBy(r => r.Id).Take(take)
            .Select(r => new Item(r.Id, r.FitmentId, r.PartId, db.Set<Part>().Where(x => x.Id == r.PartId).Select(x => x.Sku).First(),
                r.Vehicle, r.NoCount, r.FirstReportedAt, r.LastReportedAt))
            .ToListAsync(ct);
        return TypedResults.Ok(new Response(items, null));
    }
}
