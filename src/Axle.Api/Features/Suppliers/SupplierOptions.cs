using System.ComponentModel.DataAnnotations;

namespace Axle.Api.Features.Suppliers;

public sealed class SupplierOptions
{
    public const string Section = "Suppliers";

    /// <summary>How long the secret replaced by a rotation keeps verifying pushes.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "30.00:00:00")]
    public TimeSpan SecretRotationGrace { get; set; } = TimeSpan.FromHours(24);

    /// <summary>How far a push's webhook-timestamp may be from now (STANDARDS.md §1.1: five minutes).</summary>
    [Range(typeof(TimeSpan), "00:00:30", "01:00:00")]
    public TimeSpan WebhookTolerance { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Largest push body accepted (413 above).</summary>
    [Range(1024, 16 * 1024 * 1024)]
    public int MaxPushBytes { get; set; } = 1024 * 1024;

    /// <summary>Most events in one push (400 above).</summary>
    [Range(1, 10_000)]
    public int MaxPushEvents { get; set; } = 1000;

    /// <summary>How long event ids are remembered for dedupe (STANDARDS.md project rule: at least 7 days).</summary>
    [Range(typeof(TimeSpan), "1.00:00:00", "365.00:00:00")]
    public TimeSpan EventRetention { get; set; } = TimeSpan.FromDays(7);

    /// <summary>How often the inbox worker looks for pushes to apply; the update delay is at most about this plus the apply.</summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "00:01:00")]
    public TimeSpan InboxInterval { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>Pushes applied per worker iteration (their events are applied together, a few statements per batch).</summary>
    [Range(1, 1000)]
    public int InboxBatch { get; set; } = 50;

    /// <summary>Attempts at applying one push before it goes to dead letters whole.</summary>
    [Range(1, 100)]
    public int InboxMaxAttempts { get; set; } = 10;

    /// <summary>The store's currency: supplier prices in others are converted with <see cref="CurrencyRates"/>.</summary>
    [Required, RegularExpression("^[A-Z]{3}$")]
    public string StoreCurrency { get; set; } = "USD";

    /// <summary>Units of the store currency per unit of each other currency, e.g. <c>{"EUR": 1.0842}</c>.</summary>
    public Dictionary<string, decimal> CurrencyRates { get; set; } = [];

    /// <summary>How long a supplier's sync lease lasts without renewal (a crashed instance's run is resumed after this).</summary>
    [Range(typeof(TimeSpan), "00:00:05", "01:00:00")]
    public TimeSpan SyncLease { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>
    /// How often the scheduler runs a reconciliation (a full comparison with the supplier's feed) instead of the scheduled
    /// incremental pull, counted from the last reconciliation's start; zero: only on request.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "90.00:00:00")]
    public TimeSpan ReconcileInterval { get; set; } = TimeSpan.FromDays(1);

    /// <summary>
    /// Incremental runs of feeds that can filter by part number first fetch up to this many of the supplier's parts that
    /// sell now (open orders, then fast movers); zero: no priority pass.
    /// </summary>
    [Range(0, 1000)]
    public int PriorityParts { get; set; } = 200;

    /// <summary>Fast movers are the parts with the most units ordered over this window.</summary>
    [Range(typeof(TimeSpan), "01:00:00", "90.00:00:00")]
    public TimeSpan FastMoverWindow { get; set; } = TimeSpan.FromDays(7);

    /// <summary>How often the sync scheduler checks which suppliers are due (and resumes interrupted runs).</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan SchedulerInterval { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>How often the supplier order worker looks for orders due for transmission.</summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "00:10:00")]
    public TimeSpan OrderInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Orders transmitted per worker iteration.</summary>
    [Range(1, 1000)]
    public int OrderBatch { get; set; } = 20;

    /// <summary>Transmissions of one order (each with the feed client's own retries) before it fails and is dead-lettered.</summary>
    [Range(1, 100)]
    public int OrderMaxAttempts { get; set; } = 8;

    /// <summary>Wait after the first failed transmission; doubled after each further one, up to <see cref="OrderRetryMaxDelay"/>.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "01:00:00")]
    public TimeSpan OrderRetryBaseDelay { get; set; } = TimeSpan.FromSeconds(30);

    [Range(typeof(TimeSpan), "00:00:00", "1.00:00:00")]
    public TimeSpan OrderRetryMaxDelay { get; set; } = TimeSpan.FromHours(1);

    /// <summary>How long a claimed order is one worker's before another may take it over (a crashed worker's orders are resent,
    /// under the same Idempotency-Key).</summary>
    [Range(typeof(TimeSpan), "00:00:05", "01:00:00")]
    public TimeSpan OrderClaim { get; set; } = TimeSpan.FromMinutes(5);
}
