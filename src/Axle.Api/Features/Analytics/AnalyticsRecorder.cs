using System.Diagnostics.Metrics;
using Axle.Api.Features.Orders;
using Axle.Api.Features.Suppliers;
using Axle.Api.Platform.Observability;

namespace Axle.Api.Features.Analytics;

/// <summary>
/// Listens to the instruments that features already record (HTTP server requests, order placements, status changes,
/// revenue, processing times, supplier update delays) and adds each measurement to an in-memory count for its hour. The
/// flush worker moves the counts into <see cref="AnalyticsRollup"/> rows every few seconds, so a request pays a dictionary
/// update, never a database write. Only this host's instruments are heard: other hosts in the process (tests) have theirs.
/// </summary>
public sealed class AnalyticsRecorder : IDisposable
{
    public const string OrdersPlaced = "orders.placed";
    public const string OrdersEntered = "orders.entered";
    public const string Revenue = "orders.revenue";
    public const string Requests = "http.requests";
    public const string ClientErrors = "http.4xx";
    public const string ServerErrors = "http.5xx";
    public const string PlacedToPaid = "duration.placed_to_paid";
    public const string PaidToShipped = "duration.paid_to_shipped";
    public const string InventoryUpdateDelay = "duration.inventory_update";

    private const string HostingMeter = "Microsoft.AspNetCore.Hosting";
    private const string RequestDuration = "http.server.request.duration";

    private readonly Lock _lock = new();
    private readonly MeterListener _listener = new();
    private readonly TimeProvider _time;
    private Dictionary<RollupKey, long> _counts = [];

    public AnalyticsRecorder(AxleMetrics axle, IMeterFactory meters, TimeProvider time)
    {
        _time = time;
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            var ours = ReferenceEquals(instrument.Meter, axle.Meter) && instrument.Name is OrderMetrics.PlacedName
                or OrderMetrics.StatusChangesName or OrderMetrics.RevenueName or OrderMetrics.ProcessingTimeName
                or SupplierMetrics.UpdateDelayName;
            var requests = instrument.Meter.Name == HostingMeter && instrument.Name == RequestDuration
                && ReferenceEquals(instrument.Meter.Scope, meters);
            if (ours || requests)
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) => OnMeasurement(instrument.Name, value, tags));
        _listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) => OnMeasurement(instrument.Name, value, tags));
        _listener.Start();
    }

    public bool HasPending
    {
        get
        {
            lock (_lock)
            {
                return _counts.Count > 0;
            }
        }
    }

    /// <summary>Takes every count gathered so far; the caller flushes them, or gives them back with <see cref="Restore"/>.</summary>
    public List<KeyValuePair<RollupKey, long>> Drain()
    {
        Dictionary<RollupKey, long> taken;
        lock (_lock)
        {
            taken = _counts;
            _counts = [];
        }

        return [.. taken];
    }

    /// <summary>Puts back counts a flush could not write, so the next flush tries them again.</summary>
    public void Restore(IEnumerable<KeyValuePair<RollupKey, long>> counts)
    {
        lock (_lock)
        {
            foreach (var (key, value) in counts)
            {
                _counts[key] = _counts.GetValueOrDefault(key) + value;
            }
        }
    }

    public void Dispose() => _listener.Dispose();

    private void OnMeasurement(string instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        switch (instrument)
        {
            case RequestDuration:
                var route = Tag(tags, "http.route") ?? "(unmatched)";
                var endpoint = Truncate($"{Tag(tags, "http.request.method") ?? "_OTHER"} {route}");
                Add(Requests, endpoint, 1);
                var status = Tag(tags, "http.response.status_code") is { } code && int.TryParse(code, out var parsed) ? parsed : 0;
                if (status is >= 400 and < 500)
                {
                    Add(ClientErrors, endpoint, 1);
                }
                else if (status >= 500)
                {
                    Add(ServerErrors, endpoint, 1);
                }

                break;
            case OrderMetrics.PlacedName:
                Add(OrdersPlaced, Tag(tags, "currency") ?? "", (long)value);
                break;
            case OrderMetrics.StatusChangesName:
                Add(OrdersEntered, Tag(tags, "to") ?? "", (long)value);
                break;
            case OrderMetrics.RevenueName:
                // The instrument counts major units (a Prometheus convention); the rollup keeps exact minor units.
                Add(Revenue, Tag(tags, "currency") ?? "", (long)Math.Round(value * 100, MidpointRounding.AwayFromZero));
                break;
            case OrderMetrics.ProcessingTimeName:
                var stage = Tag(tags, "stage") switch
                {
                    OrderMetrics.PlacedToPaid => PlacedToPaid,
                    OrderMetrics.PaidToShipped => PaidToShipped,
                    _ => null,
                };
                if (stage is not null)
                {
                    Add(stage, DurationBuckets.Key(DurationBuckets.IndexOf(value)), 1);
                }

                break;
            case SupplierMetrics.UpdateDelayName:
                Add(InventoryUpdateDelay, DurationBuckets.Key(DurationBuckets.IndexOf(value)), 1);
                break;
        }
    }

    private void Add(string metric, string key, long value)
    {
        if (value == 0)
        {
            return;
        }

        var rollup = new RollupKey(AnalyticsRollup.HourOf(_time.GetUtcNow().UtcDateTime), metric, key);
        lock (_lock)
        {
            _counts[rollup] = _counts.GetValueOrDefault(rollup) + value;
        }
    }

    private static string? Tag(ReadOnlySpan<KeyValuePair<string, object?>> tags, string name)
    {
        foreach (var (key, value) in tags)
        {
            if (key == name)
            {
                return Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture);
            }
        }

        return null;
    }

    private static string Truncate(string text) =>
        text.Length <= AnalyticsRollup.KeyMaxLength ? text : text[..AnalyticsRollup.KeyMaxLength];
}
