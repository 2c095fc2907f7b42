using System.Threading.RateLimiting;

namespace Axle.Api.Platform.Http;

/// <summary>
/// Wraps a limiter so that every answer it counts says where the caller stands, in the fields of
/// draft-ietf-httpapi-ratelimit-headers-10 (STANDARDS.md §5): <c>RateLimit-Policy: "default";q=600;w=60</c> (quota and
/// window in seconds) and <c>RateLimit: "default";r=599;t=42</c> (remaining, seconds until the quota returns). The fields
/// are set when the request is admitted, so they are on the endpoint's answer whatever its status, and on the 429.
/// </summary>
internal sealed class RateLimitHeaders(PartitionedRateLimiter<HttpContext> inner) : PartitionedRateLimiter<HttpContext>
{
    public const string PolicyHeader = "RateLimit-Policy";
    public const string StateHeader = "RateLimit";

    public override RateLimiterStatistics? GetStatistics(HttpContext resource) => inner.GetStatistics(resource);

    protected override RateLimitLease AttemptAcquireCore(HttpContext resource, int permitCount) =>
        Describe(resource, inner.AttemptAcquire(resource, permitCount));

    protected override async ValueTask<RateLimitLease> AcquireAsyncCore(
        HttpContext resource, int permitCount, CancellationToken cancellationToken) =>
        Describe(resource, await inner.AcquireAsync(resource, permitCount, cancellationToken));

    /// <summary>Adds one policy's fields, once: a list member per policy that counted the request.</summary>
    public static void Write(IHeaderDictionary headers, RateLimitQuota quota)
    {
        var name = $"\"{quota.Policy}\"";
        if (headers[StateHeader].Any(v => v is not null && v.StartsWith(name, StringComparison.Ordinal)))
        {
            return;
        }

        headers.Append(PolicyHeader, $"{name};q={quota.Limit};w={quota.WindowSeconds}");
        headers.Append(StateHeader, $"{name};r={quota.Remaining};t={quota.ResetSeconds}");
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            inner.Dispose();
        }

        base.Dispose(disposing);
    }

    private static RateLimitLease Describe(HttpContext http, RateLimitLease lease)
    {
        if (lease is WindowLease { Quota: { } quota })
        {
            Write(http.Response.Headers, quota);
        }

        return lease;
    }
}
