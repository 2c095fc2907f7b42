using Axle.Api.Platform.Data;
using Microsoft.EntityFrameworkCore;

namespace Axle.Api.Features.Catalog.Imports;

/// <summary>
/// Upserts a batch of validated part rows by SKU inside the caller's transaction: brands are created when new,
/// categories must exist, a part and its children (attributes, images, documents, interchange numbers) change together.
/// A row without a SKU (PIES) updates the part of the same brand and part number, or gets
/// <see cref="DerivedSku"/>.
/// </summary>
internal sealed class PartUpserter(AppDbContext db, DateTime now) : IBatchApplier<ImportedPart>
{
    /// <summary>
    /// The SKU of a new part that arrives without one: the first four letters/digits of the brand, a dash and the
    /// normalized part number ("Bosch", "0 242 236 562" → "BOSC-0242236562"), cut to 64 characters.
    /// </summary>
    public static string DerivedSku(string brand, string partNumber)
    {
        var prefix = PartNumbers.Normalize(brand);
        var sku = prefix[..Math.Min(4, prefix.Length)] + "-" + PartNumbers.Normalize(partNumber);
        return sku.Length > 64 ? sku[..64] : sku;
    }

    public async Task ApplyAsync(IReadOnlyList<ImportRow<ImportedPart>> rows, ImportCounts counts, List<RowError> errors, CancellationToken ct)
    {
        var brandSlugs = rows.Select(r => Slugs.From(r.Value!.Brand)).Distinct().ToList();
        var brands = await db.Set<Brand>().Where(b => brandSlugs.Contains(b.Slug)).ToDictionaryAsync(b => b.Slug, ct);
        var categorySlugs = rows.Select(r => r.Value!.Category).OfType<string>().Select(Slugs.From).Distinct().ToList();
        var categories = await db.Set<Category>().Where(c => categorySlugs.Contains(c.Slug)).ToDictionaryAsync(c => c.Slug, c => c.Id, ct);

        var skus = rows.Select(r => r.Value!.Sku).OfType<string>().Distinct().ToList();
        var numbers = rows.Where(r => r.Value!.Sku is null).Select(r => PartNumbers.Normalize(r.Value!.PartNumber)).Distinct().ToList();
        // Two lookups rather than one OR, so each uses its index.
        var parts = await WithChildren().Where(p => skus.Contains(p.Sku)).ToListAsync(ct);
        if (numbers.Count > 0)
        {
            var loaded = parts.Select(p => p.Id).ToList();
            parts.AddRange(await WithChildren()
                .Where(p => numbers.Contains(p.NormalizedPartNumber) && !loaded.Contains(p.Id)).ToListAsync(ct));
        }

        var bySku = parts.ToDictionary(p => p.Sku, StringComparer.Ordinal);
        var ids = parts.Select(p => p.Id).ToList();
        var interchanges = (await db.Set<Interchange>().Where(i => ids.Contains(i.PartId)).ToListAsync(ct))
            .ToLookup(i => i.PartId);

        // First pass: reject rows that cannot apply before anything is written, so a rejected row creates no brand.
        var accepted = new List<(ImportRow<ImportedPart> Row, string Sku, int? CategoryId)>();
        foreach (var row in rows)
        {
            var value = row.Value!;
            var brandId = brands.TryGetValue(Slugs.From(value.Brand), out var known) ? known.Id : (int?)null;
            var sku = value.Sku
                ?? parts.FirstOrDefault(p => p.BrandId == brandId && p.NormalizedPartNumber == PartNumbers.Normalize(value.PartNumber))?.Sku
                ?? DerivedSku(value.Brand, value.PartNumber);
            int? categoryId = null;
            if (value.Category is not null)
            {
                if (!categories.TryGetValue(Slugs.From(value.Category), out var id))
                {
                    errors.Add(new RowError(row.Line, "category", $"Unknown category '{RawPart.Clip(value.Category)}'."));
                    counts.Rejected++;
                    continue;
                }

                categoryId = id;
            }
            else if (!bySku.ContainsKey(sku) && !accepted.Any(a => a.Sku == sku && a.CategoryId is not null))
            {
                errors.Add(new RowError(row.Line, "category", "A new part needs a category."));
                counts.Rejected++;
                continue;
            }

            accepted.Add((row, sku, categoryId));
        }

        await CreateBrandsAsync(brands, accepted.Select(a => a.Row.Value!.Brand), ct);

        var pending = new List<(Part Part, IReadOnlyList<string> Numbers)>();
        foreach (var (row, sku, categoryId) in accepted)
        {
            var value = row.Value!;
            var brandId = brands[Slugs.From(value.Brand)].Id;
            if (!bySku.TryGetValue(sku, out var part))
            {
                part = Part.FromImport(value with { Sku = sku }, brandId, categoryId!.Value, now);
                db.Add(part);
                bySku[sku] = part;
                if (value.Interchange is { Count: > 0 } numbersToAdd)
                {
                    pending.Add((part, numbersToAdd));
                }

                counts.Inserted++;
                continue;
            }

            var changed = part.ApplyImport(value, brandId, categoryId ?? part.CategoryId, now);
            if (value.Interchange is { } wanted && part.Id != 0 && SyncInterchange(part.Id, wanted, interchanges[part.Id].ToList()))
            {
                if (!changed)
                {
                    part.Touch(now);
                }

                changed = true;
            }

            if (changed)
            {
                counts.Updated++;
            }
            else
            {
                counts.Unchanged++;
            }
        }

        await db.SaveChangesAsync(ct);
        foreach (var (part, numbersToAdd) in pending)
        {
            db.AddRange(numbersToAdd.Select(n => new Interchange(part.Id, n, null, InterchangeKind.Aftermarket)));
        }

        await db.SaveChangesAsync(ct);
    }

    private IQueryable<Part> WithChildren() =>
        db.Set<Part>().Include(p => p.Attributes).Include(p => p.Images).Include(p => p.Documents).AsSplitQuery();

    /// <summary>Makes the part's interchange numbers the file's list; returns whether any changed.</summary>
    private bool SyncInterchange(long partId, IReadOnlyList<string> wanted, List<Interchange> existing)
    {
        var wantedKeys = wanted.Select(PartNumbers.Normalize).ToHashSet(StringComparer.Ordinal);
        var existingKeys = existing.Select(i => i.NormalizedNumber).ToHashSet(StringComparer.Ordinal);
        var remove = existing.Where(i => !wantedKeys.Contains(i.NormalizedNumber)).ToList();
        var add = wanted.Where(n => !existingKeys.Contains(PartNumbers.Normalize(n))).ToList();
        db.RemoveRange(remove);
        db.AddRange(add.Select(n => new Interchange(partId, n, null, InterchangeKind.Aftermarket)));
        return remove.Count + add.Count > 0;
    }

    private async Task CreateBrandsAsync(Dictionary<string, Brand> brands, IEnumerable<string> names, CancellationToken ct)
    {
        var created = names.GroupBy(Slugs.From).Where(g => !brands.ContainsKey(g.Key)).Select(g => new Brand(g.First())).ToList();
        if (created.Count == 0)
        {
            return;
        }

        db.AddRange(created);
        await db.SaveChangesAsync(ct);
        foreach (var brand in created)
        {
            brands[brand.Slug] = brand;
        }
    }
}
