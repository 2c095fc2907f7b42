using System.ComponentModel.DataAnnotations;
using System.Security.Claims;
using Axle.Api.Platform.Data;
using Axle.Api.Platform.Http;
using Axle.Api.Platform.Security;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Axle.Api.Features.Orders;

/// <summary>
/// <c>POST /api/v1/orders/{id}/cancel</c> (Idempotency-Key honoured): the owner, or an order manager/admin, cancels an
/// order that has not shipped. Stock is released; a paid order is refunded in full. Anything else → 409.
/// </summary>
internal static class CancelOrder
{
    public sealed record Request([property: StringLength(Order.NoteMaxLength)] string? Reason);

    public static async Task<Results<Ok<OrderResponse>, ProblemHttpResult>> Handle(
        Guid id, Request? request, ClaimsPrincipal principal, AppDbContext db, OrderSettlement settlement, CancellationToken ct)
    {
        var owner = await db.Set<Order>().AsNoTracking().Where(o => o.Id == id).Select(o => (Guid?)o.UserId).FirstOrDefaultAsync(ct);
        var manager = principal.IsInRole(Roles.OrderManager) || principal.IsInRole(Roles.Admin);
        if (owner is not { } userId || !(principal.UserId() == userId || principal.IsStaff()))
        {
            return OrderReads.NotFound();
        }

        if (principal.UserId() != userId && !manager)
        {
            return Problems.Forbidden("Only the customer or an order manager can cancel an order.");
        }

        var reason = string.IsNullOrWhiteSpace(request?.Reason)
            ? (manager && principal.UserId() != userId ? "Cancelled by staff." : "Cancelled by the customer.")
            : request.Reason.Trim();
        var outcome = await settlement.CancelAsync(id, OrderEvents.Actor(principal), reason, ct);
        var order = await OrderReads.FindAsync(db, id, ct);
        return outcome switch
        {
            CancelOutcome.Cancelled => TypedResults.Ok(order),
            CancelOutcome.NotFound => OrderReads.NotFound(),
            _ => OrderProblems.IllegalTransition(order!.Status, "cancelled"),
        };
    }
}

internal static class OrderProblems
{
    /// <summary>400 for a <c>status</c> that names no order state, listing the ones that exist.</summary>
    public static ValidationProblem UnknownStatus() =>
        Problems.Validation("status", "Use one of: " + string.Join(", ", Enum.GetValues<OrderStatus>().Select(OrderStateMachine.Name)) + ".");

    public static ProblemHttpResult IllegalTransition(string from, string to) =>
        Problems.Conflict("illegal_transition", "Illegal order transition", $"An order cannot go from {from} to {to}.",
            new Dictionary<string, object?> { ["currentStatus"] = from, ["requestedStatus"] = to });
}
