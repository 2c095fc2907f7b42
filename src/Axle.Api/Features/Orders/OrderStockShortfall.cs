using Axle.Api.Features.Catalog;
using Axle.Api.Features.Inventory;
using Axle.Api.Platform.Data;
using Microsoft.EntityFrameworkCore;

namespace Axle.Api.Features.Orders;

/// <summary>
/// When a count, damage or loss takes stock an order had reserved, the order is flagged for a person and an
/// <c>order.needs_attention</c> event is written, in the adjustment's transaction; the customer sees the flag and its
/// reason in the order's status.
/// </summary>
internal sealed class OrderStockShortfall : IReservationShortfallListener
{
    public async Task OnShortAsync(AppDbContext db, ShortReservation shortage, DateTime now, CancellationToken ct)
    {
        if (shortage.ReferenceType != "order" || !Guid.TryParse(shortage.ReferenceId, out var orderId))
        {
            return;
        }

        var order = await db.Set<Order>().FirstOrDefaultAsync(o => o.Id == orderId, ct);
        if (order is null || OrderStateMachine.IsFinal(order.Status))
        {
            return;
        }

        var sku = await db.Set<Part>().Where(p => p.Id == shortage.PartId).Select(p => p.Sku).FirstAsync(ct);
        var reason = $"{shortage.Quantity} × {sku} reserved for this order are no longer in stock ({shortage.Reason.Replace('_', ' ')}); " +
            "we will ship from another warehouse, or contact you.";
        order.FlagForAttention(reason, now);
        OrderEvents.RecordNeedsAttention(db, order, reason, now);
    }
}
