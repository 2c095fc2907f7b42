using Axle.Api.Features.Audit;
using Axle.Api.Platform.Data;
using Axle.Api.Platform.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Axle.Api.Features.Inventory;

/// <summary>
/// <c>POST /api/v1/purchase-orders/{id}/cancel</c>: the supplier will not deliver the rest. An open or partially received
/// order becomes cancelled by one conditional update, so a receipt and a cancel racing each other cannot both win; what
/// was already received stays in stock (receipts are their own ledger movements).
/// </summary>
internal static class CancelPurchaseOrder
{
    public static async Task<Results<Ok<PurchaseOrderResponse>, ProblemHttpResult>> Handle(
        Guid id, AppDbContext db, IPurchaseOrderSuppliers suppliers, AuditTrail audit, TimeProvider time, CancellationToken ct)
    {
        var now = time.GetUtcNow().UtcDateTime;
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var cancelled = await db.Set<PurchaseOrder>()
            .Where(p => p.Id == id && (p.Status == PurchaseOrderStatus.Open || p.Status == PurchaseOrderStatus.PartiallyReceived))
            .ExecuteUpdateAsync(s => s
                .SetProperty(p => p.Status, PurchaseOrderStatus.Cancelled)
                .SetProperty(p => p.Version, p => p.Version + 1)
                .SetProperty(p => p.UpdatedAt, now), ct);
        if (cancelled == 0)
        {
            var status = await db.Set<PurchaseOrder>().Where(p => p.Id == id).Select(p => (PurchaseOrderStatus?)p.Status).FirstOrDefaultAsync(ct);
            return status is null
                ? Problems.NotFound("No purchase order has this id.")
                : Problems.Conflict("purchase_order_closed", "Purchase order closed",
                    $"This purchase order is {System.Text.Json.JsonNamingPolicy.SnakeCaseLower.ConvertName(status.Value.ToString())} and cannot be cancelled.");
        }

        // A transmission still waiting is dropped with the order; one the supplier already has stays, noted.
        await suppliers.CancelAsync(db, id, now, ct);
        audit.Record(db, "inventory.purchase_order_cancelled", $"purchase-order/{id}");
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        return TypedResults.Ok((await PurchaseOrderResponse.LoadAsync(db, suppliers, id, ct))!);
    }
}
