namespace Axle.Api.Features.Orders;

public enum OrderStatus
{
    /// <summary>Placed, stock held by a reservation, payment not yet confirmed.</summary>
    PendingPayment,

    /// <summary>Payment captured; the reserved stock is committed to the order.</summary>
    Paid,

    /// <summary>Staff are picking and packing; some shipments may already have left.</summary>
    Picking,

    /// <summary>Every unit has left in a shipment.</summary>
    Shipped,

    /// <summary>Every shipment was delivered.</summary>
    Delivered,

    /// <summary>Cancelled before shipment (or payment declined): stock released or restocked, payment refunded.</summary>
    Cancelled,

    /// <summary>Every delivered unit came back and was refunded.</summary>
    Returned,

    /// <summary>Some delivered units came back and were refunded.</summary>
    PartiallyReturned,
}

/// <summary>
/// The order lifecycle as one table (API.md "Order states"):
/// <c>pending_payment → paid → picking → shipped → delivered</c>; <c>cancelled</c> from pending_payment, paid and picking;
/// <c>returned</c>/<c>partially_returned</c> after delivery. Anything not in the table is illegal (409).
/// </summary>
public static class OrderStateMachine
{
    private static readonly Dictionary<OrderStatus, OrderStatus[]> Allowed = new()
    {
        [OrderStatus.PendingPayment] = [OrderStatus.Paid, OrderStatus.Cancelled],
        [OrderStatus.Paid] = [OrderStatus.Picking, OrderStatus.Cancelled],
        [OrderStatus.Picking] = [OrderStatus.Shipped, OrderStatus.Cancelled],
        [OrderStatus.Shipped] = [OrderStatus.Delivered],
        [OrderStatus.Delivered] = [OrderStatus.PartiallyReturned, OrderStatus.Returned],
        [OrderStatus.PartiallyReturned] = [OrderStatus.Returned],
        [OrderStatus.Cancelled] = [],
        [OrderStatus.Returned] = [],
    };

    /// <summary>
    /// Entries an order's status history has at most: "placed" and one per step of the longest path through the table
    /// (pending_payment → paid → picking → shipped → delivered → partially_returned → returned). The table has no cycle,
    /// so no order can repeat a step; a unit test walks it to keep this number true.
    /// </summary>
    public const int MaxHistory = 7;

    public static bool CanTransition(OrderStatus from, OrderStatus to) => Allowed[from].Contains(to);

    /// <summary>The states reachable from <paramref name="from"/> in one step.</summary>
    public static IReadOnlyList<OrderStatus> Next(OrderStatus from) => Allowed[from];

    /// <summary>States with no way out.</summary>
    public static bool IsFinal(OrderStatus status) => Allowed[status].Length == 0;

    /// <summary>Before anything has left a warehouse, the order can still be cancelled.</summary>
    public static bool IsCancellable(OrderStatus status) => CanTransition(status, OrderStatus.Cancelled);

    /// <summary>Whether the customer has paid and the stock is committed (so cancelling restocks and refunds).</summary>
    public static bool IsPaid(OrderStatus status) => status is not (OrderStatus.PendingPayment or OrderStatus.Cancelled);

    /// <summary>The API name of a state (<c>pending_payment</c>), as JSON shows it.</summary>
    public static string Name(OrderStatus status) => status switch
    {
        OrderStatus.PendingPayment => "pending_payment",
        OrderStatus.PartiallyReturned => "partially_returned",
        _ => status.ToString().ToLowerInvariant(),
    };

    public static bool TryParse(string? value, out OrderStatus status)
    {
        foreach (var candidate in Enum.GetValues<OrderStatus>())
        {
            if (string.Equals(Name(candidate), value, StringComparison.Ordinal))
            {
                status = candidate;
                return true;
            }
        }

        status = default;
        return false;
    }
}

/// <summary>An order cannot move from <see cref="From"/> to <see cref="To"/>.</summary>
public sealed class IllegalTransitionException(OrderStatus from, OrderStatus to)
    : InvalidOperationException($"An order cannot go from {OrderStateMachine.Name(from)} to {OrderStateMachine.Name(to)}.")
{
    public OrderStatus From { get; } = from;
    public OrderStatus To { get; } = to;
}
