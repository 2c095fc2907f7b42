using Axle.Api.Features.Catalog;
using Axle.Api.Features.Pricing;
using Axle.Api.Platform.Data;
using Microsoft.EntityFrameworkCore;

namespace Axle.Api.Features.Carts;

/// <summary>
/// In-stock replacements for a short part: parts that supersede it (the old number or old part id points at them) and
/// interchangeable parts (its interchange numbers are their part numbers, they list the same interchange number, or they
/// list its own part number). Active parts with stock only, most available first.
/// </summary>
internal static class CartAlternatives
{
    public const string Supersedes = "supersedes";
    public const string Interchange = "interchange";

    public static async Task<IReadOnlyList<PartAlternative>> FindAsync(AppDbContext db, long partId, int limit, CancellationToken ct)
    {
        if (limit == 0
            || await db.Set<Part>().AsNoTracking().Where(p => p.Id == partId).Select(p => p.NormalizedPartNumber).FirstOrDefaultAsync(ct)
                is not { } number)
        {
            return [];
        }

        var superseding = await db.Set<Supersession>().AsNoTracking()
            .Where(s => s.OldPartId == partId || s.NormalizedOldNumber == number)
            .Select(s => s.NewPartId).Distinct().ToListAsync(ct);
        var myNumbers = db.Set<Interchange>().Where(i => i.PartId == partId).Select(i => i.NormalizedNumber);
        var byNumber = await db.Set<Part>().AsNoTracking().Where(p => myNumbers.Contains(p.NormalizedPartNumber))
            .Select(p => p.Id).ToListAsync(ct);
        var byShared = await db.Set<Interchange>().AsNoTracking()
            .Where(i => myNumbers.Contains(i.NormalizedNumber) || i.NormalizedNumber == number)
            .Select(i => i.PartId).Distinct().ToListAsync(ct);

        var candidates = superseding.Concat(byNumber).Concat(byShared).Where(id => id != partId).Distinct().ToList();
        if (candidates.Count == 0)
        {
            return [];
        }

        var available = await CatalogStock.AvailableAsync(db, candidates, ct);
        var inStock = candidates.Where(id => available[id] > 0).ToList();
        var parts = await db.Set<Part>().AsNoTracking()
            .Where(p => inStock.Contains(p.Id) && p.Status == PartStatus.Active)
            .Select(p => new { p.Id, p.Sku, p.PartNumber, Brand = p.Brand!.Name, p.Name, p.PriceMinor, p.Currency })
            .ToListAsync(ct);
        return [.. parts
            .OrderByDescending(p => available[p.Id]).ThenBy(p => p.Id)
            .Take(limit)
            .Select(p => new PartAlternative(p.Id, p.Sku, p.PartNumber, p.Brand, p.Name, Money.FromMinor(p.PriceMinor, p.Currency),
                available[p.Id], superseding.Contains(p.Id) ? Supersedes : Interchange))];
    }
}
