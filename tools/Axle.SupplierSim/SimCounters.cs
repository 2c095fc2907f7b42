using System.Collections.Concurrent;

namespace Axle.SupplierSim;

/// <summary>A copy of the counters at one moment.</summary>
public sealed record SimStats(
    long TotalRequests,
    IReadOnlyDictionary<string, long> RequestsByPath,
    IReadOnlyDictionary<int, long> ResponsesByStatus,
    long NotModified,
    long RecordsServed,
    long FaultsApplied,
    long Aborted,
    long OrdersAccepted,
    long OrdersReplayed,
    long OrdersRejected);

/// <summary>Counts supplier-facing traffic (never <c>/_sim</c>). Thread-safe; <see cref="Reset"/> zeroes everything.</summary>
public sealed class SimCounters
{
    private readonly ConcurrentDictionary<string, long> _paths = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<int, long> _statuses = new();
    private long _total;
    private long _notModified;
    private long _records;
    private long _faults;
    private long _aborted;
    private long _ordersAccepted;
    private long _ordersReplayed;
    private long _ordersRejected;

    internal SimCounters()
    {
    }

    public SimStats Snapshot() => new(
        Interlocked.Read(ref _total),
        new SortedDictionary<string, long>(_paths, StringComparer.Ordinal),
        new SortedDictionary<int, long>(_statuses),
        Interlocked.Read(ref _notModified),
        Interlocked.Read(ref _records),
        Interlocked.Read(ref _faults),
        Interlocked.Read(ref _aborted),
        Interlocked.Read(ref _ordersAccepted),
        Interlocked.Read(ref _ordersReplayed),
        Interlocked.Read(ref _ordersRejected));

    public void Reset()
    {
        _paths.Clear();
        _statuses.Clear();
        Interlocked.Exchange(ref _total, 0);
        Interlocked.Exchange(ref _notModified, 0);
        Interlocked.Exchange(ref _records, 0);
        Interlocked.Exchange(ref _faults, 0);
        Interlocked.Exchange(ref _aborted, 0);
        Interlocked.Exchange(ref _ordersAccepted, 0);
        Interlocked.Exchange(ref _ordersReplayed, 0);
        Interlocked.Exchange(ref _ordersRejected, 0);
    }

    internal void Request(string path)
    {
        Interlocked.Increment(ref _total);
        _paths.AddOrUpdate(path, 1, static (_, n) => n + 1);
    }

    internal void Response(int status)
    {
        _statuses.AddOrUpdate(status, 1, static (_, n) => n + 1);
        if (status == StatusCodes.Status304NotModified)
        {
            Interlocked.Increment(ref _notModified);
        }
    }

    internal void Records(int count) => Interlocked.Add(ref _records, count);
    internal void Fault() => Interlocked.Increment(ref _faults);
    internal void Abort() => Interlocked.Increment(ref _aborted);
    internal void OrderAccepted() => Interlocked.Increment(ref _ordersAccepted);
    internal void OrderReplayed() => Interlocked.Increment(ref _ordersReplayed);
    internal void OrderRejected() => Interlocked.Increment(ref _ordersRejected);
}
