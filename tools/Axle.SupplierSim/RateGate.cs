namespace Axle.SupplierSim;

/// <summary>A per-minute request budget on the simulator's clock, so tests can step past a window with a fake clock.</summary>
internal sealed class RateGate(TimeProvider clock, int requestsPerMinute, RateLimitWindow window)
{
    private static readonly TimeSpan Minute = TimeSpan.FromMinutes(1);
    private readonly Lock _gate = new();
    private readonly Queue<DateTimeOffset> _hits = new();
    private int _limit = requestsPerMinute;
    private RateLimitWindow _window = window;
    private DateTimeOffset _windowStart = DateTimeOffset.MinValue;
    private int _count;

    public void Configure(int requestsPerMinute, RateLimitWindow window)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(requestsPerMinute);
        lock (_gate)
        {
            _limit = requestsPerMinute;
            _window = window;
            _hits.Clear();
            _count = 0;
            _windowStart = DateTimeOffset.MinValue;
        }
    }

    /// <summary>False when over the limit, with the whole seconds until a request would be let through.</summary>
    public bool TryAcquire(out int retryAfterSeconds)
    {
        retryAfterSeconds = 0;
        lock (_gate)
        {
            if (_limit == 0)
            {
                return true;
            }

            var now = clock.GetUtcNow();
            TimeSpan wait;
            if (_window == RateLimitWindow.Fixed)
            {
                // Windows align to whole minutes since the Unix epoch, like most API gateways do.
                var start = DateTimeOffset.FromUnixTimeSeconds(now.ToUnixTimeSeconds() / 60 * 60);
                if (start != _windowStart)
                {
                    _windowStart = start;
                    _count = 0;
                }

                if (_count < _limit)
                {
                    _count++;
                    return true;
                }

                wait = start + Minute - now;
            }
            else
            {
                while (_hits.Count > 0 && _hits.Peek() <= now - Minute)
                {
                    _hits.Dequeue();
                }

                if (_hits.Count < _limit)
                {
                    _hits.Enqueue(now);
                    return true;
                }

                wait = _hits.Peek() + Minute - now;
            }

            retryAfterSeconds = Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds));
            return false;
        }
    }
}
