using System.Net;
using Axle.Tests.Infrastructure;

namespace Axle.Tests.Catalog;

public sealed class CachedReadLimitFactory : AxleFactory
{
    protected override IDictionary<string, string?> Overrides => new Dictionary<string, string?>
    {
        ["RateLimiting:PerIpPermits"] = "3",
        ["RateLimiting:WindowSeconds"] = "600",
    };
}

/// <summary>
/// What an anonymous catalog read served from the output cache still goes through: the security headers, the per-IP rate
/// limit (a hit counts and says so), the catalog's own caching headers. Guards the pipeline's order against a cache that
/// answers before the limiter or the header middleware.
/// </summary>
public sealed class CachedReadPipelineTests(CachedReadLimitFactory factory) : IClassFixture<CachedReadLimitFactory>
{
    [Fact]
    public async Task A_cached_catalog_read_keeps_security_headers_and_counts_against_the_rate_limit()
    {
        var ct = TestContext.Current.CancellationToken;
        var client = factory.CreateClient();
        var path = $"/api/v1/parts?q=cachedread{Guid.NewGuid():N}";

        var miss = await client.GetAsync(path, ct);
        Assert.Equal(HttpStatusCode.OK, miss.StatusCode);
        Assert.Null(miss.Headers.Age);
        AssertReadHeaders(miss, remaining: 2);

        var hit = await client.GetAsync(path, ct);
        Assert.Equal(HttpStatusCode.OK, hit.StatusCode);
        Assert.NotNull(hit.Headers.Age);
        Assert.Equal(miss.Headers.ETag, hit.Headers.ETag);
        Assert.Equal(await miss.Content.ReadAsStringAsync(ct), await hit.Content.ReadAsStringAsync(ct));
        AssertReadHeaders(hit, remaining: 1);

        var lastHit = await client.GetAsync(path, ct);
        Assert.NotNull(lastHit.Headers.Age);
        AssertReadHeaders(lastHit, remaining: 0);

        var limited = await client.GetAsync(path, ct);
        await limited.AssertProblemAsync(HttpStatusCode.TooManyRequests, "rate_limited");
        Assert.Equal("nosniff", limited.Headers.GetValues("X-Content-Type-Options").Single());
    }

    private static void AssertReadHeaders(HttpResponseMessage response, int remaining)
    {
        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Equal("DENY", response.Headers.GetValues("X-Frame-Options").Single());
        Assert.Equal("no-referrer", response.Headers.GetValues("Referrer-Policy").Single());
        Assert.Equal("frame-ancestors 'none'", response.Headers.GetValues("Content-Security-Policy").Single());
        Assert.True(response.Headers.CacheControl is { Public: true, MaxAge.TotalSeconds: 60 });
        Assert.NotNull(response.Headers.ETag);
        Assert.StartsWith($"\"default\";r={remaining};", response.Headers.GetValues("RateLimit").Single(), StringComparison.Ordinal);
        Assert.Equal("\"default\";q=3;w=600", response.Headers.GetValues("RateLimit-Policy").Single());
    }
}
