using System.ComponentModel.DataAnnotations;

namespace Axle.Api.Features.Suppliers.Feeds;

/// <summary>Resilience defaults of the supplier feed client; per-supplier settings (timeout, rate limit) override some.</summary>
public sealed class FeedClientOptions
{
    public const string Section = "Suppliers:Feeds";

    /// <summary>Retries after the first attempt for transient outcomes (5xx, 408, 429, timeouts, network errors).</summary>
    [Range(0, 10)]
    public int MaxRetries { get; set; } = 3;

    /// <summary>First backoff delay; exponential with jitter after that.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:01:00")]
    public TimeSpan BaseDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Longest wait between attempts, also the longest Retry-After honoured in place; a longer Retry-After ends the
    /// call with a transient failure carrying it, so the sync run is rescheduled instead of holding a worker.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:10:00")]
    public TimeSpan MaxDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Timeout of one attempt when the supplier's settings give none (headers and, for pages, the body).</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:10:00")]
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Timeout of one call including retries, backoff and rate-limit waits.</summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "01:00:00")]
    public TimeSpan TotalTimeout { get; set; } = TimeSpan.FromMinutes(3);

    /// <summary>Share of failed attempts in <see cref="BreakerSamplingDuration"/> that opens a supplier's circuit.</summary>
    [Range(0.01, 1.0)]
    public double BreakerFailureRatio { get; set; } = 0.5;

    [Range(2, 1000)]
    public int BreakerMinimumThroughput { get; set; } = 10;

    [Range(typeof(TimeSpan), "00:00:00.500", "01:00:00")]
    public TimeSpan BreakerSamplingDuration { get; set; } = TimeSpan.FromMinutes(1);

    [Range(typeof(TimeSpan), "00:00:00.500", "01:00:00")]
    public TimeSpan BreakerBreakDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Largest page body (after decompression); over it the page fails with <c>response_too_large</c>.</summary>
    [Range(1024, 1024L * 1024 * 1024)]
    public long MaxPageBytes { get; set; } = 16 * 1024 * 1024;

    /// <summary>Largest file body (after decompression); files are streamed, this only bounds the run.</summary>
    [Range(1024, long.MaxValue)]
    public long MaxFileBytes { get; set; } = 4L * 1024 * 1024 * 1024;

    /// <summary>Largest single CSV field or JSON file element, so one runaway value cannot exhaust memory.</summary>
    [Range(1024, 64 * 1024 * 1024)]
    public int MaxRecordBytes { get; set; } = 1024 * 1024;

    /// <summary>How much of a failed body is kept for the dead letter.</summary>
    [Range(0, 64 * 1024)]
    public int PayloadSnippetBytes { get; set; } = 4096;

    /// <summary>A token is renewed this long before it expires.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:10:00")]
    public TimeSpan TokenRefreshMargin { get; set; } = TimeSpan.FromSeconds(60);
}
