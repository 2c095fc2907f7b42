using System.ComponentModel.DataAnnotations;
using System.Security.Claims;
using Axle.Api.Features.Orders;
using Axle.Api.Features.Pricing;
using Axle.Api.Platform.Data;
using Axle.Api.Platform.Http;
using Axle.Api.Platform.Messaging;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Axle.Api.Features.Returns;

public sealed record ReturnItemResponse(
    Guid Id, Guid OrderItemId, OrderItemKind Kind, long PartId, int Quantity, ReturnReason Reason, ReturnCondition? Condition,
    long? WarehouseId, bool Restocked);

public sealed record ReturnResponse(
    Guid Id, string Number, Guid OrderId, Guid UserId, string Status,
    [property: MaxLength(RequestReturn.MaxItems)] IReadOnlyList<ReturnItemResponse> Items, long? WarehouseId,
    Money? Refund, string? Note, DateTime CreatedAt, DateTime UpdatedAt, DateTime? ApprovedAt, DateTime? RejectedAt,
    DateTime? ReceivedAt, DateTime? RefundedAt)
{
    internal static ReturnResponse From(ReturnAuthorization r) => new(
        r.Id, r.Number, r.OrderId, r.UserId, ReturnStateMachine.Name(r.Status),
        [.. r.Items.OrderBy(i => i.Id).Select(i => new ReturnItemResponse(
            i.Id, i.OrderItemId, i.Kind, i.PartId, i.Quantity, i.Reason, i.Condition, i.WarehouseId, i.Restocked))],
        r.WarehouseId, r.RefundMinor is { } refund ? Money.FromMinor(refund, r.Currency) : null, r.Note, r.CreatedAt, r.UpdatedAt,
        r.ApprovedAt, r.RejectedAt, r.ReceivedAt, r.RefundedAt);
}

/// <summary>Reading returns, and who may: the customer whose order it is and staff; anyone else is told it does not exist.</summary>
internal static class ReturnReads
{
    public static ProblemHttpResult NotFound() => Problems.NotFound("No such return.");

    public static async Task<ReturnResponse?> FindAsync(AppDbContext db, Guid id, CancellationToken ct) =>
        await db.Set<ReturnAuthorization>().AsNoTracking().Include(r => r.Items).FirstOrDefaultAsync(r => r.Id == id, ct) is { } found
            ? ReturnResponse.From(found)
            : null;

    public static bool Allowed(ClaimsPrincipal principal, Guid userId) => OrderReads.Allowed(principal, userId);
}

internal static class ReturnProblems
{
    public static ProblemHttpResult IllegalTransition(ReturnStatus from, ReturnStatus to) =>
        Problems.Conflict("illegal_return_transition", "Illegal return transition",
            $"A return cannot go from {ReturnStateMachine.Name(from)} to {ReturnStateMachine.Name(to)}.",
            new Dictionary<string, object?> { ["returnStatus"] = ReturnStateMachine.Name(from), ["requested"] = ReturnStateMachine.Name(to) });

    public static ProblemHttpResult Changed() =>
        Problems.Conflict("return_changed", "Return changed", "The return or its order changed while this request ran; read it again and retry.");
}

/// <summary>The <c>return.updated</c> event, written to the outbox with every status change of a return.</summary>
internal static class ReturnEvents
{
    public const string Updated = "return.updated";

    public static void RecordUpdated(AppDbContext db, ReturnAuthorization r, DateTime now) =>
        Outbox.Add(db, Updated, new
        {
            returnId = r.Id,
            number = r.Number,
            orderId = r.OrderId,
            status = ReturnStateMachine.Name(r.Status),
            refund = r.RefundMinor is { } refund ? MinorUnits.ToAmount(refund) : (decimal?)null,
            currency = r.Currency,
            at = now,
        }, now);
}
