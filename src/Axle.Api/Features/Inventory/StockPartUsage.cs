using Axle.Api.Features.Catalog;
using Axle.Api.Platform.Data;
using Microsoft.EntityFrameworkCore;

namespace Axle.Api.Features.Inventory;

/// <summary>A part with stock history, reservations or purchase orders is discontinued rather than deleted: the ledger keeps pointing at it.</summary>
internal sealed class StockPartUsage(AppDbContext db) : IPartUsage
{
    public async Task<bool> IsReferencedAsync(long partId, CancellationToken ct) =>
        await db.Set<StockLevel>().AnyAsync(l => l.PartId == partId, ct)
        || await db.Set<StockMovement>().AnyAsync(m => m.PartId == partId, ct)
        || await db.Set<PurchaseOrderLine>().AnyAsync(l => l.PartId == partId, ct);
}
