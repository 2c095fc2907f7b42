using System.ComponentModel.DataAnnotations;

namespace Axle.Api.Features.Webhooks;

public sealed class WebhookOptions : IValidatableObject
{
    public const string Section = "Webhooks";

    /// <summary>Waits <see cref="RetrySchedule"/> may hold at most.</summary>
    public const int MaxRetryWaits = 50;

    /// <summary>
    /// Waits between attempts: the first attempt is immediate, then one retry after each entry. The default is the Standard
    /// Webhooks reference schedule (5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h: eight attempts over about 27 hours).
    /// </summary>
    public List<TimeSpan> RetrySchedule { get; set; } = [];

    /// <summary>Each wait is stretched or shrunk by up to this fraction at random, so retries of many deliveries spread out.</summary>
    [Range(0.0, 0.5)]
    public double Jitter { get; set; } = 0.1;

    /// <summary>How long one attempt may take, connection to last byte.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:05:00")]
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(15);

    [Range(typeof(TimeSpan), "00:00:00.050", "00:10:00")]
    public TimeSpan Interval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Deliveries claimed per iteration; they are sent side by side up to <see cref="Parallelism"/>.</summary>
    [Range(1, 10_000)]
    public int BatchSize { get; set; } = 100;

    [Range(1, 256)]
    public int Parallelism { get; set; } = 16;

    /// <summary>Full batches one iteration sends at most before yielding to the next tick (a backlog drains in bursts).</summary>
    [Range(1, 1_000)]
    public int MaxBatchesPerRun { get; set; } = 10;

    /// <summary>A subscription is disabled when its attempts have failed without a success for this long…</summary>
    [Range(typeof(TimeSpan), "00:00:00", "30.00:00:00")]
    public TimeSpan DisableAfter { get; set; } = TimeSpan.FromDays(1);

    /// <summary>…and at least this many attempts in a row failed.</summary>
    [Range(1, 100_000)]
    public int DisableAfterFailures { get; set; } = 20;

    /// <summary>How long the previous signing secret still signs after a rotation.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "30.00:00:00")]
    public TimeSpan SecretRotationGrace { get; set; } = TimeSpan.FromHours(24);

    /// <summary>Delivered deliveries (and their attempts) are kept this long in the log.</summary>
    [Range(typeof(TimeSpan), "01:00:00", "365.00:00:00")]
    public TimeSpan DeliveryRetention { get; set; } = TimeSpan.FromDays(30);

    /// <summary>Subscriptions a single owner may have.</summary>
    [Range(1, 10_000)]
    public int MaxSubscriptionsPerOwner { get; set; } = 50;

    public static readonly IReadOnlyList<TimeSpan> StandardSchedule =
    [
        TimeSpan.FromSeconds(5), TimeSpan.FromMinutes(5), TimeSpan.FromMinutes(30), TimeSpan.FromHours(2),
        TimeSpan.FromHours(5), TimeSpan.FromHours(10), TimeSpan.FromHours(10),
    ];

    /// <summary>The configured schedule, or the standard one when none is configured.</summary>
    public IReadOnlyList<TimeSpan> Schedule => RetrySchedule.Count > 0 ? RetrySchedule : StandardSchedule;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (RetrySchedule.Count > MaxRetryWaits || RetrySchedule.Any(d => d < TimeSpan.Zero || d > TimeSpan.FromDays(7)))
        {
            yield return new ValidationResult(
                $"Webhooks:RetrySchedule holds at most {MaxRetryWaits} waits, each from 0 to 7 days.", [nameof(RetrySchedule)]);
        }
    }
}
