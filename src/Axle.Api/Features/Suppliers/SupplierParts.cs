using System.ComponentModel.DataAnnotations;
using Axle.Api.Features.Audit;
using Axle.Api.Features.Catalog;
using Axle.Api.Platform.Data;
using Axle.Api.Platform.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace Axle.Api.Features.Suppliers;

/// <summary>
/// The supplier's part list: <c>GET /api/v1/suppliers/{id}/parts</c> and <c>POST</c> to add or repoint entries in bulk
/// (<c>{items: [{supplierPartNumber, sku}]}</c>, up to 1,000; an entry for a number already listed is repointed).
/// Entries Axle found itself by matching part numbers show <c>source: matched</c>.
/// </summary>
internal static class SupplierParts
{
    public const int MaxItems = 1000;
    public const string CursorPurpose = "supplier-parts";

    public sealed record Item(string? SupplierPartNumber, string? Sku);

    public sealed record Request([property: MaxLength(MaxItems)] IReadOnlyList<Item>? Items);

    public sealed record Entry(string SupplierPartNumber, long PartId, string Sku, SupplierPartSource Source, DateTime CreatedAt);

    public sealed record Result(int Added, int Repointed, int Unchanged);

    public sealed record Query([FromQuery(Name = "limit")] string? Limit, [FromQuery(Name = "cursor")] string? Cursor);

    public static async Task<Results<Ok<Page<Entry>>, ProblemHttpResult>> List(
        long id, [AsParameters] Query query, HttpContext http, AppDbContext db, CursorCodec cursors, CancellationToken ct)
    {
        if (!await db.Set<Supplier>().AnyAsync(s => s.Id == id, ct))
        {
            return Problems.NotFound("No supplier has this id.");
        }

        if (!cursors.TryOpen<long>(CursorPurpose, Pagination.Fingerprint("id asc", ("supplier", id.ToString(System.Globalization.CultureInfo.InvariantCulture))),
                query.Limit, query.Cursor, out var page, out var problem))
        {
            return problem;
        }

        var entries = db.Set<SupplierPart>().AsNoTracking().Where(p => p.SupplierId == id);
        if (page.After is { } after)
        {
            entries = entries.Where(p => p.Id > after);
        }

        var rows = await entries.OrderBy(p => p.Id)
            .Join(db.Set<Part>(), sp => sp.PartId, p => p.Id, (sp, p) => new { sp.Id, sp.SupplierPartNumber, sp.PartId, p.Sku, sp.Source, sp.CreatedAt })
            .ToPageAsync(page, x => x.Id, ct);
        return http.PageResult(rows.Select(x => new Entry(x.SupplierPartNumber, x.PartId, x.Sku, x.Source, x.CreatedAt)));
    }

    public static async Task<Results<Ok<Result>, ValidationProblem, ProblemHttpResult>> Add(
        long id, Request request, AppDbContext db, AuditTrail audit, TimeProvider time, CancellationToken ct)
    {
        if (!await db.Set<Supplier>().AnyAsync(s => s.Id == id, ct))
        {
            return Problems.NotFound("No supplier has this id.");
        }

        if (request.Items is not { Count: > 0 and <= MaxItems } items)
        {
            return Problems.Validation("items", $"Between 1 and {MaxItems} entries.");
        }

        var errors = new Dictionary<string, string[]>();
        for (var i = 0; i < items.Count; i++)
        {
            if (items[i] is null)
            {
                errors[$"items[{i}]"] = ["An entry cannot be null."];
                continue;
            }

            if (items[i].SupplierPartNumber is not { Length: > 0 and <= SupplierPart.NumberMaxLength } number
                || PartNumbers.Normalize(number).Length == 0)
            {
                errors[$"items[{i}].supplierPartNumber"] = [$"A part number of 1-{SupplierPart.NumberMaxLength} characters with a letter or digit."];
            }

            if (string.IsNullOrWhiteSpace(items[i].Sku))
            {
                errors[$"items[{i}].sku"] = ["The SKU of the Axle part is required."];
            }
        }

        if (errors.Count > 0)
        {
            return Problems.Validation(errors);
        }

        var skus = items.Select(i => i.Sku!).Distinct().ToList();
        var parts = await db.Set<Part>().AsNoTracking().Where(p => skus.Contains(p.Sku)).ToDictionaryAsync(p => p.Sku, p => p.Id, ct);
        var unknown = skus.Where(s => !parts.ContainsKey(s)).ToList();
        if (unknown.Count > 0)
        {
            return Problems.Validation("items", $"No part has the SKU: {string.Join(", ", unknown.Take(10))}.");
        }

        var byNumber = items.GroupBy(i => PartNumbers.Normalize(i.SupplierPartNumber))
            .ToDictionary(g => g.Key, g => g.Last());
        var keys = byNumber.Keys.ToList();
        var existing = await db.Set<SupplierPart>().Where(p => p.SupplierId == id && keys.Contains(p.NormalizedNumber))
            .ToDictionaryAsync(p => p.NormalizedNumber, ct);
        var now = time.GetUtcNow().UtcDateTime;
        int added = 0, repointed = 0, unchanged = 0;
        foreach (var (normalized, item) in byNumber)
        {
            var partId = parts[item.Sku!];
            if (existing.TryGetValue(normalized, out var entry))
            {
                if (entry.PartId == partId && entry.Source == SupplierPartSource.Imported)
                {
                    unchanged++;
                    continue;
                }

                entry.PointTo(partId, SupplierPartSource.Imported);
                repointed++;
            }
            else
            {
                db.Add(new SupplierPart(id, item.SupplierPartNumber!.Trim(), partId, SupplierPartSource.Imported, now));
                added++;
            }
        }

        audit.Record(db, "suppliers.parts_imported", $"supplier/{id}", details: new { added, repointed });
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException e) when (DbErrors.IsUniqueViolation(e))
        {
            return Problems.Conflict("concurrent_change", "Part list changed", "The supplier's part list changed meanwhile; send it again.");
        }

        return TypedResults.Ok(new Result(added, repointed, unchanged));
    }
}
