using System.Diagnostics;
using System.Threading.RateLimiting;
using RedisRateLimiting;

namespace Axle.Api.Platform.Redis;

/// <summary>
/// One partition's fixed window, counted in Redis (RedisRateLimiting's fixed window: one Lua script per request) so every
/// instance draws on the same budget. While Redis is unreachable the partition falls back to this process's own in-memory
/// window of the same size: limits then hold per instance (N instances allow up to N times the budget) rather than not at
/// all, and no request fails because Redis did.
/// </summary>
internal sealed class SharedFixedWindowLimiter : RateLimiter
{
    private readonly RedisConnection _redis;
    private readonly RedisFixedWindowRateLimiter<string> _shared;
    private readonly FixedWindowRateLimiter _local;
    private long _lastUsed = Stopwatch.GetTimestamp();

    public SharedFixedWindowLimiter(RedisConnection redis, string key, FixedWindowRateLimiterOptions window)
    {
        _redis = redis;
        _local = new FixedWindowRateLimiter(window);
        _shared = new RedisFixedWindowRateLimiter<string>(redis.InstanceName + "rl:" + key, new RedisFixedWindowRateLimiterOptions
        {
            PermitLimit = window.PermitLimit,
            Window = window.Window,
            ConnectionMultiplexerFactory = () => redis.Multiplexer,
        });
    }

    /// <summary>Idle once the local window is full again and nobody asked for a while, so the partition can be dropped.</summary>
    public override TimeSpan? IdleDuration =>
        _local.IdleDuration is null ? null : Stopwatch.GetElapsedTime(Interlocked.Read(ref _lastUsed));

    public override RateLimiterStatistics? GetStatistics() => _local.GetStatistics();

    // Redis cannot answer synchronously: refusing here sends the middleware to AcquireAsync (as RedisRateLimiting does).
    protected override RateLimitLease AttemptAcquireCore(int permitCount) => NotYet.Lease;

    protected override async ValueTask<RateLimitLease> AcquireAsyncCore(int permitCount, CancellationToken cancellationToken)
    {
        Interlocked.Exchange(ref _lastUsed, Stopwatch.GetTimestamp());
        try
        {
            if (_redis.IsConnected)
            {
                return new SharedLease(await _shared.AcquireAsync(permitCount, cancellationToken));
            }
        }
        catch (Exception e) when (RedisConnection.IsOutage(e))
        {
            _redis.ReportOutage(e, "rate limiting");
        }

        return await _local.AcquireAsync(permitCount, cancellationToken);
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _shared.Dispose();
            _local.Dispose();
        }

        base.Dispose(disposing);
    }

    private sealed class NotYet : RateLimitLease
    {
        public static readonly NotYet Lease = new();

        public override bool IsAcquired => false;

        public override IEnumerable<string> MetadataNames => [];

        public override bool TryGetMetadata(string metadataName, out object? metadata)
        {
            metadata = null;
            return false;
        }
    }

    /// <summary>RedisRateLimiting's lease with its retry-after (whole seconds) offered under the framework's name, as a TimeSpan.</summary>
    private sealed class SharedLease(RateLimitLease inner) : RateLimitLease
    {
        public override bool IsAcquired => inner.IsAcquired;

        public override IEnumerable<string> MetadataNames => [MetadataName.RetryAfter.Name];

        public override bool TryGetMetadata(string metadataName, out object? metadata)
        {
            if (metadataName == MetadataName.RetryAfter.Name
                && inner.TryGetMetadata(RateLimitMetadataName.RetryAfter.Name, out var seconds) && seconds is int s)
            {
                metadata = TimeSpan.FromSeconds(s);
                return true;
            }

            metadata = null;
            return false;
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                inner.Dispose();
            }

            base.Dispose(disposing);
        }
    }
}
