using Axle.Api.Platform.Data;
using Axle.Api.Platform.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Axle.Api.Features.Catalog;

/// <summary>What create, replace and patch share: looking up brand and category, and writing a request onto a part.</summary>
internal static class PartWriter
{
    /// <summary>The category by slug or name; null when the catalog has no such category (the caller answers 400).</summary>
    public static Task<Category?> FindCategoryAsync(AppDbContext db, string category, CancellationToken ct)
    {
        var text = category.Trim();
        var slug = Slugs.From(text);
        return db.Set<Category>().OrderBy(c => c.Id).FirstOrDefaultAsync(c => c.Slug == slug || c.Name == text, ct);
    }

    /// <summary>The brand with this name (compared by slug), added to the context when it is new.</summary>
    public static async Task<Brand> FindOrAddBrandAsync(AppDbContext db, string name, CancellationToken ct)
    {
        var slug = Slugs.From(name);
        if (await db.Set<Brand>().FirstOrDefaultAsync(b => b.Slug == slug, ct) is { } brand)
        {
            return brand;
        }

        brand = new Brand(name.Trim());
        db.Add(brand);
        return brand;
    }

    public static ValidationProblem UnknownCategory(string category) =>
        Problems.Validation("category", $"No category has the slug or name '{category}'.");

    public static ProblemHttpResult SkuTaken(string sku) =>
        Problems.Conflict("sku_taken", "SKU taken", $"Another part already has the SKU {sku}.");

    /// <summary>After a unique violation (the transaction is rolled back): 409 sku_taken when the SKU is the cause.</summary>
    public static async Task<ProblemHttpResult> UniqueViolationAsync(AppDbContext db, string sku, CancellationToken ct)
    {
        db.ChangeTracker.Clear();
        return await db.Set<Part>().AnyAsync(p => p.Sku == sku, ct)
            ? SkuTaken(sku)
            : Problems.Conflict("concurrent_update", "Concurrent update",
                "Another request created the same brand or cross-reference at the same time. Retry the request.");
    }

    public static ProblemHttpResult ConcurrentUpdate() =>
        Problems.Create(StatusCodes.Status412PreconditionFailed, "precondition_failed", "Precondition failed",
            "The part was changed by another request at the same time. GET it again for the current ETag and retry.");

    /// <summary>Sets everything but cross-references from a validated request.</summary>
    public static void Apply(Part part, PartRequest request, Brand brand, Category category)
    {
        part.Revise(request.Sku!, request.PartNumber!.Trim(), brand.Id, category.Id, request.Name!.Trim(),
            PartRules.ToMinor(request.Price!.Amount!.Value), request.Price.Currency!);
        if (request.Status is { } status)
        {
            part.SetStatus(status);
        }

        part.Describe(
            string.IsNullOrWhiteSpace(request.Description) ? null : request.Description.Trim(),
            request.CoreCharge?.Amount is { } core ? PartRules.ToMinor(core) : 0,
            request.Hazmat ?? false,
            request.WeightGrams,
            request.Dimensions?.LengthMm,
            request.Dimensions?.WidthMm,
            request.Dimensions?.HeightMm);
        part.ClearContent();
        foreach (var a in request.Attributes ?? [])
        {
            part.AddAttribute(a.Name!.Trim(), a.Value!.Trim(), a.Type ?? AttributeType.Text, a.Unit?.Trim());
        }

        var order = 0;
        foreach (var image in request.Images ?? [])
        {
            part.AddImage(image.Url!, image.Alt?.Trim(), order++);
        }

        foreach (var d in request.Documents ?? [])
        {
            part.AddDocument(d.Url!, d.Title!.Trim(), d.Type ?? DocumentType.Other, d.SizeBytes);
        }
    }

    /// <summary>Replaces the part's interchange numbers and the old numbers it supersedes. The part must have an id.</summary>
    public static async Task ReplaceCrossReferencesAsync(AppDbContext db, Part part, PartRequest request, CancellationToken ct)
    {
        var oldInterchange = await db.Set<Interchange>().Where(x => x.PartId == part.Id).ToListAsync(ct);
        db.RemoveRange(oldInterchange);
        var oldSupersessions = await db.Set<Supersession>().Where(x => x.NewPartId == part.Id).ToListAsync(ct);
        db.RemoveRange(oldSupersessions);

        // Deleting and inserting rows with the same unique (part, number) key in one save is ordered by EF, but a
        // separate save keeps that independent of the provider's batching.
        await db.SaveChangesAsync(ct);

        foreach (var x in request.Interchange ?? [])
        {
            db.Add(new Interchange(part.Id, x.Number!.Trim(), string.IsNullOrWhiteSpace(x.Brand) ? null : x.Brand.Trim(), x.Kind!.Value));
        }

        var olds = (request.Supersedes ?? []).Select(o => o.Trim()).DistinctBy(PartNumbers.Normalize).ToList();
        if (olds.Count == 0)
        {
            return;
        }

        var normalized = olds.Select(PartNumbers.Normalize).ToList();
        var oldParts = await db.Set<Part>().AsNoTracking()
            .Where(p => p.Id != part.Id && normalized.Contains(p.NormalizedPartNumber))
            .Select(p => new { p.Id, p.NormalizedPartNumber })
            .ToListAsync(ct);
        foreach (var old in olds)
        {
            var oldPartId = oldParts.Where(p => p.NormalizedPartNumber == PartNumbers.Normalize(old)).Select(p => (long?)p.Id).Min();
            db.Add(new Supersession(old, oldPartId, part.Id, effectiveOn: null, note: null));
        }
    }
}
