using System.ComponentModel.DataAnnotations;
using Axle.Api.Features.Audit;
using Axle.Api.Features.Catalog;
using Axle.Api.Platform.Data;
using Axle.Api.Platform.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.OutputCaching;

namespace Axle.Api.Features.Inventory;

/// <summary>
/// <c>POST /api/v1/inventory/transfers</c>: available units leave one warehouse and arrive in another in one transaction,
/// as a transfer_out and a transfer_in movement sharing the transfer id. (No in-transit state: the move is instant.)
/// </summary>
internal static class TransferStock
{
    public sealed record Request(
        [property: Required, StringLength(64, MinimumLength = 1)] string? Sku,
        [property: Required] long? FromWarehouseId,
        [property: Required] long? ToWarehouseId,
        [property: Required, Range(1, AdjustStock.MaxDelta)] int? Quantity,
        [property: StringLength(500)] string? Note);

    public sealed record Response(Guid TransferId, string Sku, int Quantity, StockLevelResponse From, StockLevelResponse To);

    public static async Task<Results<Created<Response>, ValidationProblem, ProblemHttpResult>> Handle(
        Request request, HttpContext http, AppDbContext db, AuditTrail audit, IOutputCacheStore cache, TimeProvider time,
        CancellationToken ct)
    {
        if (request.FromWarehouseId == request.ToWarehouseId)
        {
            return Problems.Validation("toWarehouseId", "The destination must differ from the source.");
        }

        var resolved = await InventoryLookups.ResolveAsync(db, request.Sku!,
            [("fromWarehouseId", request.FromWarehouseId!.Value), ("toWarehouseId", request.ToWarehouseId!.Value)], ct);
        if (resolved.Errors.Count > 0)
        {
            return Problems.Validation(resolved.Errors);
        }

        var (part, from, to) = (resolved.Part!, resolved.Warehouses[0]!, resolved.Warehouses[1]!);
        if (!to.Active)
        {
            return InventoryProblems.WarehouseInactive(to.Code);
        }

        var quantity = request.Quantity!.Value;
        var now = time.GetUtcNow().UtcDateTime;
        var levels = await StockLedger.EnsureLevelsAsync(db, [(part.Id, from.Id), (part.Id, to.Id)], now, ct);
        var transferId = Guid.CreateVersion7(time.GetUtcNow());
        var actor = Actors.Of(http.User);
        var note = request.Note?.Trim();
        var moves = new[]
        {
            (Level: levels[(part.Id, from.Id)], Delta: -quantity, Reason: MovementReason.TransferOut),
            (Level: levels[(part.Id, to.Id)], Delta: quantity, Reason: MovementReason.TransferIn),
        };

        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var after = new Dictionary<long, LevelChange>();
        // Level id order, like every multi-level change, so opposite transfers cannot deadlock.
        foreach (var move in moves.OrderBy(m => m.Level))
        {
            var entry = new LedgerEntry(move.Reason, MovementReference.Transfer, transferId.ToString(), actor, note);
            if (await StockLedger.TryApplyAsync(db, move.Level, move.Delta, 0, entry, now, ct) is not { } changed)
            {
                await transaction.RollbackAsync(ct);
                return InventoryProblems.InsufficientStock(part.Sku, quantity,
                    await InventoryLookups.AvailableAsync(db, part.Id, from.Id, ct));
            }

            after[move.Level] = changed;
        }

        audit.Record(db, "inventory.transferred", $"transfer/{transferId}",
            details: new { part.Sku, fromWarehouseId = from.Id, toWarehouseId = to.Id, quantity });
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        await CatalogCache.StockChangedAsync(cache, after.Values.Select(l => l.ForCatalog()), ct);

        return TypedResults.Created($"/api/v1/inventory/{Uri.EscapeDataString(part.Sku)}",
            new Response(transferId, part.Sku, quantity,
                StockLevelResponse.From(after[moves[0].Level]), StockLevelResponse.From(after[moves[1].Level])));
    }
}
