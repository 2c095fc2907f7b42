using System.ComponentModel.DataAnnotations;
using System.Security.Claims;
using Axle.Api.Features.Audit;
using Axle.Api.Platform.Data;
using Axle.Api.Platform.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Axle.Api.Features.Orders;

/// <summary>
/// Moves an order one step and records it: the status change, its history row, an <c>order.status_changed</c> event
/// and an audit entry, all added to the caller's unit of work. Shipments, returns and the staff endpoint use it.
/// </summary>
public static class OrderTransitions
{
    /// <summary>
    /// Applies <paramref name="to"/> to the tracked <paramref name="order"/>; false (nothing changed) when the table does
    /// not allow it. The caller saves; the order's version makes a concurrent change fail that save.
    /// </summary>
    public static bool TryApply(AppDbContext db, AuditTrail audit, Order order, OrderStatus to, string actor, string? note, DateTime now)
    {
        if (!OrderStateMachine.CanTransition(order.Status, to))
        {
            return false;
        }

        var from = order.Status;
        var change = order.TransitionTo(to, actor, note, now);
        OrderEvents.RecordStatusChanged(db, order, change);
        audit.Record(db, "order.status_changed", $"order/{order.Id}", details: new
        {
            order.Number,
            from = OrderStateMachine.Name(from),
            to = OrderStateMachine.Name(to),
            note,
        });
        return true;
    }
}

/// <summary>
/// <c>POST /api/v1/orders/{id}/transitions</c> (order manager, admin): the steps staff take by hand — <c>picking</c> when
/// packing starts, <c>delivered</c> when a carrier without tracking events confirms delivery. Payment, shipment, cancellation
/// and returns have their own endpoints, because they move money or stock. A step the state machine does not allow → 409.
/// </summary>
internal static class TransitionOrder
{
    private static readonly OrderStatus[] Manual = [OrderStatus.Picking, OrderStatus.Delivered];

    public sealed record Request(
        [property: Required, StringLength(24)] string? Status,
        [property: StringLength(Order.NoteMaxLength)] string? Note);

    public static async Task<Results<Ok<OrderResponse>, ValidationProblem, ProblemHttpResult>> Handle(
        Guid id, Request request, ClaimsPrincipal principal, HttpContext http, AppDbContext db, AuditTrail audit, TimeProvider time,
        CancellationToken ct)
    {
        if (!OrderStateMachine.TryParse(request.Status, out var to))
        {
            return OrderProblems.UnknownStatus();
        }

        var order = await db.Set<Order>().FirstOrDefaultAsync(o => o.Id == id, ct);
        if (order is null)
        {
            return OrderReads.NotFound();
        }

        if (Conditional.CheckIfMatch(http, OrderReads.ETag(order.Version)) is { } stale)
        {
            return stale;
        }

        var from = OrderStateMachine.Name(order.Status);
        if (!OrderStateMachine.CanTransition(order.Status, to))
        {
            return OrderProblems.IllegalTransition(from, OrderStateMachine.Name(to));
        }

        if (!Manual.Contains(to))
        {
            return Problems.Conflict("transition_not_manual", "Not a manual step",
                $"{OrderStateMachine.Name(to)} is reached through its own endpoint (payment, shipments, cancel, returns), which " +
                "moves the money and stock with it.", new Dictionary<string, object?> { ["currentStatus"] = from, ["requestedStatus"] = OrderStateMachine.Name(to) });
        }

        OrderTransitions.TryApply(db, audit, order, to, OrderEvents.Actor(principal), request.Note?.Trim(), time.GetUtcNow().UtcDateTime);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            return Problems.Conflict("order_changed", "Order changed", "The order changed while this request ran; read it again and retry.");
        }

        return TypedResults.Ok((await OrderReads.FindAsync(db, id, ct))!);
    }
}
