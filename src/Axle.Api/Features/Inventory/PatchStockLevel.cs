using System.ComponentModel.DataAnnotations;
using Axle.Api.Features.Audit;
using Axle.Api.Platform.Data;
using Axle.Api.Platform.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Axle.Api.Features.Inventory;

/// <summary><c>PATCH /api/v1/inventory/{sku}/warehouses/{warehouseId}</c>: the level's reorder policy, never its quantities.</summary>
internal static class PatchStockLevel
{
    public const int MaxQuantity = 1_000_000;

    public sealed record Request(
        [property: Range(0, MaxQuantity)] int? ReorderPoint,
        [property: Range(0, MaxQuantity)] int? ReorderQuantity);

    public static async Task<Results<Ok<StockLevelResponse>, ValidationProblem, ProblemHttpResult>> Handle(
        string sku, long warehouseId, Request request, HttpContext http, AppDbContext db, AuditTrail audit, TimeProvider time,
        CancellationToken ct)
    {
        if (request.ReorderPoint is null && request.ReorderQuantity is null)
        {
            return Problems.Validation("", "Send reorderPoint, reorderQuantity or both.");
        }

        if (await GetStockLevel.FindAsync(db, sku, warehouseId, ct) is not { } level)
        {
            return GetStockLevel.NotFound();
        }

        if (Conditional.RequireIfMatch(http, ETags.From(level.Version)) is { } failure)
        {
            return failure;
        }

        var point = request.ReorderPoint ?? level.ReorderPoint;
        var quantity = request.ReorderQuantity ?? level.ReorderQuantity;
        var now = time.GetUtcNow().UtcDateTime;
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        // Conditional on the version the client saw: a stock change in between makes this a 412, not a lost update.
        var updated = await db.Set<StockLevel>()
            .Where(l => l.Id == level.LevelId && l.Version == level.Version)
            .ExecuteUpdateAsync(s => s
                .SetProperty(l => l.ReorderPoint, point)
                .SetProperty(l => l.ReorderQuantity, quantity)
                .SetProperty(l => l.Version, l => l.Version + 1)
                .SetProperty(l => l.UpdatedAt, now), ct);
        if (updated == 0)
        {
            return Problems.Create(StatusCodes.Status412PreconditionFailed, "precondition_failed", "Precondition failed",
                "The stock level changed while this request ran. GET it again for the current ETag and retry.");
        }

        var after = await StockLedger.ReadAsync(db, level.LevelId, ct);
        // Raising the reorder point to or above available is the same news as stock falling to it.
        if (level.Available > level.ReorderPoint && after.Available <= after.ReorderPoint)
        {
            StockLedger.AddLowStock(db, after, now);
        }

        audit.Record(db, "inventory.reorder_policy_set", $"stock-level/{level.LevelId}",
            details: new { level.Sku, level.WarehouseId, reorderPoint = point, reorderQuantity = quantity });
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);

        Conditional.SetETag(http, ETags.From(after.Version));
        return TypedResults.Ok(StockLevelResponse.From(after));
    }
}
