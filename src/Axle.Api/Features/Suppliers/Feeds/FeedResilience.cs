using System.Collections.Concurrent;
using System.Net;
using System.Threading.RateLimiting;
using Axle.Api.Platform.Http;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Options;
using Polly;
using Polly.RateLimiting;

namespace Axle.Api.Features.Suppliers.Feeds;

/// <summary>
/// Travels on each <see cref="HttpRequestMessage"/> (in <see cref="HttpRequestMessage.Options"/>): names the supplier whose
/// pipeline (breaker, rate limiter) serves the request, carries the per-supplier attempt timeout and rate, and collects
/// what the pipeline did (attempts, retries, chosen delays, throttle wait). One per feed call; attempts run one at a time.
/// </summary>
internal sealed class FeedCallState(string supplierKey, int? rateLimitPerMinute, TimeSpan attemptTimeout, long? bufferLimit)
{
    public static readonly HttpRequestOptionsKey<FeedCallState> Key = new("Axle.SupplierFeeds.Call");

    private readonly List<TimeSpan> retryDelays = [];

    public string SupplierKey { get; } = supplierKey;
    public int? RateLimitPerMinute { get; } = rateLimitPerMinute;
    public TimeSpan AttemptTimeout { get; } = attemptTimeout;

    /// <summary>When set, response bodies are read inside the attempt (so body failures are retried and timed) up to this size.</summary>
    public long? BufferLimit { get; set; } = bufferLimit;

    public int Attempts { get; set; }
    public TimeSpan ThrottleWait { get; set; }
    public int Retries => retryDelays.Count;

    public void RecordRetry(TimeSpan delay) => retryDelays.Add(delay);

    public FeedCallStats ToStats(int? statusCode) => new(Attempts, Retries, [.. retryDelays], ThrottleWait, statusCode);

    public static FeedCallState? From(ResilienceContext context) =>
        context.GetRequestMessage() is { } request && request.Options.TryGetValue(Key, out var state) ? state : null;
}

/// <summary>A page body grew past <see cref="FeedClientOptions.MaxPageBytes"/> (or a file past MaxFileBytes). Never retried.</summary>
internal sealed class FeedResponseTooLargeException(long limit)
    : Exception($"The response is larger than {limit} bytes.")
{
    public long Limit { get; } = limit;
}

/// <summary>
/// Client-side rate limits, one token bucket per supplier key, sized from the supplier's requests-per-minute. Requests wait
/// for a permit (bounded by the call's total timeout) rather than being rejected. A changed rate replaces the bucket.
/// </summary>
internal sealed class SupplierRateLimiters : IDisposable
{
    private readonly ConcurrentDictionary<string, (int Rate, TokenBucketRateLimiter Limiter)> limiters = new(StringComparer.Ordinal);
    private readonly Lock gate = new();

    public TokenBucketRateLimiter For(string supplierKey, int ratePerMinute)
    {
        if (limiters.TryGetValue(supplierKey, out var entry) && entry.Rate == ratePerMinute)
        {
            return entry.Limiter;
        }

        lock (gate)
        {
            if (limiters.TryGetValue(supplierKey, out entry) && entry.Rate == ratePerMinute)
            {
                return entry.Limiter;
            }

            var limiter = Create(ratePerMinute);
            limiters[supplierKey] = (ratePerMinute, limiter);
            entry.Limiter?.Dispose();
            return limiter;
        }
    }

    // Evenly spaced permits: one per 60/rate seconds, no burst, so no sliding minute ever exceeds the rate. Above 600/min
    // the period stays at 100 ms and several tokens are added per period, to keep the replenishment timer cheap.
    private static TokenBucketRateLimiter Create(int ratePerMinute)
    {
        var period = TimeSpan.FromMinutes(1) / ratePerMinute;
        var tokens = 1;
        if (period < TimeSpan.FromMilliseconds(100))
        {
            period = TimeSpan.FromMilliseconds(100);
            tokens = (int)Math.Ceiling(ratePerMinute / 600.0);
        }

        return new TokenBucketRateLimiter(new TokenBucketRateLimiterOptions
        {
            TokenLimit = tokens,
            TokensPerPeriod = tokens,
            ReplenishmentPeriod = period,
            QueueLimit = int.MaxValue,
            QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
            AutoReplenishment = true,
        });
    }

    public void Dispose()
    {
        foreach (var (_, limiter) in limiters.Values)
        {
            limiter.Dispose();
        }
    }
}

/// <summary>
/// The feed client's resilience pipeline. One instance per supplier key (selected from <see cref="FeedCallState"/>), so a
/// failing supplier opens only its own circuit. Outer to inner: total timeout → retry (exponential backoff with jitter,
/// honouring Retry-After) → circuit breaker → rate limiter (waits for a permit, measured) → attempt timeout.
/// </summary>
internal static class FeedResilience
{
    public const string PipelineName = "supplier-feed";

    public static string SelectKey(HttpRequestMessage request) =>
        request.Options.TryGetValue(FeedCallState.Key, out var state) ? state.SupplierKey : request.RequestUri?.Authority ?? "";

    public static void Configure(ResiliencePipelineBuilder<HttpResponseMessage> builder, ResilienceHandlerContext context)
    {
        var services = context.ServiceProvider;
        var options = services.GetRequiredService<IOptions<FeedClientOptions>>().Value;
        var limiters = services.GetRequiredService<SupplierRateLimiters>();
        var time = services.GetService<TimeProvider>() ?? TimeProvider.System;

        builder.AddTimeout(new HttpTimeoutStrategyOptions { Name = "total", Timeout = options.TotalTimeout });

        if (options.MaxRetries > 0)
        {
            builder.AddRetry(new HttpRetryStrategyOptions
            {
                MaxRetryAttempts = options.MaxRetries,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = options.BaseDelay,
                MaxDelay = options.MaxDelay,
                ShouldRetryAfterHeader = false,
                ShouldHandle = args => ValueTask.FromResult(
                    IsTransient(args.Outcome, args.Context.CancellationToken) && !WaitsTooLong(args.Outcome, options, time)),
                DelayGenerator = args => ValueTask.FromResult(
                    args.Outcome.Result is { } response ? RetryAfter(response, time.GetUtcNow()) : null),
                OnRetry = args =>
                {
                    FeedCallState.From(args.Context)?.RecordRetry(args.RetryDelay);
                    return ValueTask.CompletedTask;
                },
            });
        }

        builder.AddCircuitBreaker(new HttpCircuitBreakerStrategyOptions
        {
            FailureRatio = options.BreakerFailureRatio,
            MinimumThroughput = options.BreakerMinimumThroughput,
            SamplingDuration = options.BreakerSamplingDuration,
            BreakDuration = options.BreakerBreakDuration,

            // A 429 means the supplier is up and asking us to slow down; it does not count as a failure of the supplier.
            ShouldHandle = args => ValueTask.FromResult(
                IsTransient(args.Outcome, args.Context.CancellationToken)
                && args.Outcome.Result?.StatusCode != HttpStatusCode.TooManyRequests),
        });

        builder.AddRateLimiter(new RateLimiterStrategyOptions
        {
            RateLimiter = args => AcquireAsync(args.Context, limiters, time),
        });

        builder.AddTimeout(new HttpTimeoutStrategyOptions
        {
            Name = "attempt",
            TimeoutGenerator = args => ValueTask.FromResult(FeedCallState.From(args.Context)?.AttemptTimeout ?? options.AttemptTimeout),
        });
    }

    /// <summary>Transient: 5xx, 408, 429, network errors and timeouts; never a refused address or an oversized body.</summary>
    public static bool IsTransient(Outcome<HttpResponseMessage> outcome, CancellationToken ct)
    {
        if (outcome.Exception is { } e && (IsRefused(e) || e is FeedResponseTooLargeException))
        {
            return false;
        }

        return !(outcome.Exception is OperationCanceledException && ct.IsCancellationRequested)
            && HttpClientResiliencePredicates.IsTransient(outcome);
    }

    public static bool IsRefused(Exception e)
    {
        for (Exception? inner = e; inner is not null; inner = inner.InnerException)
        {
            if (inner is OutboundUrlRefusedException)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Retry-After as a delay (RFC 9110 §10.2.3: delta seconds or an HTTP-date), or null when absent or unusable.</summary>
    public static TimeSpan? RetryAfter(HttpResponseMessage response, DateTimeOffset now)
    {
        if (response.Headers.RetryAfter is not { } retryAfter)
        {
            return null;
        }

        if (retryAfter.Delta is { } delta)
        {
            return delta < TimeSpan.Zero ? TimeSpan.Zero : delta;
        }

        if (retryAfter.Date is { } date)
        {
            var wait = date - now;
            return wait < TimeSpan.Zero ? TimeSpan.Zero : wait;
        }

        return null;
    }

    // A Retry-After beyond MaxDelay is not waited out inside one call: the call ends and the run is rescheduled.
    private static bool WaitsTooLong(Outcome<HttpResponseMessage> outcome, FeedClientOptions options, TimeProvider time) =>
        outcome.Result is { } response && RetryAfter(response, time.GetUtcNow()) > options.MaxDelay;

    private static async ValueTask<RateLimitLease> AcquireAsync(ResilienceContext context, SupplierRateLimiters limiters, TimeProvider time)
    {
        if (FeedCallState.From(context) is not { RateLimitPerMinute: { } rate } state)
        {
            return Unlimited.Lease;
        }

        var started = time.GetTimestamp();
        var lease = await limiters.For(state.SupplierKey, rate).AcquireAsync(1, context.CancellationToken);
        state.ThrottleWait += time.GetElapsedTime(started);
        return lease;
    }

    private sealed class Unlimited : RateLimitLease
    {
        public static readonly Unlimited Lease = new();

        public override bool IsAcquired => true;

        public override IEnumerable<string> MetadataNames => [];

        public override bool TryGetMetadata(string metadataName, out object? metadata)
        {
            metadata = null;
            return false;
        }
    }
}

/// <summary>
/// Innermost handler, inside each attempt: counts attempts and, for page calls, reads the body within the attempt (so a
/// connection dropped mid-body is retried and the attempt timeout covers the body) up to the call's size limit.
/// </summary>
internal sealed class FeedBodyHandler : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        request.Options.TryGetValue(FeedCallState.Key, out var state);
        if (state is not null)
        {
            state.Attempts++;
        }

        var response = await base.SendAsync(request, cancellationToken);
        if (state?.BufferLimit is not { } limit)
        {
            return response;
        }

        try
        {
            var body = await FeedBody.ReadLimitedAsync(response.Content, limit, cancellationToken);
            var buffered = new ByteArrayContent(body);
            foreach (var header in response.Content.Headers.Where(h => !h.Key.Equals("Content-Length", StringComparison.OrdinalIgnoreCase)))
            {
                buffered.Headers.TryAddWithoutValidation(header.Key, header.Value);
            }

            response.Content.Dispose();
            response.Content = buffered;
            return response;
        }
        catch
        {
            response.Dispose();
            throw;
        }
    }
}
