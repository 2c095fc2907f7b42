using System.Threading.RateLimiting;
using Axle.Api.Platform.Http;
using Axle.Api.Platform.Redis;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Axle.UnitTests.Platform;

public sealed class ClockWindowLimiterTests
{
    private static readonly DateTimeOffset Start = new(2026, 12, 7, 10, 0, 30, TimeSpan.Zero);

    [Fact]
    public async Task Counts_within_the_clock_window_says_what_remains_and_refuses_past_the_quota_until_the_next_window()
    {
        var time = new FakeTimeProvider(Start);
        using var limiter = new ClockWindowLimiter(null, "default", "id:a", 3, TimeSpan.FromMinutes(1), time);

        var quotas = new List<RateLimitQuota>();
        for (var i = 0; i < 3; i++)
        {
            using var lease = (WindowLease)limiter.AttemptAcquire();
            Assert.True(lease.IsAcquired);
            quotas.Add(lease.Quota!);
        }

        Assert.Equal([2, 1, 0], quotas.Select(q => q.Remaining));
        Assert.All(quotas, q => Assert.Equal(30, q.ResetSeconds));

        using (var refused = limiter.AttemptAcquire())
        {
            Assert.False(refused.IsAcquired);
            Assert.True(refused.TryGetMetadata(MetadataName.RetryAfter, out var wait));
            Assert.Equal(TimeSpan.FromSeconds(30), wait);
        }

        time.Advance(TimeSpan.FromSeconds(30));
        using var next = (WindowLease)await limiter.AcquireAsync(1, TestContext.Current.CancellationToken);
        Assert.True(next.IsAcquired);
        Assert.Equal(2, next.Quota!.Remaining);
        Assert.Equal(60, next.Quota.ResetSeconds);
    }

    [Fact]
    public async Task With_redis_unreachable_the_window_is_counted_in_memory()
    {
        var time = new FakeTimeProvider(Start);
        using var redis = new RedisConnection(
            Options.Create(new RedisOptions { Configuration = "127.0.0.1:1,connectTimeout=200" }), NullLogger<RedisConnection>.Instance, time);
        using var limiter = new ClockWindowLimiter(redis, "default", "id:b", 2, TimeSpan.FromMinutes(10), time);
        var ct = TestContext.Current.CancellationToken;

        Assert.Null(limiter.IdleDuration); // not droppable before its first count lands
        Assert.False(limiter.AttemptAcquire().IsAcquired); // Redis is asked asynchronously only
        Assert.True((await limiter.AcquireAsync(1, ct)).IsAcquired);
        Assert.True((await limiter.AcquireAsync(1, ct)).IsAcquired);
        Assert.False((await limiter.AcquireAsync(1, ct)).IsAcquired);
        Assert.Null(limiter.IdleDuration);
        time.Advance(TimeSpan.FromMinutes(11));
        Assert.NotNull(limiter.IdleDuration);
    }
}
