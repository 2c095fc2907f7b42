using Axle.Api.Platform.Data;
using Axle.Api.Platform.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Axle.Api.Features.Inventory;

/// <summary><c>GET /api/v1/inventory/{sku}/warehouses/{warehouseId}</c>: one level, whose ETag a PATCH sends back.</summary>
internal static class GetStockLevel
{
    public static async Task<Results<Ok<StockLevelResponse>, NotModifiedResult, ProblemHttpResult>> Handle(
        string sku, long warehouseId, HttpContext http, AppDbContext db, CancellationToken ct)
    {
        if (await FindAsync(db, sku, warehouseId, ct) is not { } level)
        {
            return NotFound();
        }

        if (Conditional.CheckIfNoneMatch(http, ETags.From(level.Version)) is { } notModified)
        {
            return notModified;
        }

        return TypedResults.Ok(StockLevelResponse.From(level));
    }

    internal static async Task<LevelChange?> FindAsync(AppDbContext db, string sku, long warehouseId, CancellationToken ct)
    {
        var id = await db.Set<StockLevel>()
            .Where(l => l.WarehouseId == warehouseId && db.Set<Catalog.Part>().Any(p => p.Id == l.PartId && p.Sku == sku))
            .Select(l => (long?)l.Id)
            .FirstOrDefaultAsync(ct);
        return id is null ? null : await StockLedger.ReadAsync(db, id.Value, ct);
    }

    internal static ProblemHttpResult NotFound() =>
        Problems.NotFound("This SKU has no stock level in this warehouse (unknown SKU or warehouse, or never stocked there).");
}
