using System.Globalization;
using System.Threading.RateLimiting;
using Axle.Api.Platform.Redis;

namespace Axle.Api.Platform.Http;

/// <summary>
/// One partition's fixed window, aligned to the clock: window <c>n</c> covers Unix seconds <c>[n·w, (n+1)·w)</c>, so how
/// many requests remain and when the quota returns are plain facts every instance agrees on, and each answer can say them
/// (<see cref="RateLimitHeaders"/>). With Redis configured the count lives there (one INCRBY per request, the key expiring
/// after its window) and every instance draws on the same budget; while Redis is unreachable the partition counts in this
/// process's memory instead: limits then hold per instance rather than not at all, and no request fails because Redis did.
/// </summary>
internal sealed class ClockWindowLimiter : RateLimiter
{
    // INCRBY then set the expiry on the first hit of a window; the key dies a window after its window ends.
    private const string CountScript = """
        local count = redis.call('INCRBY', KEYS[1], ARGV[1])
        if count == tonumber(ARGV[1]) then redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
        return count
        """;

    private readonly RedisConnection? _redis;
    private readonly string _policy;
    private readonly string _key;
    private readonly int _permits;
    private readonly long _windowSeconds;
    private readonly TimeProvider _time;
    private readonly Lock _gate = new();
    private long _localWindow;
    private long _localCount;

    public ClockWindowLimiter(RedisConnection? redis, string policy, string key, int permits, TimeSpan window, TimeProvider time)
    {
        _redis = redis is { Enabled: true } ? redis : null;
        _policy = policy;
        _key = key;
        _permits = permits;
        _windowSeconds = Math.Max(1, (long)window.TotalSeconds);
        _time = time;

        // Born in the current window, so it is not idle (and dropped) before its first count lands.
        _localWindow = time.GetUtcNow().ToUnixTimeSeconds() / _windowSeconds;
    }

    /// <summary>Idle (and so droppable by the partitioned limiter) once the window it counted in has ended.</summary>
    public override TimeSpan? IdleDuration
    {
        get
        {
            var now = _time.GetUtcNow().ToUnixTimeSeconds();
            lock (_gate)
            {
                var end = (_localWindow + 1) * _windowSeconds;
                return now < end ? null : TimeSpan.FromSeconds(now - end);
            }
        }
    }

    public override RateLimiterStatistics? GetStatistics()
    {
        var now = _time.GetUtcNow().ToUnixTimeSeconds();
        lock (_gate)
        {
            var used = _localWindow == now / _windowSeconds ? _localCount : 0;
            return new RateLimiterStatistics { CurrentAvailablePermits = Math.Max(0, _permits - used) };
        }
    }

    // Redis cannot answer synchronously: refusing here sends the middleware on to AcquireAsync.
    protected override RateLimitLease AttemptAcquireCore(int permitCount) =>
        _redis is null ? CountLocally(permitCount) : WindowLease.NotYet;

    protected override async ValueTask<RateLimitLease> AcquireAsyncCore(int permitCount, CancellationToken cancellationToken)
    {
        if (_redis is { IsConnected: true })
        {
            try
            {
                return await CountInRedisAsync(_redis, permitCount);
            }
            catch (Exception e) when (RedisConnection.IsOutage(e))
            {
                _redis.ReportOutage(e, "rate limiting");
            }
        }

        return CountLocally(permitCount);
    }

    private WindowLease CountLocally(int permitCount)
    {
        var now = _time.GetUtcNow().ToUnixTimeSeconds();
        var window = now / _windowSeconds;
        bool acquired;
        long used;
        lock (_gate)
        {
            if (_localWindow != window)
            {
                _localWindow = window;
                _localCount = 0;
            }

            // A refused request does not use up the window: the count is what was let through.
            acquired = _localCount + permitCount <= _permits;
            if (acquired)
            {
                _localCount += permitCount;
            }

            used = _localCount;
        }

        return Lease(now, window, used, acquired);
    }

    private async Task<WindowLease> CountInRedisAsync(RedisConnection redis, int permitCount)
    {
        var now = _time.GetUtcNow().ToUnixTimeSeconds();
        var window = now / _windowSeconds;
        var key = $"{redis.InstanceName}rl:{_key}:{window.ToString(CultureInfo.InvariantCulture)}";
        var result = await redis.Multiplexer.GetDatabase().ScriptEvaluateAsync(
            CountScript,
            [key],
            [permitCount, _windowSeconds * 2000]);
        var count = (long)result;
        lock (_gate)
        {
            // Keep the local view in step, so the partition is not dropped mid-window and a fallback starts from here.
            if (_localWindow != window || _localCount < count)
            {
                _localWindow = window;
                _localCount = Math.Min(count, _permits);
            }
        }

        return Lease(now, window, count, acquired: count <= _permits);
    }

    private WindowLease Lease(long now, long window, long used, bool acquired) => new(
        acquired,
        new RateLimitQuota(_policy, _permits, _windowSeconds, Remaining: (int)Math.Clamp(_permits - used, 0, _permits),
            ResetSeconds: (int)((window + 1) * _windowSeconds - now)));
}

/// <summary>One policy's state as a request left it: the quota, what remains of it and the seconds until it returns.</summary>
public sealed record RateLimitQuota(string Policy, int Limit, long WindowSeconds, int Remaining, int ResetSeconds);

/// <summary>A lease that carries the quota it was counted against (<see cref="Quota"/>) and, when refused, when to retry.</summary>
internal sealed class WindowLease(bool acquired, RateLimitQuota? quota) : RateLimitLease
{
    public static readonly WindowLease NotYet = new(false, null);

    /// <summary>Offered by refused leases only, so a combined lease names the policy that refused the request.</summary>
    public static readonly MetadataName<RateLimitQuota> RefusedBy = MetadataName.Create<RateLimitQuota>("axle.ratelimit.refused");

    public RateLimitQuota? Quota => quota;

    public override bool IsAcquired => acquired;

    public override IEnumerable<string> MetadataNames =>
        acquired || quota is null ? [] : [MetadataName.RetryAfter.Name, RefusedBy.Name];

    public override bool TryGetMetadata(string metadataName, out object? metadata)
    {
        metadata = null;
        if (acquired || quota is null)
        {
            return false;
        }

        if (metadataName == MetadataName.RetryAfter.Name)
        {
            metadata = TimeSpan.FromSeconds(Math.Max(1, quota.ResetSeconds));
        }
        else if (metadataName == RefusedBy.Name)
        {
            metadata = quota;
        }

        return metadata is not null;
    }
}
