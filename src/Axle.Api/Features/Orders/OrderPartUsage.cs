using Axle.Api.Features.Catalog;
using Axle.Api.Platform.Data;
using Microsoft.EntityFrameworkCore;

namespace Axle.Api.Features.Orders;

/// <summary>A part that was ever ordered is discontinued rather than deleted: order lines keep pointing at it.</summary>
internal sealed class OrderPartUsage(AppDbContext db) : IPartUsage
{
    public Task<bool> IsReferencedAsync(long partId, CancellationToken ct) =>
        db.Set<OrderItem>().AnyAsync(i => i.PartId == partId, ct);
}
