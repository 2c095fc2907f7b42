using System.ComponentModel.DataAnnotations;
using System.Security.Claims;
using Axle.Api.Features.Audit;
using Axle.Api.Features.Catalog;
using Axle.Api.Features.Inventory;
using Axle.Api.Features.Orders;
using Axle.Api.Platform.Data;
using Axle.Api.Platform.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.OutputCaching;
using Microsoft.EntityFrameworkCore;

namespace Axle.Api.Features.Returns;

/// <summary>
/// <c>POST /api/v1/returns/{id}/receive</c> (order manager, admin) <c>{warehouseId, items: [{returnItemId, condition}]}</c>:
/// the units of an approved return arrived. Every item gets a condition; resaleable part units go back on the shelf of that
/// warehouse through a <c>return_restock</c> movement, opened and damaged ones are only recorded, and <c>core</c> (only
/// for core deposit lines) records the old unit that refunds the deposit. The transaction starts by claiming the return
/// (<see cref="ReturnClaim"/>: a conditional update on status approved and the version read), so a retried or racing
/// receipt gets 409 before touching stock: each return restocks exactly once.
/// </summary>
internal static class ReceiveReturn
{
    public sealed record Item([property: Required] Guid? ReturnItemId, [property: Required] ReturnCondition? Condition);

    public sealed record Request([property: Required] long? WarehouseId, [property: Required, MinLength(1), MaxLength(RequestReturn.MaxItems)] IReadOnlyList<Item>? Items);

    public static async Task<Results<Ok<ReturnResponse>, ValidationProblem, ProblemHttpResult>> Handle(
        Guid id, Request request, ClaimsPrincipal principal, AppDbContext db, AuditTrail audit, IOutputCacheStore cache,
        TimeProvider time, CancellationToken ct)
    {
        var rma = await db.Set<ReturnAuthorization>().AsNoTracking().Include(r => r.Items).FirstOrDefaultAsync(r => r.Id == id, ct);
        if (rma is null)
        {
            return ReturnReads.NotFound();
        }

        if (!ReturnStateMachine.CanTransition(rma.Status, ReturnStatus.Received))
        {
            return ReturnProblems.IllegalTransition(rma.Status, ReturnStatus.Received);
        }

        var warehouseId = request.WarehouseId!.Value;
        if (!await db.Set<Warehouse>().AnyAsync(w => w.Id == warehouseId && w.Active, ct))
        {
            return Problems.Validation("warehouseId", "No active warehouse with this id.");
        }

        if (Conditions(rma, request.Items!) is not { } conditions)
        {
            return Problems.Validation("items", "Give exactly one condition for every item of the return.");
        }

        var errors = new Dictionary<string, string[]>();
        foreach (var item in rma.Items)
        {
            var isCore = item.Kind == OrderItemKind.CoreCharge;
            if (isCore != (conditions[item.Id] == ReturnCondition.Core))
            {
                errors[$"items[{request.Items!.ToList().FindIndex(i => i.ReturnItemId == item.Id)}].condition"] =
                    [isCore ? "A core deposit line comes back as core." : "core is only for core deposit lines."];
            }
        }

        if (errors.Count > 0)
        {
            return Problems.Validation(errors);
        }

        var now = time.GetUtcNow().UtcDateTime;
        var restock = rma.Items.Where(i => i.Kind == OrderItemKind.Part && conditions[i.Id] == ReturnCondition.Resaleable)
            .GroupBy(i => i.PartId).Select(g => (PartId: g.Key, Quantity: g.Sum(i => i.Quantity))).ToList();

        // Levels are created before the transaction (see StockLedger.EnsureLevelsAsync), applied in level id order.
        var levels = await StockLedger.EnsureLevelsAsync(db, [.. restock.Select(r => (r.PartId, warehouseId))], now, ct);
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        if (!await ReturnClaim.TryAsync(db, rma, ReturnStatus.Approved, ct))
        {
            await transaction.RollbackAsync(ct);
            return ReturnProblems.Changed();
        }

        var tracked = await db.Set<ReturnAuthorization>().Include(r => r.Items).FirstAsync(r => r.Id == id, ct);
        tracked.Receive(warehouseId, conditions, now);
        ReturnEvents.RecordUpdated(db, tracked, now);

        var actor = Actors.Of(principal);
        foreach (var (partId, quantity) in restock.OrderBy(r => levels[(r.PartId, warehouseId)]))
        {
            var entry = new LedgerEntry(MovementReason.ReturnRestock, MovementReference.Order, rma.OrderId.ToString(), actor, $"Return {rma.Number}");
            _ = await StockLedger.TryApplyAsync(db, levels[(partId, warehouseId)], quantity, 0, entry, now, ct)
                ?? throw new InvalidOperationException("Adding stock to an existing level cannot fail.");
        }

        audit.Record(db, "return.received", $"return/{rma.Id}", details: new
        {
            rma.Number,
            rma.OrderId,
            warehouseId,
            items = tracked.Items.Select(i => new { i.Id, i.OrderItemId, i.Quantity, i.Condition, i.Restocked }),
        });
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        if (restock.Count > 0)
        {
            await CatalogCache.InvalidateAsync(cache, ct);
        }

        return TypedResults.Ok(ReturnResponse.From(tracked));
    }

    /// <summary>The condition of each item, or null unless the request names every item of the return exactly once.</summary>
    private static Dictionary<Guid, ReturnCondition>? Conditions(ReturnAuthorization rma, IReadOnlyList<Item> items)
    {
        var byId = items.GroupBy(i => i.ReturnItemId!.Value).ToDictionary(g => g.Key, g => g.ToList());
        return byId.Count == items.Count && byId.Count == rma.Items.Count && rma.Items.All(i => byId.ContainsKey(i.Id))
            ? byId.ToDictionary(p => p.Key, p => p.Value[0].Condition!.Value)
            : null;
    }
}
