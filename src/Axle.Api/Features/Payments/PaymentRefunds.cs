using Axle.Api.Features.Orders;
using Axle.Api.Platform.Data;
using Microsoft.EntityFrameworkCore;

namespace Axle.Api.Features.Payments;

/// <summary>
/// Refunds in two steps: <see cref="Request"/> books the refund in the caller's transaction (with the cancellation or
/// return that owes it), <see cref="ProcessAsync"/> calls the gateway after the commit. Pending refunds are retried by
/// the pending-payment reconciliation (<see cref="Orders.PendingPaymentWorker"/>) with the same idempotency key.
/// </summary>
public sealed class PaymentRefunds(AppDbContext db, IPaymentGateway gateway, TimeProvider time, ILogger<PaymentRefunds> logger)
{
    /// <summary>
    /// Books a refund of up to <paramref name="amountMinor"/> (clamped to what is still refundable) on the order's captured
    /// payment, tracked in <paramref name="context"/>; null when nothing is refundable. <paramref name="key"/> makes the
    /// booking unique: the same key never refunds twice.
    /// </summary>
    public static async Task<PaymentRefund?> Request(
        AppDbContext context, Guid orderId, long amountMinor, string reason, string key, DateTime now, CancellationToken ct)
    {
        var payment = await context.Set<Payment>()
            .Where(p => p.OrderId == orderId && (p.Status == PaymentStatus.Captured || p.Status == PaymentStatus.PartiallyRefunded))
            .FirstOrDefaultAsync(ct);
        var amount = Math.Min(amountMinor, payment?.RefundableMinor ?? 0);
        if (payment is null || amount <= 0)
        {
            return null;
        }

        payment.Refunded(amount, now);
        var refund = new PaymentRefund(payment.Id, amount, reason, key, now);
        context.Add(refund);
        return refund;
    }

    /// <summary>How long one caller holds a pending refund while it asks the gateway.</summary>
    internal static readonly TimeSpan ClaimFor = TimeSpan.FromMinutes(2);

    /// <summary>Calls the gateway for a pending refund and records the answer. Safe to repeat (same idempotency key).</summary>
    public async Task<RefundStatus?> ProcessAsync(Guid refundId, CancellationToken ct)
    {
        db.ChangeTracker.Clear();
        var refund = await db.Set<PaymentRefund>().FirstOrDefaultAsync(r => r.Id == refundId, ct);
        if (refund is null || refund.Status != RefundStatus.Pending)
        {
            return refund?.Status;
        }

        // Claim it for the length of a gateway call: UpdatedAt moves into the future, so nobody else takes it meanwhile
        // (another instance's worker, or a worker and the request that booked it); recording the answer sets it back to now.
        // A caller that crashes holding it leaves it to the next retry once the claim has passed.
        var seen = refund.UpdatedAt;
        var now0 = time.GetUtcNow().UtcDateTime;
        if (seen > now0)
        {
            return RefundStatus.Pending;
        }

        if (await db.Set<PaymentRefund>()
                .Where(r => r.Id == refundId && r.Status == RefundStatus.Pending && r.UpdatedAt == seen)
                .ExecuteUpdateAsync(s => s.SetProperty(r => r.UpdatedAt, now0 + ClaimFor), ct) == 0)
        {
            return RefundStatus.Pending;
        }

        var payment = await db.Set<Payment>().AsNoTracking().FirstAsync(p => p.Id == refund.PaymentId, ct);
        GatewayResult result;
        try
        {
            result = await gateway.RefundAsync(payment.Reference ?? "", refund.AmountMinor, refund.IdempotencyKey, ct);
        }
        catch (Exception e) when (GatewayErrors.IsNoAnswer(e, ct))
        {
            logger.LogWarning(e, "Refund {RefundId} got no answer from the gateway; it will be retried", refundId);
            result = new GatewayResult(GatewayOutcome.Pending, null);
        }

        var now = time.GetUtcNow().UtcDateTime;
        refund.Record(result, now);
        if (refund.Status == RefundStatus.Failed)
        {
            var order = await db.Set<Order>().FirstAsync(o => o.Id == payment.OrderId, ct);
            var reason = $"The gateway refused a refund of {Pricing.MinorUnits.ToAmount(refund.AmountMinor)} {payment.Currency} " +
                $"({result.DeclineCode ?? "no reason given"}).";
            order.FlagForAttention(reason, now);
            OrderEvents.RecordNeedsAttention(db, order, reason, now);
        }

        await db.SaveChangesAsync(ct);
        return refund.Status;
    }

    /// <summary>Ids of refunds still pending whose last attempt is older than <paramref name="olderThan"/>.</summary>
    public Task<List<Guid>> DueAsync(TimeSpan olderThan, int batch, CancellationToken ct)
    {
        var before = time.GetUtcNow().UtcDateTime - olderThan;
        return db.Set<PaymentRefund>().AsNoTracking()
            .Where(r => r.Status == RefundStatus.Pending && r.UpdatedAt <= before)
            .OrderBy(r => r.UpdatedAt).Select(r => r.Id).Take(batch).ToListAsync(ct);
    }
}
