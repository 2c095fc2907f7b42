using Axle.Api.Features.Audit;
using Axle.Api.Features.Inventory;
using Axle.Api.Features.Payments;
using Axle.Api.Features.Promotions;
using Axle.Api.Platform.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Axle.Api.Features.Orders;

public enum SettleOutcome
{
    /// <summary>Payment captured; the order is paid and its stock reservation confirmed.</summary>
    Paid,

    /// <summary>The gateway declined; the order is cancelled and its stock released.</summary>
    Declined,

    /// <summary>No final answer from the gateway; the order stays <c>pending_payment</c> with its stock held.</summary>
    Pending,

    /// <summary>Paid after the stock hold had expired and the stock was gone: cancelled, refunded, flagged.</summary>
    StockLost,

    /// <summary>The order had already left <c>pending_payment</c> (a webhook and the reconciliation raced, a replay).</summary>
    AlreadySettled,
    NotFound,
}

public enum CancelOutcome
{
    Cancelled,
    NotFound,

    /// <summary>The order is past the point where it can be cancelled (shipped, delivered, already cancelled).</summary>
    NotCancellable,
}

/// <summary>
/// Every way an order's payment and stock settle, used by checkout, the payment webhook, the pending-payment
/// reconciliation and cancellation. Each settlement changes the order, its payment and its stock reservation in one
/// transaction (the reservation's), and only from the state it expects: a step that finds the order already moved on
/// rolls back whole, so a webhook racing the reconciliation (or a cancel racing a payment) has exactly one winner.
/// </summary>
public sealed class OrderSettlement(
    AppDbContext db, InventoryReservations reservations, IPaymentGateway gateway, PaymentRefunds refunds, PromotionEngine promotions,
    AuditTrail audit, IOrderTracking tracking, IEnumerable<IOrderFulfilmentListener> fulfilment, OrderMetrics metrics,
    IOptions<PaymentOptions> paymentOptions, TimeProvider time, ILogger<OrderSettlement> logger)
{
    /// <summary>The order moved on while a settlement was being applied; the settlement's transaction rolls back.</summary>
    private sealed class StaleOrderException : Exception;

    /// <summary>Authorizes and captures the order's total with the gateway, then settles the order by the answer.</summary>
    public async Task<SettleOutcome> ChargeAsync(Guid orderId, string token, string actor, CancellationToken ct)
    {
        var order = await db.Set<Order>().AsNoTracking().FirstOrDefaultAsync(o => o.Id == orderId, ct);
        var payment = await db.Set<Payment>().AsNoTracking().FirstOrDefaultAsync(p => p.OrderId == orderId, ct);
        if (order is null || payment is null)
        {
            return SettleOutcome.NotFound;
        }

        GatewayResult result;
        if (order.TotalMinor == 0)
        {
            result = new GatewayResult(GatewayOutcome.Approved, null);
        }
        else
        {
            result = await CallAsync(bounded => gateway.AuthorizeAsync(
                new ChargeRequest(token, order.TotalMinor, order.Currency, payment.IdempotencyKey, order.Id, order.Number), bounded), ct);
            if (result.Outcome == GatewayOutcome.Approved && result.Reference is { } reference)
            {
                var capture = await CallAsync(bounded => gateway.CaptureAsync(reference, order.TotalMinor, payment.IdempotencyKey + ":capture", bounded), ct);
                result = capture with { Reference = reference };
            }
        }

        return result.Outcome switch
        {
            GatewayOutcome.Approved => await MarkPaidAsync(orderId, result.Reference, actor, ct),
            GatewayOutcome.Declined => await FailAsync(orderId, result.Reference, result.DeclineCode, actor, ct),
            _ => await MarkPendingAsync(orderId, result.Reference, ct),
        };
    }

    /// <summary>
    /// The payment was captured: the order becomes <c>paid</c> and its reservation is confirmed (it no longer expires), in
    /// one transaction. When the hold had already expired the stock is reserved again; if it is gone, the order is
    /// cancelled, refunded and flagged (<c>order.needs_attention</c>).
    /// </summary>
    public async Task<SettleOutcome> MarkPaidAsync(Guid orderId, string? reference, string actor, CancellationToken ct)
    {
        var order = await db.Set<Order>().AsNoTracking().Include(o => o.Items).FirstOrDefaultAsync(o => o.Id == orderId, ct);
        if (order is null)
        {
            return SettleOutcome.NotFound;
        }

        if (order.Status != OrderStatus.PendingPayment)
        {
            return SettleOutcome.AlreadySettled;
        }

        Task Paid(CancellationToken token) => ApplyAsync(orderId, OrderStatus.PendingPayment, async (tracked, payment, now) =>
        {
            var change = tracked.TransitionTo(OrderStatus.Paid, actor, "Payment captured.", now);
            OrderEvents.RecordStatusChanged(db, tracked, change);
            payment?.Capture(reference, now);
            audit.Record(db, "order.paid", $"order/{orderId}", details: new { tracked.Number, amount = tracked.TotalMinor, reference });
            // In this transaction: drop-ship orders to suppliers exist exactly when the order is paid.
            foreach (var listener in fulfilment)
            {
                await listener.OnPaidAsync(db, tracked, now, token);
            }
        }, token);

        if (await SettleWithReservationAsync(order.ReservationId, r => reservations.ConfirmAsync(r, actor, Paid, ct)) is { } settled)
        {
            return settled ? SettleOutcome.Paid : SettleOutcome.AlreadySettled;
        }

        // The hold lapsed before the money arrived (a slow gateway, a late webhook): try to hold the stock again.
        var lines = order.Items.Where(i => i.Kind == OrderItemKind.Part).Select(i => new AllocationLine(i.PartId, i.Quantity)).ToList();
        var again = await reservations.ReserveAsync(
            new ReserveCommand(lines, "order", orderId.ToString(), new ShipTo(order.ShippingAddress.Country, order.ShippingAddress.Region), actor),
            async (reservation, token) =>
            {
                var tracked = await db.Set<Order>().FirstAsync(o => o.Id == orderId, token);
                if (tracked.Status != OrderStatus.PendingPayment)
                {
                    return false;
                }

                tracked.HoldWith(reservation.Id);
                tracked.Touch(time.GetUtcNow().UtcDateTime);
                return true;
            },
            ct);
        if (again is ReserveOutcome.Reserved reserved
            && await SettleWithReservationAsync(reserved.Reservation.Id, r => reservations.ConfirmAsync(r, actor, Paid, ct)) is true)
        {
            return SettleOutcome.Paid;
        }

        if (again is ReserveOutcome.Refused)
        {
            return SettleOutcome.AlreadySettled;
        }

        await CancelPaidWithoutStockAsync(orderId, reference, actor, ct);
        return SettleOutcome.StockLost;
    }

    /// <summary>The gateway declined: the order is cancelled and its reservation released, in one transaction.</summary>
    public async Task<SettleOutcome> FailAsync(Guid orderId, string? reference, string? code, string actor, CancellationToken ct)
    {
        var order = await db.Set<Order>().AsNoTracking().FirstOrDefaultAsync(o => o.Id == orderId, ct);
        if (order is null)
        {
            return SettleOutcome.NotFound;
        }

        if (order.Status != OrderStatus.PendingPayment)
        {
            return SettleOutcome.AlreadySettled;
        }

        var note = $"Payment declined ({code ?? "declined"}).";
        Task Declined(CancellationToken token) => ApplyAsync(orderId, OrderStatus.PendingPayment, async (tracked, payment, now) =>
        {
            var change = tracked.TransitionTo(OrderStatus.Cancelled, actor, note, now);
            OrderEvents.RecordStatusChanged(db, tracked, change);
            payment?.Decline(reference, code, now);
            await promotions.ReleaseAsync(db, orderId, token);
            audit.Record(db, "order.payment_declined", $"order/{orderId}", details: new { tracked.Number, code });
        }, token);

        var outcome = await SettleWithReservationAsync(order.ReservationId, r => reservations.ReleaseAsync(r, actor, Declined, ct)) switch
        {
            true => SettleOutcome.Declined,
            false => SettleOutcome.AlreadySettled,
            // The hold had already expired or been released: only the order and payment change.
            null => await TransactAsync(Declined, ct) ? SettleOutcome.Declined : SettleOutcome.AlreadySettled,
        };
        if (outcome == SettleOutcome.Declined)
        {
            metrics.PaymentDeclines.Add(1, new KeyValuePair<string, object?>("currency", order.Currency));
        }

        return outcome;
    }

    /// <summary>Records the gateway's reference of a charge still without an answer; the order stays pending.</summary>
    public async Task<SettleOutcome> MarkPendingAsync(Guid orderId, string? reference, CancellationToken ct)
    {
        db.ChangeTracker.Clear();
        var payment = await db.Set<Payment>().FirstOrDefaultAsync(p => p.OrderId == orderId, ct);
        if (payment is null)
        {
            return SettleOutcome.NotFound;
        }

        if (payment.Status == PaymentStatus.Pending)
        {
            payment.MarkPending(reference, time.GetUtcNow().UtcDateTime);
            await db.SaveChangesAsync(ct);
        }

        return SettleOutcome.Pending;
    }

    /// <summary>
    /// Cancels an order that has not shipped: releases its stock and, when it was paid, books a refund of what was charged
    /// (sent to the gateway after the commit), all in one transaction with the status change.
    /// </summary>
    public async Task<CancelOutcome> CancelAsync(Guid orderId, string actor, string? reason, CancellationToken ct)
    {
        var order = await db.Set<Order>().AsNoTracking().FirstOrDefaultAsync(o => o.Id == orderId, ct);
        if (order is null)
        {
            return CancelOutcome.NotFound;
        }

        if (!OrderStateMachine.IsCancellable(order.Status))
        {
            return CancelOutcome.NotCancellable;
        }

        var from = order.Status;
        PaymentRefund? refund = null;
        Task Cancel(CancellationToken token) => ApplyAsync(orderId, from, async (tracked, payment, now) =>
        {
            // Checked inside the transaction, after the reservation's row lock: a shipment that just left wins.
            if ((await tracking.ShipmentsAsync(orderId, token)).Count > 0)
            {
                throw new StaleOrderException();
            }

            var change = tracked.TransitionTo(OrderStatus.Cancelled, actor, reason ?? "Cancelled.", now);
            OrderEvents.RecordStatusChanged(db, tracked, change);
            if (payment is { Status: PaymentStatus.Pending })
            {
                payment.Void(now);
            }

            refund = await PaymentRefunds.Request(db, orderId, tracked.TotalMinor, "order_cancelled", $"refund:{orderId}:cancel", now, token);
            await promotions.ReleaseAsync(db, orderId, token);
            audit.Record(db, "order.cancelled", $"order/{orderId}", details: new
            {
                tracked.Number,
                from = OrderStateMachine.Name(from),
                reason,
                refund = refund?.AmountMinor,
            });
            foreach (var listener in fulfilment)
            {
                await listener.OnCancelledAsync(db, tracked, now, token);
            }
        }, token);

        var settled = await SettleWithReservationAsync(order.ReservationId, r => reservations.ReleaseAsync(r, actor, Cancel, ct))
            ?? await TransactAsync(Cancel, ct);
        if (!settled)
        {
            return CancelOutcome.NotCancellable;
        }

        if (refund is not null)
        {
            await refunds.ProcessAsync(refund.Id, ct);
        }

        return CancelOutcome.Cancelled;
    }

    private async Task CancelPaidWithoutStockAsync(Guid orderId, string? reference, string actor, CancellationToken ct)
    {
        const string Reason = "Payment arrived after the stock hold expired and the stock had been sold; the order was cancelled and refunded.";
        PaymentRefund? refund = null;
        var done = await TransactAsync(token => ApplyAsync(orderId, OrderStatus.PendingPayment, async (tracked, payment, now) =>
        {
            payment?.Capture(reference, now);
            var change = tracked.TransitionTo(OrderStatus.Cancelled, actor, Reason, now);
            OrderEvents.RecordStatusChanged(db, tracked, change);
            tracked.FlagForAttention(Reason, now);
            OrderEvents.RecordNeedsAttention(db, tracked, Reason, now);
            refund = await PaymentRefunds.Request(db, orderId, tracked.TotalMinor, "stock_unavailable", $"refund:{orderId}:stock", now, token);
            await promotions.ReleaseAsync(db, orderId, token);
            audit.Record(db, "order.cancelled", $"order/{orderId}", details: new { tracked.Number, reason = "stock_unavailable" });
        }, token), ct);
        if (done && refund is not null)
        {
            await refunds.ProcessAsync(refund.Id, ct);
        }
    }

    /// <summary>
    /// Runs a settlement through the order's reservation: true when it applied, false when the order had moved on (the
    /// whole transaction rolled back), null when there is no open reservation to carry it.
    /// </summary>
    private static async Task<bool?> SettleWithReservationAsync(Guid? reservationId, Func<Guid, Task<CloseOutcome>> settle)
    {
        if (reservationId is not { } id)
        {
            return null;
        }

        try
        {
            return await settle(id) is CloseOutcome.Closed ? true : null;
        }
        catch (StaleOrderException)
        {
            return false;
        }
        catch (DbUpdateConcurrencyException)
        {
            return false;
        }
    }

    /// <summary>Runs a settlement step in a transaction of its own: true when applied, false when the order had moved on.</summary>
    private async Task<bool> TransactAsync(Func<CancellationToken, Task> step, CancellationToken ct)
    {
        db.ChangeTracker.Clear();
        try
        {
            await using var transaction = await db.Database.BeginTransactionAsync(ct);
            await step(ct);
            await db.SaveChangesAsync(ct);
            await transaction.CommitAsync(ct);
            return true;
        }
        catch (Exception e) when (e is StaleOrderException or DbUpdateConcurrencyException)
        {
            return false;
        }
        finally
        {
            db.ChangeTracker.Clear();
        }
    }

    /// <summary>Loads the order (tracked) and its payment, checks it is still in <paramref name="expected"/>, applies the change.</summary>
    private async Task ApplyAsync(
        Guid orderId, OrderStatus expected, Func<Order, Payment?, DateTime, Task> change, CancellationToken ct)
    {
        var order = await db.Set<Order>().FirstAsync(o => o.Id == orderId, ct);
        if (order.Status != expected)
        {
            throw new StaleOrderException();
        }

        var payment = await db.Set<Payment>().FirstOrDefaultAsync(p => p.OrderId == orderId, ct);
        await change(order, payment, time.GetUtcNow().UtcDateTime);
    }

    /// <summary>
    /// One gateway call, bounded by <see cref="PaymentOptions.GatewayTimeout"/> whatever the gateway does: a checkout never
    /// waits on a gateway that does not answer (OWASP API10).
    /// </summary>
    private async Task<GatewayResult> CallAsync(Func<CancellationToken, Task<GatewayResult>> call, CancellationToken ct)
    {
        using var bounded = CancellationTokenSource.CreateLinkedTokenSource(ct);
        bounded.CancelAfter(paymentOptions.Value.GatewayTimeout);
        try
        {
            return await call(bounded.Token).WaitAsync(bounded.Token);
        }
        catch (Exception e) when (GatewayErrors.IsNoAnswer(e, ct))
        {
            // No answer is not a decline: the charge may exist. The order stays pending until the webhook or the
            // reconciliation learns the outcome under the same idempotency key.
            logger.LogWarning(e, "The payment gateway did not answer");
            return new GatewayResult(GatewayOutcome.Pending, null);
        }
    }
}
