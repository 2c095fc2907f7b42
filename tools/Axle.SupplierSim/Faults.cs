namespace Axle.SupplierSim;

public enum FaultKind
{
    /// <summary>Answer with <see cref="Fault.StatusCode"/> (500, 502, 503...) and a small JSON error.</summary>
    Status,

    /// <summary>429 with <c>Retry-After</c>.</summary>
    TooManyRequests,

    /// <summary>Wait before the headers, then answer normally.</summary>
    Delay,

    /// <summary>Never answer: hold the request until the client gives up (or the hang limit passes, then abort).</summary>
    Hang,

    /// <summary>Feed only: a 200 whose JSON (or CSV) body is cut off half way.</summary>
    MalformedBody,

    /// <summary>Feed only: every third item lacks <see cref="Fault.Field"/>.</summary>
    MissingFields,

    /// <summary>Feed only: <c>qtyAvail</c> is renamed <c>quantityAvailable</c>.</summary>
    SchemaDrift,

    /// <summary>Feed only: some items repeat within the page, and the next cursor re-serves the page's last items.</summary>
    Duplicates,

    /// <summary>Feed only: some items are followed by an older version of themselves (older lastUpdated, other quantity).</summary>
    OutOfOrder,

    /// <summary>410 <c>{"error":"cursor_expired"}</c>.</summary>
    ExpiredCursor,

    /// <summary>The connection is aborted without a response.</summary>
    ConnectionReset,
}

public enum FaultField
{
    QtyAvail,
    PartNo,
}

/// <summary>One injected misbehaviour. Build with the factory methods.</summary>
public sealed record Fault(FaultKind Kind)
{
    public int StatusCode { get; init; }
    public TimeSpan Delay { get; init; }
    public TimeSpan RetryAfter { get; init; }
    public FaultField Field { get; init; }

    /// <summary>Faults that change a feed body rather than the whole exchange; other paths never consume them.</summary>
    public bool ShapesBody => Kind is FaultKind.MalformedBody or FaultKind.MissingFields or FaultKind.SchemaDrift
        or FaultKind.Duplicates or FaultKind.OutOfOrder;

    public static Fault Status(int statusCode) => new(FaultKind.Status) { StatusCode = statusCode };
    public static Fault TooManyRequests(TimeSpan retryAfter) => new(FaultKind.TooManyRequests) { StatusCode = 429, RetryAfter = retryAfter };
    public static Fault Slow(TimeSpan delay) => new(FaultKind.Delay) { Delay = delay };
    public static Fault Hang() => new(FaultKind.Hang);
    public static Fault MalformedBody() => new(FaultKind.MalformedBody);
    public static Fault MissingFields(FaultField field) => new(FaultKind.MissingFields) { Field = field };
    public static Fault SchemaDrift() => new(FaultKind.SchemaDrift);
    public static Fault Duplicates() => new(FaultKind.Duplicates);
    public static Fault OutOfOrder() => new(FaultKind.OutOfOrder);
    public static Fault ExpiredCursor() => new(FaultKind.ExpiredCursor) { StatusCode = 410 };
    public static Fault ConnectionReset() => new(FaultKind.ConnectionReset);
}

/// <summary>
/// Faults wait in arrival order; each request takes the first one whose path prefix matches (feed-shaping faults only match
/// feed paths), so a test knows exactly which request misbehaves. Fail-for windows answer every matching request with an
/// error until they end, for circuit-breaker tests. Control paths (<c>/_sim</c>) are never affected.
/// </summary>
public sealed class FaultQueue
{
    private readonly Lock _gate = new();
    private readonly List<Entry> _queue = [];
    private readonly List<Window> _windows = [];
    private readonly TimeProvider _clock;

    internal FaultQueue(TimeProvider clock) => _clock = clock;

    /// <summary>Faults still waiting (sum of remaining counts).</summary>
    public int Pending
    {
        get { lock (_gate) { return _queue.Sum(e => e.Remaining); } }
    }

    /// <param name="pathPrefix">e.g. <c>/feed/stock</c>; null matches every supplier path.</param>
    public void Enqueue(Fault fault, int count = 1, string? pathPrefix = null)
    {
        ArgumentNullException.ThrowIfNull(fault);
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        lock (_gate)
        {
            _queue.Add(new Entry(fault, pathPrefix) { Remaining = count });
        }
    }

    /// <summary>Every matching request fails with <paramref name="statusCode"/> for <paramref name="duration"/> of the simulator's clock.</summary>
    public void FailFor(TimeSpan duration, int statusCode = 503, string? pathPrefix = null)
    {
        lock (_gate)
        {
            _windows.Add(new Window(_clock.GetUtcNow() + duration, statusCode, pathPrefix));
        }
    }

    public void Clear()
    {
        lock (_gate)
        {
            _queue.Clear();
            _windows.Clear();
        }
    }

    internal Fault? Next(string path)
    {
        var isFeed = path.StartsWith("/feed", StringComparison.Ordinal);
        lock (_gate)
        {
            var now = _clock.GetUtcNow();
            _windows.RemoveAll(w => w.Until <= now);
            foreach (var window in _windows)
            {
                if (Matches(window.PathPrefix, path))
                {
                    return Fault.Status(window.StatusCode);
                }
            }

            for (var i = 0; i < _queue.Count; i++)
            {
                var entry = _queue[i];
                if (!Matches(entry.PathPrefix, path) || (entry.Fault.ShapesBody && !isFeed))
                {
                    continue;
                }

                if (--entry.Remaining == 0)
                {
                    _queue.RemoveAt(i);
                }

                return entry.Fault;
            }

            return null;
        }
    }

    private static bool Matches(string? prefix, string path) =>
        prefix is null || path.StartsWith(prefix, StringComparison.OrdinalIgnoreCase);

    private sealed record Entry(Fault Fault, string? PathPrefix)
    {
        public int Remaining { get; set; }
    }

    private sealed record Window(DateTimeOffset Until, int StatusCode, string? PathPrefix);
}
