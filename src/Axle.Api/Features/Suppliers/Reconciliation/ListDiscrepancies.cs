using System.Globalization;
using Axle.Api.Features.Catalog;
using Axle.Api.Features.Inventory;
using Axle.Api.Features.Suppliers.Sync;
using Axle.Api.Platform.Data;
using Axle.Api.Platform.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace Axle.Api.Features.Suppliers.Reconciliation;

/// <summary>One level where Axle and the supplier disagree. Prices in minor units of the part's currency.</summary>
public sealed record DiscrepancyResponse(
    string Sku,
    long PartId,
    long WarehouseId,
    string WarehouseCode,
    DiscrepancyKind Kind,
    int Ours,
    int Theirs,
    int Difference,
    long? OurPriceMinor,
    long? TheirPriceMinor,
    DateTime? TheirUpdatedAt,
    DateTime Since,
    DateTime ReportedAt,
    Guid RunId,
    bool Corrected);

/// <summary>The last reconciliation (null before the first) and the discrepancies it left, a page at a time.</summary>
public sealed record DiscrepancyReport(SyncRunResponse? LastReconciliation, IReadOnlyList<DiscrepancyResponse> Items, string? NextCursor);

/// <summary>
/// <c>GET /api/v1/suppliers/{id}/discrepancies?warehouseId=&amp;kind=&amp;limit=&amp;cursor=</c> (admin): the result of the
/// supplier's reconciliations (what the last one left standing), newest first by <c>since</c>, cursor-paginated, with the
/// last reconciliation run itself.
/// </summary>
internal static class ListDiscrepancies
{
    public const string CursorPurpose = "supplier-discrepancies";

    public static async Task<Results<Ok<DiscrepancyReport>, ValidationProblem, ProblemHttpResult>> Handle(
        long id, [FromQuery(Name = "warehouseId")] long? warehouseId, [FromQuery(Name = "kind")] string? kind,
        [FromQuery(Name = "limit")] string? limit, [FromQuery(Name = "cursor")] string? cursor, HttpContext http,
        AppDbContext db, CursorCodec cursors, TimeProvider time, CancellationToken ct)
    {
        DiscrepancyKind? kindFilter = null;
        if (kind is not null)
        {
            if (!WireNames.TryParse<DiscrepancyKind>(kind, out var parsed))
            {
                return Problems.Validation("kind", "One of: " + WireNames.All<DiscrepancyKind>() + ".");
            }

            kindFilter = parsed;
        }

        var fingerprint = Pagination.Fingerprint("since desc",
            ("supplierId", id.ToString(CultureInfo.InvariantCulture)),
            ("warehouseId", warehouseId?.ToString(CultureInfo.InvariantCulture)),
            ("kind", kindFilter?.ToString()));
        if (!cursors.TryOpen<SeekKey<long>>(CursorPurpose, fingerprint, limit, cursor, out var page, out var problem))
        {
            return problem;
        }

        if (!await db.Set<Supplier>().AnyAsync(s => s.Id == id, ct))
        {
            return Problems.NotFound("No supplier has this id.");
        }

        var rows = db.Set<SupplierDiscrepancy>().AsNoTracking().Where(d => d.SupplierId == id);
        if (warehouseId is { } warehouse)
        {
            rows = rows.Where(d => d.WarehouseId == warehouse);
        }

        if (kindFilter is { } k)
        {
            rows = rows.Where(d => d.Kind == k);
        }

        var found = await rows.NewestFirst(d => d.Since, d => d.Id, page.After)
            .ToPageAsync(page, d => new SeekKey<long>(d.Since, d.Id), ct);
        var partIds = found.Items.Select(d => d.PartId).Distinct().ToList();
        var warehouseIds = found.Items.Select(d => d.WarehouseId).Distinct().ToList();
        var skus = await db.Set<Part>().AsNoTracking().Where(p => partIds.Contains(p.Id)).ToDictionaryAsync(p => p.Id, p => p.Sku, ct);
        var codes = await db.Set<Warehouse>().AsNoTracking().Where(w => warehouseIds.Contains(w.Id)).ToDictionaryAsync(w => w.Id, w => w.Code, ct);

        var lastRun = await db.Set<SyncRun>().AsNoTracking().Where(r => r.SupplierId == id && r.Mode == SyncMode.Reconcile)
            .OrderByDescending(r => r.CreatedAt).ThenByDescending(r => r.Id).FirstOrDefaultAsync(ct);
        var now = time.GetUtcNow().UtcDateTime;
        http.LinkNext(found.NextCursor);
        return TypedResults.Ok(new DiscrepancyReport(
            lastRun is null ? null : SyncRunResponse.From(lastRun, now),
            [.. found.Items.Select(d => new DiscrepancyResponse(
                skus.GetValueOrDefault(d.PartId, ""), d.PartId, d.WarehouseId, codes.GetValueOrDefault(d.WarehouseId, ""), d.Kind,
                d.Ours, d.Theirs, d.Difference, d.OurPriceMinor, d.TheirPriceMinor, d.TheirUpdatedAt, d.Since, d.ReportedAt, d.RunId,
                d.Corrected))],
            found.NextCursor));
    }
}
