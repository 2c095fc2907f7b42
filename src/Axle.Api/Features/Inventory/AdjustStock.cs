using System.ComponentModel.DataAnnotations;
using Axle.Api.Features.Audit;
using Axle.Api.Features.Catalog;
using Axle.Api.Platform.Data;
using Axle.Api.Platform.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.OutputCaching;

namespace Axle.Api.Features.Inventory;

/// <summary><c>POST /api/v1/inventory/adjustments</c>: a counted, found, damaged or corrected change of on-hand stock.</summary>
internal static class AdjustStock
{
    public const int MaxDelta = 1_000_000;

    public enum Reason
    {
        Received,
        Damaged,
        Lost,
        Found,
        CycleCount,
        ReturnRestock,
        Correction,
    }

    public sealed record Request(
        [property: Required, StringLength(64, MinimumLength = 1)] string? Sku,
        [property: Required] long? WarehouseId,
        [property: Required, Range(-MaxDelta, MaxDelta)] int? Delta,
        [property: Required] Reason? Reason,
        [property: StringLength(500)] string? Note);

    public sealed record Response(Guid AdjustmentId, Reason Reason, int Delta, StockLevelResponse Level);

    public static async Task<Results<Created<Response>, ValidationProblem, ProblemHttpResult>> Handle(
        Request request, HttpContext http, AppDbContext db, AuditTrail audit, IOutputCacheStore cache,
        IReservationShortfallListener shortfall, TimeProvider time, CancellationToken ct)
    {
        var delta = request.Delta!.Value;
        var reason = request.Reason!.Value;
        if (SignError(reason, delta) is { } signError)
        {
            return Problems.Validation("delta", signError);
        }

        var resolved = await InventoryLookups.ResolveAsync(db, request.Sku!, [("warehouseId", request.WarehouseId!.Value)], ct);
        if (resolved.Errors.Count > 0)
        {
            return Problems.Validation(resolved.Errors);
        }

        var (part, warehouse) = (resolved.Part!, resolved.Warehouses[0]!);
        var now = time.GetUtcNow().UtcDateTime;
        var levels = await StockLedger.EnsureLevelsAsync(db, [(part.Id, warehouse.Id)], now, ct);
        var adjustmentId = Guid.CreateVersion7(time.GetUtcNow());
        var entry = new LedgerEntry(ToMovementReason(reason), MovementReference.Adjustment, adjustmentId.ToString(),
            Actors.Of(http.User), request.Note?.Trim());

        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var freed = delta < 0 && ReservationShortfall.TakesReservedStock(reason)
            ? await ReservationShortfall.FreeAsync(db, shortfall, levels[(part.Id, warehouse.Id)], -delta, entry, now, ct)
            : 0;
        var level = await StockLedger.TryApplyAsync(db, levels[(part.Id, warehouse.Id)], delta, 0, entry, now, ct);
        if (level is null)
        {
            await transaction.RollbackAsync(ct);
            return InventoryProblems.InsufficientStock(part.Sku, -delta,
                await InventoryLookups.AvailableAsync(db, part.Id, warehouse.Id, ct));
        }

        audit.Record(db, "inventory.adjusted", $"stock-level/{level.LevelId}",
            details: new { part.Sku, warehouseId = warehouse.Id, delta, reason, adjustmentId, releasedFromReservations = freed });
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        await CatalogCache.StockChangedAsync(cache, [level.ForCatalog()], ct);

        return TypedResults.Created($"/api/v1/inventory/{Uri.EscapeDataString(part.Sku)}/warehouses/{warehouse.Id}",
            new Response(adjustmentId, reason, delta, StockLevelResponse.From(level)));
    }

    /// <summary>Receipts and finds add stock, damage and loss remove it; counts and corrections go either way. Zero changes nothing.</summary>
    internal static string? SignError(Reason reason, int delta) => (reason, delta) switch
    {
        (_, 0) => "delta cannot be 0.",
        (Reason.Received or Reason.Found or Reason.ReturnRestock, < 0) => $"delta must be positive for {Name(reason)}.",
        (Reason.Damaged or Reason.Lost, > 0) => $"delta must be negative for {Name(reason)}.",
        _ => null,
    };

    internal static MovementReason ToMovementReason(Reason reason) => reason switch
    {
        Reason.Received => MovementReason.Received,
        Reason.Damaged => MovementReason.Damaged,
        Reason.Lost => MovementReason.Lost,
        Reason.Found => MovementReason.Found,
        Reason.CycleCount => MovementReason.CycleCount,
        Reason.ReturnRestock => MovementReason.ReturnRestock,
        Reason.Correction => MovementReason.Correction,
        _ => throw new ArgumentOutOfRangeException(nameof(reason), reason, null),
    };

    private static string Name(Reason reason) => System.Text.Json.JsonNamingPolicy.SnakeCaseLower.ConvertName(reason.ToString());
}
