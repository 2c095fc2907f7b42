using System.Buffers;
using System.IO.Pipelines;
using Microsoft.AspNetCore.OutputCaching;

namespace Axle.Api.Platform.Redis;

/// <summary>
/// The Redis output cache store with Redis failures turned into cache misses: while Redis is unreachable a catalog GET
/// runs uncached instead of failing, a response is simply not stored, and an eviction is skipped (and logged when Redis
/// fails mid-call; a known outage skips without trying). What a skipped
/// eviction can leave behind in Redis is bounded by the entries' lifetime (<c>CatalogCache.Lifetime</c>, 60 s).
/// After an eviction the store waits for a PING on the same connection: Redis answers in order, so the eviction's
/// fire-and-forget deletes are done by the time the writer's response leaves, and another instance's next read misses.
/// </summary>
internal sealed class FailSafeOutputCacheStore(IOutputCacheBufferStore inner, RedisConnection redis)
    : IOutputCacheBufferStore, IDisposable
{
    private const string What = "the output cache";

    public async ValueTask EvictByTagAsync(string tag, CancellationToken cancellationToken)
    {
        if (!redis.IsConnected)
        {
            return;
        }

        try
        {
            await inner.EvictByTagAsync(tag, cancellationToken);
            await redis.Multiplexer.GetDatabase().PingAsync();
        }
        catch (Exception e) when (RedisConnection.IsOutage(e))
        {
            redis.ReportOutage(e, What);
        }
    }

    public async ValueTask<byte[]?> GetAsync(string key, CancellationToken cancellationToken)
    {
        if (!redis.IsConnected)
        {
            return null;
        }

        try
        {
            return await inner.GetAsync(key, cancellationToken);
        }
        catch (Exception e) when (RedisConnection.IsOutage(e))
        {
            redis.ReportOutage(e, What);
            return null;
        }
    }

    public async ValueTask<bool> TryGetAsync(string key, PipeWriter destination, CancellationToken cancellationToken)
    {
        if (!redis.IsConnected)
        {
            return false;
        }

        try
        {
            // The Redis store reads the whole value before it writes to the pipe, so a failure never leaves half a response.
            return await inner.TryGetAsync(key, destination, cancellationToken);
        }
        catch (Exception e) when (RedisConnection.IsOutage(e))
        {
            redis.ReportOutage(e, What);
            return false;
        }
    }

    public ValueTask SetAsync(string key, byte[] value, string[]? tags, TimeSpan validFor, CancellationToken cancellationToken) =>
        SetAsync(key, new ReadOnlySequence<byte>(value), tags.AsMemory(), validFor, cancellationToken);

    public async ValueTask SetAsync(
        string key, ReadOnlySequence<byte> value, ReadOnlyMemory<string> tags, TimeSpan validFor, CancellationToken cancellationToken)
    {
        if (!redis.IsConnected)
        {
            return;
        }

        try
        {
            await inner.SetAsync(key, value, tags, validFor, cancellationToken);
        }
        catch (Exception e) when (RedisConnection.IsOutage(e))
        {
            redis.ReportOutage(e, What);
        }
    }

    public void Dispose() => (inner as IDisposable)?.Dispose();
}
