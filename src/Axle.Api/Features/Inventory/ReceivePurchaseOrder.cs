using System.ComponentModel.DataAnnotations;
using Axle.Api.Features.Audit;
using Axle.Api.Features.Catalog;
using Axle.Api.Platform.Data;
using Axle.Api.Platform.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.OutputCaching;
using Microsoft.EntityFrameworkCore;

namespace Axle.Api.Features.Inventory;

/// <summary>
/// <c>POST /api/v1/purchase-orders/{id}/receipts</c>: goods arrived. Each line's received count grows by a conditional
/// update that refuses to pass the ordered quantity, and stock grows with a <c>received</c> movement referencing the
/// order, all in one transaction: a receipt is taken whole or not at all.
/// </summary>
internal static class ReceivePurchaseOrder
{
    public sealed record LineInput(
        [property: Required, StringLength(64, MinimumLength = 1)] string? Sku,
        [property: Required, Range(1, AdjustStock.MaxDelta)] int? Quantity);

    public sealed record Request([property: Required, MinLength(1), MaxLength(CreatePurchaseOrder.MaxLines)] IReadOnlyList<LineInput>? Lines);

    public static async Task<Results<Ok<PurchaseOrderResponse>, ValidationProblem, ProblemHttpResult>> Handle(
        Guid id, Request request, HttpContext http, AppDbContext db, IPurchaseOrderSuppliers suppliers, AuditTrail audit, IOutputCacheStore cache, TimeProvider time,
        CancellationToken ct)
    {
        var order = await db.Set<PurchaseOrder>().AsNoTracking().Include(p => p.Lines).FirstOrDefaultAsync(p => p.Id == id, ct);
        if (order is null)
        {
            return Problems.NotFound("No purchase order has this id.");
        }

        var input = request.Lines!;
        var skus = input.Select(l => l.Sku!).Distinct().ToList();
        var parts = await db.Set<Part>().AsNoTracking().Where(p => skus.Contains(p.Sku)).ToDictionaryAsync(p => p.Sku, p => p.Id, ct);
        var errors = new Dictionary<string, string[]>();
        for (var i = 0; i < input.Count; i++)
        {
            if (!parts.TryGetValue(input[i].Sku!, out var partId) || order.Lines.All(l => l.PartId != partId))
            {
                errors[$"lines[{i}].sku"] = ["This purchase order has no line for this SKU."];
            }
            else if (input.Take(i).Any(l => l.Sku == input[i].Sku))
            {
                errors[$"lines[{i}].sku"] = ["One line per SKU."];
            }
        }

        if (errors.Count > 0)
        {
            return Problems.Validation(errors);
        }

        if (!order.AcceptsReceipts)
        {
            return Closed(order.Status);
        }

        var now = time.GetUtcNow().UtcDateTime;
        var levels = await StockLedger.EnsureLevelsAsync(db, [.. parts.Values.Select(p => (p, order.WarehouseId))], now, ct);
        var entry = new LedgerEntry(MovementReason.Received, MovementReference.PurchaseOrder, id.ToString(), Actors.Of(http.User));
        var receipt = input
            .Select(l => (Line: order.Lines.Single(o => o.PartId == parts[l.Sku!]), Sku: l.Sku!, Quantity: l.Quantity!.Value))
            .OrderBy(r => levels[(r.Line.PartId, order.WarehouseId)])
            .ToList();

        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        // The status is re-checked under the transaction, so a cancel cannot slip in between.
        var accepting = await db.Set<PurchaseOrder>()
            .Where(p => p.Id == id && (p.Status == PurchaseOrderStatus.Open || p.Status == PurchaseOrderStatus.PartiallyReceived))
            .ExecuteUpdateAsync(s => s.SetProperty(p => p.Version, p => p.Version + 1).SetProperty(p => p.UpdatedAt, now), ct);
        if (accepting == 0)
        {
            await transaction.RollbackAsync(ct);
            return Closed((await db.Set<PurchaseOrder>().AsNoTracking().FirstAsync(p => p.Id == id, ct)).Status);
        }

        var changes = new List<StockChange>(receipt.Count);
        foreach (var (line, sku, quantity) in receipt)
        {
            var received = await db.Set<PurchaseOrderLine>()
                .Where(l => l.Id == line.Id && l.ReceivedQuantity + quantity <= l.Quantity)
                .ExecuteUpdateAsync(s => s.SetProperty(l => l.ReceivedQuantity, l => l.ReceivedQuantity + quantity), ct);
            if (received == 0)
            {
                await transaction.RollbackAsync(ct);
                var outstanding = await db.Set<PurchaseOrderLine>().Where(l => l.Id == line.Id)
                    .Select(l => l.Quantity - l.ReceivedQuantity).FirstAsync(ct);
                return Problems.Conflict("over_receipt", "Over-receipt",
                    $"Only {outstanding} of {sku} are outstanding on this purchase order; {quantity} cannot be received.",
                    new Dictionary<string, object?> { ["sku"] = sku, ["outstanding"] = outstanding });
            }

            changes.Add((await StockLedger.TryApplyAsync(db, levels[(line.PartId, order.WarehouseId)], quantity, 0, entry, now, ct)
                ?? throw new InvalidOperationException("Adding stock to an existing level cannot fail.")).ForCatalog());
        }

        var counts = await db.Set<PurchaseOrderLine>().Where(l => l.PurchaseOrderId == id)
            .Select(l => new { l.Quantity, l.ReceivedQuantity }).ToListAsync(ct);
        var status = PurchaseOrder.StatusFor(counts.Select(c => (c.Quantity, c.ReceivedQuantity)));
        await db.Set<PurchaseOrder>().Where(p => p.Id == id).ExecuteUpdateAsync(s => s.SetProperty(p => p.Status, status), ct);
        audit.Record(db, "inventory.purchase_order_received", $"purchase-order/{id}",
            details: new { status, lines = receipt.Select(r => new { r.Sku, r.Quantity }) });
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        await CatalogCache.StockChangedAsync(cache, changes, ct);

        return TypedResults.Ok((await PurchaseOrderResponse.LoadAsync(db, suppliers, id, ct))!);
    }

    private static ProblemHttpResult Closed(PurchaseOrderStatus status) =>
        Problems.Conflict("purchase_order_closed", "Purchase order closed",
            $"This purchase order is {System.Text.Json.JsonNamingPolicy.SnakeCaseLower.ConvertName(status.ToString())} and takes no more receipts.");
}
