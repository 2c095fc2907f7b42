using System.Globalization;
using Axle.Api.Platform.Data;
using Axle.Api.Platform.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace Axle.Api.Features.Inventory;

/// <summary><c>GET /api/v1/inventory/{sku}/movements</c>: the SKU's ledger, newest first.</summary>
internal static class ListMovements
{
    public const string CursorPurpose = "stock-movements";

    public sealed record Query(
        [FromQuery(Name = "warehouseId")] long? WarehouseId,
        [FromQuery(Name = "limit")] string? Limit,
        [FromQuery(Name = "cursor")] string? Cursor);

    public sealed record Reference(MovementReference Type, string Id);

    public sealed record Item(
        long Id, long WarehouseId, int DeltaOnHand, int DeltaReserved, MovementReason Reason, string Actor,
        Reference Reference, string? Note, DateTime OccurredAt);

    public static async Task<Results<Ok<Page<Item>>, ProblemHttpResult>> Handle(
        string sku, [AsParameters] Query query, HttpContext http, AppDbContext db, CursorCodec cursors, CancellationToken ct)
    {
        if (await InventoryLookups.PartAsync(db, sku, ct) is not { } part)
        {
            return InventoryProblems.UnknownSku(sku);
        }

        var fingerprint = Pagination.Fingerprint("occurredAt desc,id desc",
            ("sku", part.Sku), ("warehouseId", query.WarehouseId?.ToString(CultureInfo.InvariantCulture)));
        if (!cursors.TryOpen<SeekKey<long>>(CursorPurpose, fingerprint, query.Limit, query.Cursor, out var page, out var problem))
        {
            return problem;
        }

        var movements = db.Set<StockMovement>().AsNoTracking().Where(m => m.PartId == part.Id);
        if (query.WarehouseId is { } warehouseId)
        {
            movements = movements.Where(m => m.WarehouseId == warehouseId);
        }

        var rows = await movements
            .NewestFirst(m => m.OccurredAt, m => m.Id, page.After)
            .Select(m => new Item(m.Id, m.WarehouseId, m.DeltaOnHand, m.DeltaReserved, m.Reason, m.Actor,
                new Reference(m.ReferenceType, m.ReferenceId), m.Note, m.OccurredAt))
            .ToPageAsync(page, m => new SeekKey<long>(m.OccurredAt, m.Id), ct);
        return http.PageResult(rows);
    }
}
