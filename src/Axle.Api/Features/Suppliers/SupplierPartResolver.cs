using Axle.Api.Features.Catalog;
using Axle.Api.Platform.Data;
using Microsoft.EntityFrameworkCore;

namespace Axle.Api.Features.Suppliers;

/// <summary>
/// Turns a supplier's part numbers into Axle parts: first through the supplier's own part list (<see cref="SupplierPart"/>),
/// then by matching — a number equal (after normalisation) to exactly one part's SKU, manufacturer part number or
/// interchange number is recorded as a <see cref="SupplierPartSource.Matched"/> entry so the next record finds it directly.
/// A number that matches nothing, or several parts, stays unresolved (the record is dead-lettered as unknown_part).
/// A number that <em>is</em> the part's SKU (exactly, as the part stores it) is not recorded: no entry already means "their
/// number is our SKU" to everything that turns parts back into their numbers (orders to the supplier, the priority pass),
/// and a first full pull of a supplier that quotes our SKUs would otherwise write one entry per record (a row, three index
/// entries and two foreign-key checks each) to say nothing new.
/// </summary>
internal static class SupplierPartResolver
{
    /// <summary>Normalised supplier number → part id, for the numbers that resolve.</summary>
    public static async Task<Dictionary<string, long>> ResolveAsync(
        AppDbContext db, long supplierId, IReadOnlyCollection<string> rawNumbers, DateTime now, CancellationToken ct)
    {
        var byNormalized = rawNumbers
            .Select(n => (Raw: n, Normalized: PartNumbers.Normalize(n)))
            .Where(n => n.Normalized.Length > 0)
            .GroupBy(n => n.Normalized)
            .ToDictionary(g => g.Key, g => g.First().Raw);
        var result = new Dictionary<string, long>(byNormalized.Count);
        if (byNormalized.Count == 0)
        {
            return result;
        }

        var keys = byNormalized.Keys.ToList();
        foreach (var known in await db.Set<SupplierPart>().AsNoTracking()
                     .Where(p => p.SupplierId == supplierId && keys.Contains(p.NormalizedNumber))
                     .Select(p => new { p.NormalizedNumber, p.PartId })
                     .ToListAsync(ct))
        {
            result[known.NormalizedNumber] = known.PartId;
        }

        var unknown = keys.Where(k => !result.ContainsKey(k)).ToList();
        if (unknown.Count == 0)
        {
            return result;
        }

        // One round trip for the three ways a number can name a part. Every number is normalised here (the SKU is stored as
        // is; normalising an already normalised number changes nothing).
        var rawUnknown = unknown.Select(k => byNormalized[k]).ToList();
        var candidates = (await db.Set<Part>().AsNoTracking()
                .Where(p => unknown.Contains(p.NormalizedPartNumber))
                .Select(p => new { Number = p.NormalizedPartNumber, PartId = p.Id, IsSku = false })
                .Concat(db.Set<Part>().AsNoTracking()
                    .Where(p => rawUnknown.Contains(p.Sku))
                    .Select(p => new { Number = p.Sku, PartId = p.Id, IsSku = true }))
                .Concat(db.Set<Interchange>().AsNoTracking()
                    .Where(i => unknown.Contains(i.NormalizedNumber))
                    .Select(i => new { Number = i.NormalizedNumber, i.PartId, IsSku = false }))
                .ToListAsync(ct))
            .Select(c => (Normalized: PartNumbers.Normalize(c.Number), c.PartId, Sku: c.IsSku ? c.Number : null));

        var matched = new List<SupplierPart>();
        foreach (var match in candidates.GroupBy(c => c.Normalized))
        {
            var parts = match.Select(m => m.PartId).Distinct().ToList();
            if (parts.Count != 1 || !byNormalized.TryGetValue(match.Key, out var raw))
            {
                // Ambiguous: staff must say which part the supplier means.
                continue;
            }

            result[match.Key] = parts[0];
            if (match.Any(m => string.Equals(m.Sku, raw, StringComparison.Ordinal)))
            {
                continue;
            }

            matched.Add(new SupplierPart(supplierId, raw.Length <= SupplierPart.NumberMaxLength ? raw : match.Key, parts[0], SupplierPartSource.Matched, now));
        }

        // A first full pull matches the supplier's whole catalog, thousands per page.
        await BulkInsert.AddAsync(db, matched, ct);
        return result;
    }
}
