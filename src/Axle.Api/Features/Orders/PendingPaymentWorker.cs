using Axle.Api.Features.Inventory;
using Axle.Api.Features.Payments;
using Axle.Api.Platform.Data;
using Axle.Api.Platform.Hosting;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Axle.Api.Features.Orders;

/// <summary>
/// Settles orders left in <c>pending_payment</c> — by a gateway timeout, or by a crash between reserving and charging:
/// asks the gateway about the charge (by its idempotency key) and marks the order paid or declined; with still no answer
/// after <see cref="OrderOptions.PaymentTimeout"/>, or once the stock hold has lapsed, cancels it and voids the charge.
/// Also retries refunds the gateway has not confirmed.
/// </summary>
internal sealed class PendingPaymentWorker(
    IServiceScopeFactory scopes, IOptions<WorkersOptions> workers, IOptions<OrderOptions> options, TimeProvider time,
    ILogger<PendingPaymentWorker> logger)
    : PeriodicWorker(scopes, workers, time, logger)
{
    public const int BatchSize = 100;

    protected override TimeSpan Interval => options.Value.ReconcileInterval;

    protected override async Task<int> RunAsync(IServiceProvider services, CancellationToken ct)
    {
        var db = services.GetRequiredService<AppDbContext>();
        var gateway = services.GetRequiredService<IPaymentGateway>();
        var settlement = services.GetRequiredService<OrderSettlement>();
        var refunds = services.GetRequiredService<PaymentRefunds>();
        var now = services.GetRequiredService<TimeProvider>().GetUtcNow().UtcDateTime;
        var checkBefore = now - options.Value.PaymentCheckAfter;
        var pending = await db.Set<Order>().AsNoTracking()
            .Where(o => o.Status == OrderStatus.PendingPayment && o.CreatedAt <= checkBefore)
            .OrderBy(o => o.CreatedAt)
            .Select(o => new
            {
                o.Id,
                o.CreatedAt,
                Payment = db.Set<Payment>().Where(p => p.OrderId == o.Id).Select(p => new { p.IdempotencyKey, p.Reference }).FirstOrDefault(),
                HoldOpen = db.Set<Reservation>().Any(r => r.Id == o.ReservationId && r.Status == ReservationStatus.Held),
            })
            .Take(BatchSize)
            .ToListAsync(ct);

        var handled = 0;
        foreach (var order in pending)
        {
            var answer = order.Payment is null
                ? new GatewayResult(GatewayOutcome.Pending, null)
                : await gateway.LookupAsync(order.Payment.IdempotencyKey, ct);
            var outcome = answer.Outcome switch
            {
                GatewayOutcome.Approved => await settlement.MarkPaidAsync(order.Id, answer.Reference, OrderEvents.System, ct),
                GatewayOutcome.Declined => await settlement.FailAsync(order.Id, answer.Reference, answer.DeclineCode, OrderEvents.System, ct),
                _ when !order.HoldOpen || order.CreatedAt <= now - options.Value.PaymentTimeout =>
                    await TimeOutAsync(order.Id, order.Payment?.Reference, order.Payment?.IdempotencyKey),
                _ => SettleOutcome.Pending,
            };
            if (outcome != SettleOutcome.Pending)
            {
                handled++;
            }
        }

        foreach (var refund in await refunds.DueAsync(options.Value.ReconcileInterval, BatchSize, ct))
        {
            if (await refunds.ProcessAsync(refund, ct) != RefundStatus.Pending)
            {
                handled++;
            }
        }

        return handled;

        async Task<SettleOutcome> TimeOutAsync(Guid orderId, string? reference, string? key)
        {
            if (await settlement.CancelAsync(orderId, OrderEvents.System, "Payment was not confirmed in time.", ct) != CancelOutcome.Cancelled)
            {
                return SettleOutcome.AlreadySettled;
            }

            if (reference is not null && key is not null)
            {
                await gateway.VoidAsync(reference, key + ":void", ct);
            }

            return SettleOutcome.Declined;
        }
    }
}
