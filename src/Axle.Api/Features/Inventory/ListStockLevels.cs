using System.Globalization;
using Axle.Api.Features.Catalog;
using Axle.Api.Platform.Data;
using Axle.Api.Platform.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace Axle.Api.Features.Inventory;

/// <summary><c>GET /api/v1/inventory</c>: levels by id, e.g. the ones to restock.</summary>
internal static class ListStockLevels
{
    public const string CursorPurpose = "stock-levels";

    public sealed record Query(
        [FromQuery(Name = "warehouseId")] long? WarehouseId,
        [FromQuery(Name = "belowReorderPoint")] bool? BelowReorderPoint,
        [FromQuery(Name = "updatedSince")] string? UpdatedSince,
        [FromQuery(Name = "limit")] string? Limit,
        [FromQuery(Name = "cursor")] string? Cursor);

    public sealed record Item(
        long Id, string Sku, long PartId, long WarehouseId, string WarehouseCode, int OnHand, int Reserved, int Available,
        int ReorderPoint, int ReorderQuantity, int OnOrder, int SuggestedPurchaseQuantity, DateTime UpdatedAt);

    public static async Task<Results<Ok<Page<Item>>, ValidationProblem, ProblemHttpResult>> Handle(
        [AsParameters] Query query, HttpContext http, AppDbContext db, CursorCodec cursors, CancellationToken ct)
    {
        DateTime? since = null;
        if (!string.IsNullOrEmpty(query.UpdatedSince))
        {
            if (!DateTimeOffset.TryParse(query.UpdatedSince, CultureInfo.InvariantCulture,
                    DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var parsed))
            {
                return Problems.Validation("updatedSince", "updatedSince must be an ISO 8601 date or date-time, e.g. 2025-01-31T12:00:00Z.");
            }

            since = parsed.UtcDateTime;
        }

        var below = query.BelowReorderPoint == true;
        var fingerprint = Pagination.Fingerprint("id asc",
            ("warehouseId", query.WarehouseId?.ToString(CultureInfo.InvariantCulture)), ("below", below ? "true" : null),
            ("updatedSince", since?.ToString("O", CultureInfo.InvariantCulture)));
        if (!cursors.TryOpen<long>(CursorPurpose, fingerprint, query.Limit, query.Cursor, out var page, out var problem))
        {
            return problem;
        }

        var levels = db.Set<StockLevel>().AsNoTracking();
        if (query.WarehouseId is { } warehouseId)
        {
            levels = levels.Where(l => l.WarehouseId == warehouseId);
        }

        if (below)
        {
            levels = levels.Where(l => l.OnHand - l.Reserved <= l.ReorderPoint);
        }

        if (since is { } from)
        {
            levels = levels.Where(l => l.UpdatedAt >= from);
        }

        if (page.After is { } after)
        {
            levels = levels.Where(l => l.Id > after);
        }

        var rows = await levels.OrderBy(l => l.Id)
            .Select(l => new Item(
                l.Id, db.Set<Part>().Where(p => p.Id == l.PartId).Select(p => p.Sku).First(), l.PartId, l.WarehouseId,
                l.Warehouse!.Code, l.OnHand, l.Reserved, l.OnHand - l.Reserved, l.ReorderPoint, l.ReorderQuantity,
                // Still to arrive on open purchase orders into this warehouse: already ordered, so not suggested again.
                db.Set<PurchaseOrderLine>()
                    .Where(pl => pl.PartId == l.PartId)
                    .Join(db.Set<PurchaseOrder>().Where(po => po.WarehouseId == l.WarehouseId
                            && (po.Status == PurchaseOrderStatus.Open || po.Status == PurchaseOrderStatus.PartiallyReceived)),
                        pl => pl.PurchaseOrderId, po => po.Id, (pl, po) => pl.Quantity - pl.ReceivedQuantity)
                    .Sum(),
                0, l.UpdatedAt))
            .ToPageAsync(page, i => i.Id, ct);
        return http.PageResult(rows.Select(i => i with
        {
            SuggestedPurchaseQuantity = StockLevel.SuggestedPurchase(i.Available, i.ReorderPoint, i.ReorderQuantity, i.OnOrder),
        }));
    }
}
