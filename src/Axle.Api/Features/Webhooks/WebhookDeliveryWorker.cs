using Axle.Api.Features.Audit;
using Axle.Api.Platform.Data;
using Axle.Api.Platform.Hosting;
using Axle.Api.Platform.Messaging;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Axle.Api.Features.Webhooks;

/// <summary>
/// Sends due deliveries. Each iteration claims a batch (PostgreSQL <c>FOR UPDATE SKIP LOCKED</c>, so two instances never
/// send the same delivery at once; the claim expires, so a crashed worker's deliveries are sent again), sends them side by
/// side, and records every attempt: 2xx → delivered; otherwise the next attempt per <see cref="WebhookOptions.Schedule"/>,
/// and after the last one the delivery fails and becomes a dead letter (replayable). A subscription whose attempts keep
/// failing for <see cref="WebhookOptions.DisableAfter"/> is disabled, with an event and an audit entry.
/// </summary>
internal sealed partial class WebhookDeliveryWorker(
    IServiceScopeFactory scopes, IOptions<WorkersOptions> workers, IOptions<WebhookOptions> options, TimeProvider clock,
    ILogger<WebhookDeliveryWorker> log)
    : PeriodicWorker(scopes, workers, clock, log)
{
    public const string DeadLetterSource = "webhook_delivery";

    internal const string ClaimSql = """
        UPDATE webhook_deliveries SET "ClaimedUntil" = {0}, "Attempts" = "Attempts" + 1
        WHERE "Id" IN (
            SELECT d."Id" FROM webhook_deliveries d
            JOIN webhook_subscriptions s ON s."Id" = d."SubscriptionId"
            WHERE d."Status" = 'Pending' AND d."NextAttemptAt" <= {1} AND (d."ClaimedUntil" IS NULL OR d."ClaimedUntil" < {1})
              AND s."Active"
            ORDER BY d."NextAttemptAt"
            LIMIT {2}
            /*postgres: FOR UPDATE OF d SKIP LOCKED */)
        RETURNING "Id"
        """;

    protected override TimeSpan Interval => options.Value.Interval;

    protected override async Task<int> RunAsync(IServiceProvider services, CancellationToken ct)
    {
        var db = services.GetRequiredService<AppDbContext>();
        var time = services.GetRequiredService<TimeProvider>();
        var o = options.Value;
        var claimFor = o.AttemptTimeout * 2 + TimeSpan.FromMinutes(1);
        var sql = ProviderSql.For(db.Database, ClaimSql);
        var total = await DrainAsync(o.MaxBatchesPerRun, o.BatchSize, async () =>
        {
            var now = time.GetUtcNow().UtcDateTime;
            var ids = await db.Database.SqlQueryRaw<Guid>(sql, now + claimFor, now, o.BatchSize).ToListAsync(ct);
            if (ids.Count > 0)
            {
                await SendAsync(services, db, ids, ct);
            }

            return ids.Count;
        });

        var end = time.GetUtcNow().UtcDateTime;
        if (HousekeepingDue(end))
        {
            await db.Set<WebhookDelivery>()
                .Where(d => d.Status == WebhookDeliveryStatus.Delivered && d.DeliveredAt < end - o.DeliveryRetention)
                .ExecuteDeleteAsync(ct);
        }

        return total;
    }

    private async Task SendAsync(IServiceProvider services, AppDbContext db, List<Guid> ids, CancellationToken ct)
    {
        var sender = services.GetRequiredService<WebhookSender>();
        var secrets = services.GetRequiredService<WebhookSecrets>();
        var time = services.GetRequiredService<TimeProvider>();

        db.ChangeTracker.Clear();
        var deliveries = await db.Set<WebhookDelivery>().AsNoTracking().Where(d => ids.Contains(d.Id)).ToListAsync(ct);
        var subscriptionIds = deliveries.Select(d => d.SubscriptionId).Distinct().ToList();
        var subscriptions = await db.Set<WebhookSubscription>().AsNoTracking()
            .Where(s => subscriptionIds.Contains(s.Id)).ToDictionaryAsync(s => s.Id, ct);
        // A subscription deleted since the claim took its deliveries with it.
        deliveries.RemoveAll(d => !subscriptions.ContainsKey(d.SubscriptionId));

        var started = time.GetUtcNow();
        var signing = subscriptions.ToDictionary(s => s.Key, s => secrets.SigningSecrets(s.Value, started.UtcDateTime));
        var results = new Dictionary<Guid, SendResult>();
        var gate = new Lock();
        await Parallel.ForEachAsync(deliveries,
            new ParallelOptions { MaxDegreeOfParallelism = options.Value.Parallelism, CancellationToken = ct },
            async (delivery, token) =>
            {
                var subscription = subscriptions[delivery.SubscriptionId];
                var body = OutboxEnvelope.Serialize(delivery.EventType, delivery.OccurredAt, delivery.Payload);
                var result = await sender.SendAsync(subscription.Url, OutboxEnvelope.MessageId(delivery.EventId), body,
                    signing[subscription.Id], time.GetUtcNow(), token);
                lock (gate)
                {
                    results[delivery.Id] = result;
                }
            });

        try
        {
            await RecordAsync(services, db, results, ct);
        }
        catch (DbUpdateException e)
        {
            // A delivery vanished or changed under us (its subscription deleted, a replay): record the rest again from fresh rows.
            LogRecordRetry(log, e);
            db.ChangeTracker.Clear();
            await RecordAsync(services, db, results, ct);
        }
    }

    /// <summary>Records the attempts' outcomes on the deliveries that still exist, in one transaction with their subscriptions' health.</summary>
    private async Task RecordAsync(IServiceProvider services, AppDbContext db, Dictionary<Guid, SendResult> results, CancellationToken ct)
    {
        var metrics = services.GetRequiredService<WebhookMetrics>();
        var time = services.GetRequiredService<TimeProvider>();
        var o = options.Value;
        var now = time.GetUtcNow().UtcDateTime;
        var ids = results.Keys.ToList();

        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var deliveries = await db.Set<WebhookDelivery>().Where(d => ids.Contains(d.Id)).ToListAsync(ct);
        var previousAttempts = await db.Set<WebhookDeliveryAttempt>().Where(a => ids.Contains(a.DeliveryId))
            .GroupBy(a => a.DeliveryId).Select(g => new { g.Key, Count = g.Count() })
            .ToDictionaryAsync(g => g.Key, g => g.Count, ct);
        var outcomes = new Dictionary<Guid, (int Failures, bool AnySuccess)>();
        foreach (var delivery in deliveries)
        {
            var result = results[delivery.Id];
            var number = previousAttempts.GetValueOrDefault(delivery.Id) + 1;
            db.Add(new WebhookDeliveryAttempt(delivery.Id, number, now, result.StatusCode, result.LatencyMs, result.Error, result.Response));
            metrics.Latency.Record(result.LatencyMs / 1000.0);
            var (failures, anySuccess) = outcomes.GetValueOrDefault(delivery.SubscriptionId);
            if (result.Success)
            {
                delivery.Succeed(result.StatusCode!.Value, result.LatencyMs, now);
                outcomes[delivery.SubscriptionId] = (failures, true);
                metrics.Deliveries.Add(1, new KeyValuePair<string, object?>("result", "delivered"));
                continue;
            }

            outcomes[delivery.SubscriptionId] = (failures + 1, anySuccess);
            var retryAt = result.Permanent ? null : NextAttempt(delivery.Attempts, now, o);
            delivery.Fail(result.StatusCode, result.LatencyMs, result.Error ?? "Failed.", retryAt, now);
            if (retryAt is not null)
            {
                metrics.Deliveries.Add(1, new KeyValuePair<string, object?>("result", "failed"));
                continue;
            }

            metrics.Deliveries.Add(1, new KeyValuePair<string, object?>("result", "dead"));
            var reason = result.Permanent
                ? result.Error ?? "The URL is refused."
                : $"Gave up after {delivery.Attempts} attempts; last: {result.Error}";
            db.Add(new DeadLetter(DeadLetterSource, null, delivery.Id.ToString(), null,
                result.Permanent ? "url_refused" : "delivery_failed", null, reason, delivery.Payload, now));
        }

        await db.SaveChangesAsync(ct);
        foreach (var (subscriptionId, (failures, anySuccess)) in outcomes)
        {
            await RecordHealthAsync(services, db, subscriptionId, failures, anySuccess, now, ct);
        }

        await transaction.CommitAsync(ct);
    }

    /// <summary>The wait before the next attempt after <paramref name="attempts"/> attempts, jittered; null when the schedule ran out.</summary>
    internal static DateTime? NextAttempt(int attempts, DateTime now, WebhookOptions o)
    {
        var schedule = o.Schedule;
        if (attempts < 1 || attempts > schedule.Count)
        {
            return null;
        }

        var wait = schedule[attempts - 1];
        var factor = 1 + (o.Jitter * ((Random.Shared.NextDouble() * 2) - 1));
        return now + TimeSpan.FromTicks((long)(wait.Ticks * factor));
    }

    /// <summary>
    /// Keeps the subscription's failure streak (set-based, so an owner's concurrent edit is neither lost nor refused) and
    /// disables it once the streak is both long and old enough. Only the instance whose update flips it writes the event.
    /// </summary>
    private async Task RecordHealthAsync(
        IServiceProvider services, AppDbContext db, Guid subscriptionId, int failures, bool anySuccess, DateTime now, CancellationToken ct)
    {
        var subscriptions = db.Set<WebhookSubscription>().Where(s => s.Id == subscriptionId);
        if (anySuccess)
        {
            await subscriptions.Where(s => s.ConsecutiveFailures != 0)
                .ExecuteUpdateAsync(s => s.SetProperty(x => x.ConsecutiveFailures, 0).SetProperty(x => x.FailingSince, (DateTime?)null), ct);
            return;
        }

        await subscriptions.ExecuteUpdateAsync(s => s
            .SetProperty(x => x.ConsecutiveFailures, x => x.ConsecutiveFailures + failures)
            .SetProperty(x => x.FailingSince, x => x.FailingSince ?? now), ct);

        var o = options.Value;
        var cutoff = now - o.DisableAfter;
        var state = await subscriptions.AsNoTracking()
            .Select(s => new { s.Active, s.ConsecutiveFailures, s.FailingSince, s.Url })
            .FirstOrDefaultAsync(ct);
        if (state is not { Active: true } || state.ConsecutiveFailures < o.DisableAfterFailures || state.FailingSince > cutoff)
        {
            return;
        }

        var reason = $"Disabled after {state.ConsecutiveFailures} failed attempts in a row since {state.FailingSince:O}.";
        var flipped = await subscriptions.Where(s => s.Active).ExecuteUpdateAsync(s => s
            .SetProperty(x => x.Active, false)
            .SetProperty(x => x.DisabledReason, reason)
            .SetProperty(x => x.DisabledAt, now)
            .SetProperty(x => x.UpdatedAt, now)
            .SetProperty(x => x.Version, x => x.Version + 1), ct);
        if (flipped == 0)
        {
            return;
        }

        Outbox.Add(db, WebhookEventTypes.SubscriptionDisabled, new
        {
            subscriptionId,
            url = state.Url,
            reason,
            consecutiveFailures = state.ConsecutiveFailures,
            failingSince = state.FailingSince,
        }, now);
        services.GetRequiredService<AuditTrail>().Record(db, "webhooks.subscription_disabled", $"webhook-subscription/{subscriptionId}",
            details: new { reason }, actorType: "system");
        await db.SaveChangesAsync(ct);
        services.GetRequiredService<WebhookMetrics>().Disabled.Add(1);
        LogDisabled(log, subscriptionId, reason);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Recording webhook attempts failed; recording them again from fresh rows")]
    private static partial void LogRecordRetry(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Webhook subscription {SubscriptionId} disabled: {Reason}")]
    private static partial void LogDisabled(ILogger logger, Guid subscriptionId, string reason);
}
