using Axle.Api.Platform.Data;

namespace Axle.Api.Features.Orders;

/// <summary>
/// Told inside the settlement's transaction when an order becomes paid or is cancelled, so what it queues (drop-ship orders to
/// suppliers) commits or rolls back with the order. The suppliers feature listens; without listeners nothing is told.
/// </summary>
public interface IOrderFulfilmentListener
{
    Task OnPaidAsync(AppDbContext db, Order order, DateTime now, CancellationToken ct);

    Task OnCancelledAsync(AppDbContext db, Order order, DateTime now, CancellationToken ct);
}
