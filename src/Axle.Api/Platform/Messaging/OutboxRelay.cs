using System.ComponentModel.DataAnnotations;
using Axle.Api.Platform.Data;
using Axle.Api.Platform.Hosting;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Axle.Api.Platform.Messaging;

public sealed class OutboxOptions
{
    public const string Section = "Outbox";

    /// <summary>How often the relay looks for new events.</summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "00:10:00")]
    public TimeSpan Interval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Events claimed per transaction.</summary>
    [Range(1, 10_000)]
    public int BatchSize { get; set; } = 500;

    /// <summary>Batches one iteration relays at most before yielding to the next tick (a backlog drains in bursts).</summary>
    [Range(1, 1_000)]
    public int MaxBatchesPerRun { get; set; } = 20;

    /// <summary>Relayed events are kept this long (for replays and the delivery log), then deleted.</summary>
    [Range(typeof(TimeSpan), "01:00:00", "365.00:00:00")]
    public TimeSpan Retention { get; set; } = TimeSpan.FromDays(7);
}

/// <summary>An event the relay hands to the sinks: the outbox row's id, type, JSON data and time.</summary>
public sealed record OutboxEvent(Guid Id, string Type, string Payload, DateTime OccurredAt);

/// <summary>
/// Where relayed events go: webhook subscriptions (fan-out into deliveries), a message broker. A sink runs inside the
/// relay's transaction: what it writes to the database commits together with the events being marked relayed, and an
/// exception rolls the batch back so it is relayed again later (sinks must therefore tolerate a repeat, e.g. by unique keys
/// or by consumers deduplicating on the event id).
/// </summary>
public interface IOutboxSink
{
    Task HandleAsync(AppDbContext db, IReadOnlyList<OutboxEvent> events, CancellationToken ct);
}

/// <summary>
/// The outbox relay (STYLE.md §8). Each batch is one transaction: claim the oldest unrelayed events (PostgreSQL
/// <c>FOR UPDATE SKIP LOCKED</c>: the row locks last until commit, so another instance skips them and no event is relayed
/// by two instances at once), hand them to every <see cref="IOutboxSink"/>, mark them relayed, commit. A failure rolls
/// back and the same events come again on the next tick. Relayed events older than <see cref="OutboxOptions.Retention"/>
/// are deleted.
/// </summary>
public sealed partial class OutboxRelayWorker(
    IServiceScopeFactory scopes, IOptions<WorkersOptions> workers, IOptions<OutboxOptions> options, TimeProvider clock,
    ILogger<OutboxRelayWorker> log)
    : PeriodicWorker(scopes, workers, clock, log)
{
    // A claim only locks its rows (SQLite: the relay's transaction is the one writer); the batch's one UPDATE marks them
    // relayed and counts the attempt. Counting it in the claim would write every row twice for nothing: a failed batch
    // rolls back, attempt count included.
    internal const string ClaimSql = """
        SELECT "Id", "Type", "Payload", "OccurredAt" FROM outbox_messages
        WHERE "DeliveredAt" IS NULL
        ORDER BY "OccurredAt", "Id"
        LIMIT {0}
        /*postgres: FOR UPDATE SKIP LOCKED */
        """;

    protected override TimeSpan Interval => options.Value.Interval;

    protected override async Task<int> RunAsync(IServiceProvider services, CancellationToken ct)
    {
        var db = services.GetRequiredService<AppDbContext>();
        var sinks = services.GetServices<IOutboxSink>().ToList();
        var time = services.GetRequiredService<TimeProvider>();
        var o = options.Value;
        var total = await DrainAsync(o.MaxBatchesPerRun, o.BatchSize, () => RelayBatchAsync(db, sinks, o.BatchSize, time, ct));
        var now = time.GetUtcNow().UtcDateTime;
        if (HousekeepingDue(now))
        {
            await PurgeAsync(db, now - o.Retention, ct);
        }

        return total;
    }

    private static async Task<int> RelayBatchAsync(
        AppDbContext db, IReadOnlyList<IOutboxSink> sinks, int limit, TimeProvider time, CancellationToken ct)
    {
        db.ChangeTracker.Clear();
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var sql = ProviderSql.For(db.Database, ClaimSql);
        var events = await db.Database.SqlQueryRaw<OutboxEvent>(sql, limit).ToListAsync(ct);
        if (events.Count == 0)
        {
            return 0;
        }

        events.Sort((a, b) => a.OccurredAt != b.OccurredAt ? a.OccurredAt.CompareTo(b.OccurredAt) : a.Id.CompareTo(b.Id));
        foreach (var sink in sinks)
        {
            await sink.HandleAsync(db, events, ct);
        }

        var ids = events.Select(e => e.Id).ToList();
        var now = time.GetUtcNow().UtcDateTime;
        await db.Set<OutboxMessage>().Where(m => ids.Contains(m.Id))
            .ExecuteUpdateAsync(s => s.SetProperty(m => m.DeliveredAt, now).SetProperty(m => m.Attempts, m => m.Attempts + 1), ct);
        await transaction.CommitAsync(ct);
        return events.Count;
    }

    /// <summary>Deletes relayed events past retention (sinks copy what they keep, e.g. each delivery its body).</summary>
    private async Task PurgeAsync(AppDbContext db, DateTime before, CancellationToken ct)
    {
        var purged = await db.Set<OutboxMessage>().Where(m => m.DeliveredAt != null && m.DeliveredAt < before).ExecuteDeleteAsync(ct);
        if (purged > 0)
        {
            LogPurged(log, purged);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Outbox: deleted {Count} relayed events past retention")]
    private static partial void LogPurged(ILogger logger, int count);
}

public static class MessagingSetup
{
    /// <summary>The outbox relay and its options; sinks (webhooks, a broker) are registered by their features.</summary>
    public static WebApplicationBuilder AddAxleMessaging(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<OutboxOptions>().BindConfiguration(OutboxOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddWorker<OutboxRelayWorker>();
        builder.AddRabbitMq();
        return builder;
    }
}
