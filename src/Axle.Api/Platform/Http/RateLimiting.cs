using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Threading.RateLimiting;
using Axle.Api.Platform.Redis;
using Axle.Api.Platform.Security;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.RateLimiting;

namespace Axle.Api.Platform.Http;

public sealed class RateLimitOptions
{
    public const string Section = "RateLimiting";

    /// <summary>Requests per window for a signed-in user or machine client, across all endpoints.</summary>
    [Range(1, 1_000_000)]
    public int PerIdentityPermits { get; set; } = 600;

    /// <summary>Requests per window for anonymous callers, per client IP.</summary>
    [Range(1, 1_000_000)]
    public int PerIpPermits { get; set; } = 300;

    /// <summary>Login, registration, refresh and token requests per window, per client IP.</summary>
    [Range(1, 1_000_000)]
    public int AuthPermits { get; set; } = 10;

    [Range(1, 3600)]
    public int WindowSeconds { get; set; } = 60;
}

public static class RateLimitPolicies
{
    /// <summary>The strict policy for credential-guessing targets: login, register, refresh, token.</summary>
    public const string Auth = "auth";

    /// <summary>Every request, per signed-in user or machine client, else per client IP; named so in the RateLimit fields.</summary>
    public const string Default = "default";
}

public static class RateLimiting
{
    public static WebApplicationBuilder AddAxleRateLimiting(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<RateLimitOptions>().BindConfiguration(RateLimitOptions.Section)
            .ValidateDataAnnotations().ValidateOnStart();
        var limits = builder.Configuration.GetSection(RateLimitOptions.Section).Get<RateLimitOptions>() ?? new();
        var window = TimeSpan.FromSeconds(limits.WindowSeconds);

        builder.Services.AddRateLimiter(o =>
        {
            // Identity first (user or client id from the validated token), else the client IP.
            o.GlobalLimiter = new RateLimitHeaders(PartitionedRateLimiter.Create<HttpContext, string>(ctx =>
                ctx.User.CallerKey() is { } caller
                    ? FixedWindow(ctx, RateLimitPolicies.Default, "id:" + caller, limits.PerIdentityPermits, window)
                    : FixedWindow(ctx, RateLimitPolicies.Default, "ip:" + ClientIp(ctx), limits.PerIpPermits, window)));
            o.AddPolicy(RateLimitPolicies.Auth, ctx =>
                FixedWindow(ctx, RateLimitPolicies.Auth, "auth:" + ClientIp(ctx), limits.AuthPermits, window));
            o.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            o.OnRejected = WriteRejectionAsync;
        });
        return builder;
    }

    internal static async ValueTask WriteRejectionAsync(OnRejectedContext context, CancellationToken ct)
    {
        var http = context.HttpContext;
        if (context.Lease.TryGetMetadata(WindowLease.RefusedBy, out var quota) && quota is not null)
        {
            RateLimitHeaders.Write(http.Response.Headers, quota);
        }

        var retryAfter = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait)
            ? Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds))
            : 60;
        http.Response.StatusCode = StatusCodes.Status429TooManyRequests;
        http.Response.Headers.RetryAfter = retryAfter.ToString(CultureInfo.InvariantCulture);
        var problem = new ProblemDetails
        {
            Status = 429,
            Type = "https://iana.org/assignments/http-problem-types#quota-exceeded",
            Title = "Too many requests",
            Detail = $"Rate limit reached. Retry after {retryAfter} seconds.",
        };
        problem.Extensions["code"] = "rate_limited";
        problem.Extensions["retryAfterSeconds"] = retryAfter;
        var writer = http.RequestServices.GetRequiredService<IProblemDetailsService>();
        await writer.WriteAsync(new ProblemDetailsContext { HttpContext = http, ProblemDetails = problem });
    }

    /// <summary>
    /// A clock-aligned fixed window of <paramref name="permits"/> per <paramref name="window"/> for one partition key of
    /// <paramref name="policy"/>. With Redis configured the count is shared by every instance (falling back to this process's
    /// memory while Redis is down); without it, the window is this process's own. See <see cref="ClockWindowLimiter"/>.
    /// </summary>
    public static RateLimitPartition<string> FixedWindow(HttpContext ctx, string policy, string key, int permits, TimeSpan window) =>
        FixedWindow(ctx.RequestServices.GetRequiredService<RedisConnection>(), ctx.RequestServices.GetRequiredService<TimeProvider>(),
            policy, key, permits, window);

    /// <inheritdoc cref="FixedWindow(HttpContext, string, string, int, TimeSpan)"/>
    public static RateLimitPartition<string> FixedWindow(
        RedisConnection redis, TimeProvider time, string policy, string key, int permits, TimeSpan window) =>
        RateLimitPartition.Get(key, k => new ClockWindowLimiter(redis, policy, k, permits, window, time));

    /// <summary>The client address as the forwarded-headers middleware left it (only trusted proxies can change it).</summary>
    public static string ClientIp(HttpContext ctx) => ctx.Connection.RemoteIpAddress?.ToString() ?? "unknown";
}
