using System.Security.Claims;
using Axle.Api.Features.Audit;
using Axle.Api.Features.Orders;
using Axle.Api.Features.Payments;
using Axle.Api.Platform.Data;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Axle.Api.Features.Returns;

/// <summary>
/// <c>POST /api/v1/returns/{id}/refund</c> (order manager, admin): refunds a received return, a separate step so staff
/// can inspect before money moves. The amount is <see cref="ReturnRefunds"/>: part units at their price less their
/// discount share plus their tax share, core deposits (lines received as <c>core</c>) at their price; shipping stays.
/// In one transaction the return is claimed (received → refunded), the refund is booked on the payment and the order
/// becomes <c>returned</c> once every part unit has been refunded, else <c>partially_returned</c> (a core-deposit-only
/// refund leaves the order's status alone). The gateway is called after the commit; a refund it cannot answer now is
/// retried by the pending-payment reconciliation under the same idempotency key.
/// </summary>
internal static class RefundReturn
{
    public static async Task<Results<Ok<ReturnResponse>, ProblemHttpResult>> Handle(
        Guid id, ClaimsPrincipal principal, AppDbContext db, AuditTrail audit, PaymentRefunds refunds, TimeProvider time, CancellationToken ct)
    {
        var rma = await db.Set<ReturnAuthorization>().AsNoTracking().Include(r => r.Items).FirstOrDefaultAsync(r => r.Id == id, ct);
        if (rma is null)
        {
            return ReturnReads.NotFound();
        }

        if (!ReturnStateMachine.CanTransition(rma.Status, ReturnStatus.Refunded))
        {
            return ReturnProblems.IllegalTransition(rma.Status, ReturnStatus.Refunded);
        }

        var now = time.GetUtcNow().UtcDateTime;
        PaymentRefund? refund;
        await using (var transaction = await db.Database.BeginTransactionAsync(ct))
        {
            if (!await ReturnClaim.TryAsync(db, rma, ReturnStatus.Received, ct))
            {
                await transaction.RollbackAsync(ct);
                return ReturnProblems.Changed();
            }

            var order = await db.Set<Order>().Include(o => o.Items).FirstAsync(o => o.Id == rma.OrderId, ct);
            var prices = order.Items.ToDictionary(i => i.Id, i => i.UnitPriceMinor);
            var partUnits = order.Items.Where(i => i.Kind == OrderItemKind.Part).Sum(i => i.Quantity);

            // What earlier refunded returns of this order already gave back, for the cumulative tax and discount shares.
            var earlier = await db.Set<ReturnItem>().AsNoTracking()
                .Where(i => i.Kind == OrderItemKind.Part && i.ReturnId != rma.Id
                    && db.Set<ReturnAuthorization>().Any(r => r.Id == i.ReturnId && r.OrderId == order.Id && r.Status == ReturnStatus.Refunded))
                .Select(i => new { i.OrderItemId, i.Quantity }).ToListAsync(ct);
            var earlierValue = earlier.Sum(i => prices[i.OrderItemId] * i.Quantity);
            var parts = rma.Items.Where(i => i.Kind == OrderItemKind.Part).ToList();
            var partsValue = parts.Sum(i => prices[i.OrderItemId] * i.Quantity);
            var cores = rma.Items.Where(i => i.Kind == OrderItemKind.CoreCharge && i.Condition == ReturnCondition.Core)
                .Sum(i => prices[i.OrderItemId] * i.Quantity);
            var amount = ReturnRefunds.PartsRefund(order.SubtotalMinor, order.DiscountMinor, order.TaxMinor, earlierValue, partsValue) + cores;

            refund = await PaymentRefunds.Request(db, order.Id, amount, "returned", $"refund:{order.Id}:return:{rma.Id}", now, ct);
            var tracked = await db.Set<ReturnAuthorization>().FirstAsync(r => r.Id == id, ct);
            tracked.Refunded(refund?.AmountMinor ?? 0, refund?.Id, now);
            ReturnEvents.RecordUpdated(db, tracked, now);

            if (parts.Count > 0)
            {
                var back = earlier.Sum(i => i.Quantity) + parts.Sum(i => i.Quantity);
                var to = back >= partUnits ? OrderStatus.Returned : OrderStatus.PartiallyReturned;
                OrderTransitions.TryApply(db, audit, order, to, OrderEvents.Actor(principal), $"Return {rma.Number} refunded.", now);
            }

            audit.Record(db, "return.refunded", $"return/{rma.Id}", details: new
            {
                rma.Number,
                rma.OrderId,
                computed = amount,
                refunded = refund?.AmountMinor ?? 0,
                refundId = refund?.Id,
            });
            try
            {
                await db.SaveChangesAsync(ct);
            }
            catch (DbUpdateConcurrencyException)
            {
                await transaction.RollbackAsync(ct);
                return ReturnProblems.Changed();
            }

            await transaction.CommitAsync(ct);
        }

        if (refund is not null)
        {
            await refunds.ProcessAsync(refund.Id, ct);
        }

        return TypedResults.Ok((await ReturnReads.FindAsync(db, id, ct))!);
    }
}
