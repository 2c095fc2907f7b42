using System.Threading.RateLimiting;

namespace Axle.Api.Platform.Http;

/// <summary>
/// Wraps a limiter so that every answer it counts says where the caller stands, in the fields of
/// draft-ietf-httpapi-ratelimit-headers-10 (STANDARDS.md §5): <c>RateLimit-Policy: "default";q=600;w=60</c> (quota and
/// window in seconds) and <c>RateLimit: "default";r=599;t=42</c> (remaining, seconds until the quota returns). The fields
/// are counted when the request is admitted and written when its answer starts, so they are on the endpoint's answer
/// whatever its status (a cached one included: this request's count, not the stored one's), and on the 429.
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
        foreach (var member in headers[StateHeader])
        {
            if (Names(member, quota.Policy))
            {
                return;
            }
        }

        headers.Append(PolicyHeader, $"\"{quota.Policy}\";q={quota.Limit};w={quota.WindowSeconds}");
        headers.Append(StateHeader, $"\"{quota.Policy}\";r={quota.Remaining};t={quota.ResetSeconds}");
    }

    /// <summary>Whether a list member is the policy's: it starts with the quoted name (checked without building it, once per request).</summary>
    private static bool Names(string? member, string policy) =>
        member is not null && member.Length > policy.Length + 1 && member[0] == '"' && member[policy.Length + 1] == '"'
        && member.AsSpan(1, policy.Length).SequenceEqual(policy);

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
            // Written as the response starts, not now. A response served from the output cache copies in the headers it
            // was stored with, and those included the fields of the request that filled the cache (another caller's count);
            // fields written as the response starts are never stored with a cached response, and replace nothing.
            http.Response.OnStarting(static state =>
            {
                var (response, quota) = ((HttpResponse, RateLimitQuota))state;
                Write(response.Headers, quota);
                return Task.CompletedTask;
            }, (http.Response, quota));
        }

        return lease;
    }
}
