using System.ComponentModel.DataAnnotations;
using System.Globalization;
using Axle.Api.Platform.Data;
using Axle.Api.Platform.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Axle.Api.Features.Catalog;

/// <summary><c>GET /api/v1/parts/{id}</c>: everything a product page shows about one part.</summary>
internal static class GetPart
{
    /// <summary>
    /// Fitment entries (after collapsing years) a part's detail lists at most; <c>fitmentCount</c> says how many there are.
    /// A part that fits more vehicles is found from the vehicle's side: <c>GET /api/v1/parts?make=&amp;model=&amp;year=</c>.
    /// </summary>
    public const int MaxFitments = 200;
    public sealed record CategoryRef(string Name, string Slug, string? Parent);

    public sealed record Dimensions(int? LengthMm, int? WidthMm, int? HeightMm);

    public sealed record AttributeItem(string Name, string Value, AttributeType Type, string? Unit);

    public sealed record ImageItem(string Url, string? Alt);

    public sealed record DocumentItem(string Title, DocumentType Type, string Url, long? SizeBytes);

    public sealed record FitmentItem(
        int YearFrom, int YearTo, string Make, string Model, string? Submodel, string? Engine, string? Position, int Quantity, string? Notes);

    public sealed record InterchangeItem(string Number, string? Brand, InterchangeKind Kind);

    public sealed record PartRef(long Id, string PartNumber);

    /// <param name="Replaces">The old numbers this part supersedes: the part's own list, at most 100 (part writes replace it whole and are held to that).</param>
    public sealed record SupersessionInfo([property: MaxLength(PartRules.MaxItems)] IReadOnlyList<string> Replaces, PartRef? ReplacedBy);

    /// <param name="Fitments">The vehicles the part fits, consecutive years collapsed, at most 200 (by make, model, newest first).</param>
    /// <param name="FitmentCount">How many fitment entries the part has; more than listed when it fits more than 200.</param>
    public sealed record Response(
        long Id, string Sku, string PartNumber, string Brand, CategoryRef Category, string Name, string? Description,
        SearchParts.Money Price, SearchParts.Money CoreCharge, bool Hazmat, int? WeightGrams, Dimensions Dimensions,
        PartStatus Status, [property: MaxLength(PartRules.MaxItems)] IReadOnlyList<AttributeItem> Attributes, [property: MaxLength(PartRules.MaxItems)] IReadOnlyList<ImageItem> Images,
        [property: MaxLength(PartRules.MaxItems)] IReadOnlyList<DocumentItem> Documents,
        [property: MaxLength(MaxFitments)] IReadOnlyList<FitmentItem> Fitments, int FitmentCount,
        [property: MaxLength(PartRules.MaxItems)] IReadOnlyList<InterchangeItem> Interchange,
        SupersessionInfo Supersession, int AvailableQuantity);

    public static async Task<Results<Ok<Response>, NotModifiedResult, ProblemHttpResult>> Handle(
        string id, HttpContext http, AppDbContext db, CancellationToken ct)
    {
        // The id is bound as text: "abc" or an overflowing number is a part that does not exist, not a framework 400.
        if (!long.TryParse(id, NumberStyles.None, CultureInfo.InvariantCulture, out var partId))
        {
            return Problems.NotFound("No part has this id.");
        }

        var part = await db.Set<Part>().AsNoTracking().AsSplitQuery()
            .Include(p => p.Brand).Include(p => p.Category).Include(p => p.Attributes).Include(p => p.Images).Include(p => p.Documents)
            .FirstOrDefaultAsync(p => p.Id == partId, ct);
        if (part is null)
        {
            return Problems.NotFound("No part has this id.");
        }

        http.Response.Headers.CacheControl = CatalogCache.CacheControl;
        if (Conditional.CheckIfNoneMatch(http, ETags.From(part.Version)) is { } notModified)
        {
            return notModified;
        }

        var parentName = part.Category!.ParentId is { } parentId
            ? await db.Set<Category>().Where(c => c.Id == parentId).Select(c => c.Name).FirstOrDefaultAsync(ct)
            : null;

        var fitments = await db.Set<Fitment>().AsNoTracking()
            .Where(f => f.PartId == partId)
            .Join(db.Set<Vehicle>(), f => f.VehicleId, v => v.Id, (f, v) => new FitmentRow(
                v.Year, v.Make, v.Model, v.Submodel, v.Engine, f.Position, f.Quantity, f.Notes))
            .ToListAsync(ct);

        var interchange = await db.Set<Interchange>().AsNoTracking()
            .Where(i => i.PartId == partId)
            .OrderBy(i => i.Kind == InterchangeKind.Oem ? 0 : 1).ThenBy(i => i.Number)
            .Select(i => new InterchangeItem(i.Number, i.BrandName, i.Kind))
            .ToListAsync(ct);

        var replaces = await db.Set<Supersession>().AsNoTracking()
            .Where(s => s.NewPartId == partId)
            .OrderBy(s => s.OldNumber)
            .Select(s => s.OldNumber)
            .Take(PartRules.MaxItems)
            .ToListAsync(ct);

        var replacedBy = await db.Set<Supersession>().AsNoTracking()
            .Where(s => s.OldPartId == partId)
            .OrderByDescending(s => s.EffectiveOn).ThenByDescending(s => s.Id)
            .Join(db.Set<Part>(), s => s.NewPartId, p => p.Id, (s, p) => new PartRef(p.Id, p.PartNumber))
            .FirstOrDefaultAsync(ct);

        var collapsed = CollapseYears(fitments);
        var available = await CatalogStock.AvailableAsync(db, [partId], ct);
        CatalogCache.TagParts(http, [partId]);

        return TypedResults.Ok(new Response(
            part.Id,
            part.Sku,
            part.PartNumber,
            part.Brand!.Name,
            new CategoryRef(part.Category.Name, part.Category.Slug, parentName),
            part.Name,
            part.Description,
            new SearchParts.Money(Prices.ToAmount(part.PriceMinor), part.Currency),
            new SearchParts.Money(Prices.ToAmount(part.CoreChargeMinor), part.Currency),
            part.Hazmat,
            part.WeightGrams,
            new Dimensions(part.LengthMm, part.WidthMm, part.HeightMm),
            part.Status,
            [.. part.Attributes.OrderBy(a => a.Id).Select(a => new AttributeItem(a.Name, a.Value, a.Type, a.Unit))],
            [.. part.Images.OrderBy(i => i.SortOrder).ThenBy(i => i.Id).Select(i => new ImageItem(i.Url, i.Alt))],
            [.. part.Documents.OrderBy(d => d.Id).Select(d => new DocumentItem(d.Title, d.Type, d.Url, d.SizeBytes))],
            [.. collapsed.Take(MaxFitments)],
            collapsed.Count,
            interchange,
            new SupersessionInfo(replaces, replacedBy),
            available.GetValueOrDefault(partId)));
    }

    internal sealed record FitmentRow(
        int Year, string Make, string Model, string? Submodel, string? Engine, string? Position, int Quantity, string? Notes);

    /// <summary>
    /// One entry per run of consecutive model years with the same make, model, submodel, engine, position, quantity and
    /// notes: 2018, 2019, 2020 and 2022 become 2018-2020 and 2022-2022.
    /// </summary>
    internal static List<FitmentItem> CollapseYears(IEnumerable<FitmentRow> rows)
    {
        var result = new List<FitmentItem>();
        var ordered = rows
            .OrderBy(r => r.Make, StringComparer.Ordinal).ThenBy(r => r.Model, StringComparer.Ordinal)
            .ThenBy(r => r.Submodel, StringComparer.Ordinal).ThenBy(r => r.Engine, StringComparer.Ordinal)
            .ThenBy(r => r.Position, StringComparer.Ordinal).ThenBy(r => r.Quantity).ThenBy(r => r.Notes, StringComparer.Ordinal)
            .ThenBy(r => r.Year);
        foreach (var row in ordered)
        {
            if (result.Count > 0 && result[^1] is var last
                && last.Make == row.Make && last.Model == row.Model && last.Submodel == row.Submodel && last.Engine == row.Engine
                && last.Position == row.Position && last.Quantity == row.Quantity && last.Notes == row.Notes
                && row.Year <= last.YearTo + 1)
            {
                result[^1] = last with { YearTo = Math.Max(last.YearTo, row.Year) };
                continue;
            }

            result.Add(new FitmentItem(row.Year, row.Year, row.Make, row.Model, row.Submodel, row.Engine, row.Position, row.Quantity, row.Notes));
        }

        // Newest vehicles first within a make and model reads best on a product page.
        return [.. result.OrderBy(f => f.Make, StringComparer.Ordinal).ThenBy(f => f.Model, StringComparer.Ordinal).ThenByDescending(f => f.YearTo)
            .ThenBy(f => f.Engine, StringComparer.Ordinal).ThenBy(f => f.Position, StringComparer.Ordinal)];
    }
}
