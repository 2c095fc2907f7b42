using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Globalization;
using Axle.Api.Platform.Http;
using Axle.Api.Platform.Observability;

namespace Axle.Api.Features.Suppliers;

/// <summary>Supplier sync instruments on Axle's meter (scraped at <c>/metrics</c>).</summary>
public sealed class SupplierMetrics
{
    public const string UpdateDelayName = "axle.supplier.update_delay";

    public SupplierMetrics(AxleMetrics metrics)
    {
        var meter = metrics.Meter;
        Pushes = meter.CreateCounter<long>("axle.supplier.pushes", description: "Supplier webhook calls by result (accepted, duplicate, unauthorized, invalid).");
        Records = meter.CreateCounter<long>("axle.supplier.records", description: "Supplier records by source (push, pull) and outcome (applied, unchanged, rejected, ignored).");
        UpdateDelay = metrics.CreateDurationHistogram(UpdateDelayName,
            "Inventory update delay: supplier event time to applied, per changed level.");
        SyncRuns = meter.CreateCounter<long>("axle.supplier.sync_runs", description: "Finished sync runs by mode and status.");
        SyncRetries = meter.CreateCounter<long>("axle.supplier.sync_retries", description: "Feed requests retried.");
        ThrottleWait = meter.CreateCounter<double>("axle.supplier.throttle_wait", unit: "s", description: "Time sync runs waited on rate limits.");
        Orders = meter.CreateCounter<long>("axle.supplier.orders",
            description: "Supplier order transmissions by kind (purchase_order, drop_ship) and outcome (acknowledged, retried, rejected, failed).");
        DeadLetters = meter.CreateCounter<long>("axle.dead_letters.created", description: "Dead letters written, by source and code.");
        meter.CreateObservableGauge("axle.supplier.last_sync_success", LastSuccesses, unit: "s",
            description: "Unix time of each supplier's last sync run that finished (succeeded or completed with errors), as seen by this instance.");
    }

    // Per supplier id: a handful of suppliers, so a bounded tag. Kept in memory: a scrape never queries.
    private readonly ConcurrentDictionary<long, double> _lastSuccess = new();

    public Counter<long> Pushes { get; }
    public Counter<long> Records { get; }
    public Histogram<double> UpdateDelay { get; }
    public Counter<long> SyncRuns { get; }
    public Counter<long> SyncRetries { get; }
    public Counter<double> ThrottleWait { get; }
    public Counter<long> Orders { get; }
    public Counter<long> DeadLetters { get; }

    /// <summary>A sync run reached a final status: counted by mode and status; a finished run moves its supplier's last success.</summary>
    internal void RunFinished(SyncRun run)
    {
        SyncRuns.Add(1, new("mode", WireNames.Of(run.Mode)), new("status", WireNames.Of(run.Status)));
        if (run.Status is SyncRunStatus.Succeeded or SyncRunStatus.CompletedWithErrors && run.FinishedAt is { } at)
        {
            var unix = new DateTimeOffset(at, TimeSpan.Zero).ToUnixTimeMilliseconds() / 1000.0;
            _lastSuccess.AddOrUpdate(run.SupplierId, unix, (_, known) => Math.Max(known, unix));
        }
    }

    private IEnumerable<Measurement<double>> LastSuccesses() =>
        _lastSuccess.Select(p => new Measurement<double>(p.Value, new KeyValuePair<string, object?>("supplier", p.Key.ToString(CultureInfo.InvariantCulture))));

    /// <summary>What one committed apply did: records by outcome, dead letters written, update delays of the changed levels.</summary>
    internal void Record(string source, string deadLetterSource, ApplyResult result)
    {
        var tally = result.Tally;
        var s = new KeyValuePair<string, object?>("source", source);
        Records.Add(tally.Applied, s, new("outcome", "applied"));
        Records.Add(tally.Unchanged, s, new("outcome", "unchanged"));
        Records.Add(tally.Rejected, s, new("outcome", "rejected"));
        Records.Add(tally.Ignored, s, new("outcome", "ignored"));
        if (tally.Rejected > 0)
        {
            DeadLetters.Add(tally.Rejected, new KeyValuePair<string, object?>("source", deadLetterSource));
        }

        foreach (var delay in result.DelaysSeconds)
        {
            UpdateDelay.Record(delay);
        }
    }
}
