using System.Diagnostics.Metrics;
using Axle.Api.Platform.Data;
using Axle.Api.Platform.Hosting;
using Axle.Api.Platform.Messaging;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Axle.Api.Platform.Observability;

/// <summary>
/// Backlog gauges of the outbox, the inbox and the dead letters. A scrape reads the last sample and never touches the
/// database; <see cref="QueueDepthSampler"/> refreshes the sample. Every instance reports the same numbers (they count
/// shared tables), so dashboards take the max over instances, not the sum.
/// </summary>
public sealed class QueueDepths
{
    private Sample? _last;

    public QueueDepths(AxleMetrics metrics)
    {
        var meter = metrics.Meter;
        meter.CreateObservableGauge("axle.outbox.pending", () => Read(s => s.OutboxPending),
            unit: "{message}", description: "Outbox messages not yet delivered.");
        meter.CreateObservableGauge("axle.outbox.oldest_pending_age", () => Read(s => s.OutboxOldestAgeSeconds),
            unit: "s", description: "Age of the oldest undelivered outbox message (0 when none).");
        meter.CreateObservableGauge("axle.inbox.pending", () => Read(s => s.InboxPending),
            unit: "{message}", description: "Inbox messages received but not yet processed.");
        meter.CreateObservableGauge("axle.dead_letters.open", () => Read(s => s.DeadLettersOpen),
            unit: "{message}", description: "Dead letters waiting for a replay or a decision.");
    }

    public sealed record Sample(long OutboxPending, double OutboxOldestAgeSeconds, long InboxPending, long DeadLettersOpen);

    public Sample? Last => Volatile.Read(ref _last);

    internal void Update(Sample sample) => Volatile.Write(ref _last, sample);

    // No measurement before the first sample: "unknown" must not look like "empty".
    private IEnumerable<Measurement<double>> Read(Func<Sample, double> value) =>
        Last is { } sample ? [new Measurement<double>(value(sample))] : [];
}

/// <summary>Counts the backlogs behind <see cref="QueueDepths"/>: four indexed counts per interval.</summary>
public sealed class QueueDepthSampler(
    IServiceScopeFactory scopes, IOptions<WorkersOptions> workers, IOptions<ObservabilityOptions> options, QueueDepths depths,
    TimeProvider clock, ILogger<QueueDepthSampler> logger)
    : PeriodicWorker(scopes, workers, clock, logger)
{
    protected override TimeSpan Interval => options.Value.QueueSampleInterval;

    protected override async Task<int> RunAsync(IServiceProvider services, CancellationToken ct)
    {
        var db = services.GetRequiredService<AppDbContext>();
        var pending = db.Set<OutboxMessage>().AsNoTracking().Where(m => m.DeliveredAt == null);
        var outbox = await pending.LongCountAsync(ct);
        var oldest = outbox == 0 ? null : await pending.MinAsync(m => (DateTime?)m.OccurredAt, ct);
        var inbox = await db.Set<InboxMessage>().AsNoTracking().LongCountAsync(m => m.ProcessedAt == null, ct);
        var dead = await db.Set<DeadLetter>().AsNoTracking().LongCountAsync(d => d.Status == DeadLetterStatus.Open, ct);
        var now = services.GetRequiredService<TimeProvider>().GetUtcNow().UtcDateTime;
        var age = oldest is { } at ? Math.Max(0, (now - at).TotalSeconds) : 0;
        depths.Update(new QueueDepths.Sample(outbox, age, inbox, dead));
        // Not "items handled": a sample is not worth an information log line every interval.
        return 0;
    }
}
