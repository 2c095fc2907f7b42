using Axle.Api.Platform.Data;
using Axle.Api.Platform.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Axle.Api.Features.Inventory;

/// <summary><c>GET /api/v1/purchase-orders/{id}</c>.</summary>
internal static class GetPurchaseOrder
{
    public static async Task<Results<Ok<PurchaseOrderResponse>, ProblemHttpResult>> Handle(
        Guid id, AppDbContext db, IPurchaseOrderSuppliers suppliers, CancellationToken ct) =>
        await PurchaseOrderResponse.LoadAsync(db, suppliers, id, ct) is { } order
            ? TypedResults.Ok(order)
            : Problems.NotFound("No purchase order has this id.");
}
