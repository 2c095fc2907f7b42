using System.Text.Json;
using Axle.Api.Features.Orders;
using Axle.Api.Features.Suppliers.Feeds;
using Axle.Api.Platform.Data;
using Axle.Api.Platform.Hosting;
using Axle.Api.Platform.Messaging;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Axle.Api.Features.Suppliers.Ordering;

/// <summary>A supplier order a worker has claimed for one transmission.</summary>
internal sealed record ClaimedSupplierOrder(Guid Id, DateTime NextAttemptAt);

/// <summary>
/// Transmits pending supplier orders, due first. Each is claimed (PostgreSQL <c>FOR UPDATE SKIP LOCKED</c>, so instances
/// never send the same one at once; the claim expires, so a crashed worker's orders are sent again under the same
/// Idempotency-Key), POSTed with the supplier's feed credentials through <see cref="SupplierFeedClient"/>, and its outcome
/// recorded: 2xx → acknowledged with the supplier's order id; a 4xx refusal → rejected, dead-lettered; a transient failure
/// → tried again after an exponential backoff (or the supplier's longer Retry-After), failed and dead-lettered once
/// <see cref="SupplierOptions.OrderMaxAttempts"/> ran out. A drop-ship order that ends rejected or failed flags its customer
/// order (<c>order.needs_attention</c>).
/// </summary>
internal sealed partial class SupplierOrderWorker(
    IServiceScopeFactory scopes, IOptions<WorkersOptions> workers, IOptions<SupplierOptions> options, TimeProvider clock,
    ILogger<SupplierOrderWorker> log)
    : PeriodicWorker(scopes, workers, clock, log)
{
    public const string DeadLetterSource = "supplier_order";

    internal const string ClaimSql = """
        UPDATE supplier_orders SET "ClaimedUntil" = {0}, "Attempts" = "Attempts" + 1
        WHERE "Id" IN (
            SELECT "Id" FROM supplier_orders
            WHERE "Status" = 'Pending' AND "NextAttemptAt" <= {1} AND ("ClaimedUntil" IS NULL OR "ClaimedUntil" < {1})
            ORDER BY "NextAttemptAt"
            LIMIT {2}
            /*postgres: FOR UPDATE SKIP LOCKED */)
        RETURNING "Id", "NextAttemptAt"
        """;

    protected override TimeSpan Interval => options.Value.OrderInterval;

    protected override async Task<int> RunAsync(IServiceProvider services, CancellationToken ct)
    {
        var db = services.GetRequiredService<AppDbContext>();
        var time = services.GetRequiredService<TimeProvider>();
        var o = options.Value;
        var now = time.GetUtcNow().UtcDateTime;
        var sql = ProviderSql.For(db.Database, ClaimSql);
        var claimed = await db.Database.SqlQueryRaw<ClaimedSupplierOrder>(sql, now + o.OrderClaim, now, o.OrderBatch).ToListAsync(ct);
        foreach (var order in claimed.OrderBy(c => c.NextAttemptAt))
        {
            await TransmitAsync(services, db, order.Id, ct);
        }

        return claimed.Count;
    }

    private async Task TransmitAsync(IServiceProvider services, AppDbContext db, Guid id, CancellationToken ct)
    {
        var client = services.GetRequiredService<SupplierFeedClient>();
        var secrets = services.GetRequiredService<SupplierSecrets>();
        var metrics = services.GetRequiredService<SupplierMetrics>();
        var time = services.GetRequiredService<TimeProvider>();
        var logger = services.GetRequiredService<ILogger<SupplierOrderWorker>>();

        db.ChangeTracker.Clear();
        var order = await db.Set<SupplierOrder>().Include(o => o.Lines).FirstOrDefaultAsync(o => o.Id == id, ct);
        if (order is not { Status: SupplierOrderStatus.Pending })
        {
            return;
        }

        var supplier = await db.Set<Supplier>().AsNoTracking().FirstOrDefaultAsync(s => s.Id == order.SupplierId, ct);
        var body = SupplierOrderBody.Build(order.Reference, order.Kind,
            order.Lines.Select(l => new SupplierOrderBody.Line(l.PartNumber, l.Quantity)), order.ShipTo);
        OrderSendResult result;
        if (supplier is null || OrderUrlOf(supplier) is not { } settings)
        {
            result = new OrderSendResult
            {
                Failure = new FeedFailure(FeedFailureKind.Permanent, "no_order_endpoint", "The supplier no longer has an order endpoint."),
            };
        }
        else if (!supplier.Active)
        {
            result = new OrderSendResult
            {
                Failure = new FeedFailure(FeedFailureKind.Transient, "supplier_inactive", "The supplier is inactive; the order waits for it."),
            };
        }
        else
        {
            var credentials = supplier.FeedCredentials is { } protectedJson
                ? JsonSerializer.Deserialize<FeedCredentials>(secrets.UnprotectCredentials(protectedJson), SupplierResponse.Json)
                : null;
            result = await client.SendOrderAsync(new FeedRequest(supplier.Code, settings, credentials), order.IdempotencyKey, body, ct);
        }

        var now = time.GetUtcNow().UtcDateTime;
        var outcome = Record(db, order, result, SupplierOrderBody.Text(body), now);
        if (outcome is "rejected" or "failed" && order is { Kind: SupplierOrderKind.DropShip, CustomerOrderId: { } customerOrderId }
            && await db.Set<Order>().FirstOrDefaultAsync(c => c.Id == customerOrderId, ct) is { } customerOrder)
        {
            var note = $"The drop-ship order {order.Reference} to the supplier was {outcome}: {order.LastError}";
            customerOrder.FlagForAttention(note, now);
            OrderEvents.RecordNeedsAttention(db, customerOrder, note, now);
        }

        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateConcurrencyException e)
        {
            // Changed under us (retried, cancelled): the claim lapses and the order is looked at again under the same key.
            LogConflict(logger, e, order.Id);
            return;
        }

        metrics.Orders.Add(1, new("kind", SupplierOrderBody.KindName(order.Kind)), new("outcome", outcome));
        if (outcome is "rejected" or "failed")
        {
            metrics.DeadLetters.Add(1, new KeyValuePair<string, object?>("source", DeadLetterSource));
            LogGaveUp(logger, order.Id, outcome, order.LastError);
        }
    }

    /// <summary>Applies the supplier's answer to the order (and writes its dead letter); returns the metrics outcome.</summary>
    private string Record(AppDbContext db, SupplierOrder order, OrderSendResult result, string body, DateTime now)
    {
        if (result.Failure is not { } failure)
        {
            order.Acknowledge(result.SupplierOrderId, result.Body, result.StatusCode ?? 200, now);
            return "acknowledged";
        }

        var error = $"{failure.Code}: {failure.Message}";
        if (failure.Kind == FeedFailureKind.Transient && order.Attempts < options.Value.OrderMaxAttempts)
        {
            var o = options.Value;
            var backoff = TimeSpan.FromTicks((long)Math.Min(o.OrderRetryMaxDelay.Ticks, o.OrderRetryBaseDelay.Ticks * Math.Pow(2, order.Attempts - 1)));
            var wait = failure.RetryAfter is { } retryAfter && retryAfter > backoff ? retryAfter : backoff;
            order.Postpone(error, failure.StatusCode, now + wait, now);
            return "retried";
        }

        // A supplier's own 4xx refusal is a rejection; anything else that will not succeed by waiting is a failure.
        var rejected = failure.Kind == FeedFailureKind.Permanent && failure.StatusCode is >= 400 and < 500;
        var status = rejected ? SupplierOrderStatus.Rejected : SupplierOrderStatus.Failed;
        var reason = rejected ? error : failure.Kind == FeedFailureKind.Transient
            ? $"Gave up after {order.Attempts} attempts; last: {error}"
            : error;
        order.Fail(status, reason, failure.StatusCode, now);
        db.Add(new DeadLetter(DeadLetterSource, order.SupplierId, order.Id.ToString(), null, failure.Code, null, reason, body, now));
        return rejected ? "rejected" : "failed";
    }

    private static FeedSettings? OrderUrlOf(Supplier supplier)
    {
        if (SupplierOrderQueue.OrderUrlOf(supplier) is null)
        {
            return null;
        }

        return JsonSerializer.Deserialize<FeedSettings>(supplier.Feed!, SupplierResponse.Json);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Supplier order {OrderId} changed while it was transmitted; its outcome was not recorded")]
    private static partial void LogConflict(ILogger logger, Exception exception, Guid orderId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Supplier order {OrderId} {Outcome}: {Error}")]
    private static partial void LogGaveUp(ILogger logger, Guid orderId, string outcome, string? error);
}
