using System.ComponentModel.DataAnnotations;

namespace Axle.SupplierSim;

/// <summary>How the feed and orders endpoints authenticate callers.</summary>
public enum SimAuthMode
{
    None,
    ApiKey,
    Basic,
    OAuth2,
}

/// <summary>Fixed windows reset on the minute; sliding windows count the last 60 seconds.</summary>
public enum RateLimitWindow
{
    Fixed,
    Sliding,
}

/// <summary>Everything the simulator needs at start; controls change most of it later at run time.</summary>
public sealed class SimulatorOptions
{
    /// <summary>Number of generated records (ignored when <see cref="PartNumbers"/> is given).</summary>
    [Range(0, 20_000_000)]
    public int Records { get; set; } = 1000;

    public int Seed { get; set; } = 1;

    /// <summary>Explicit part numbers, one record each, so tests can map them to their own SKUs.</summary>
    public IReadOnlyList<string>? PartNumbers { get; set; }

    /// <summary>Generated part numbers are this prefix plus a six-digit number: SP-000001.</summary>
    public string PartPrefix { get; set; } = "SP-";

    public IReadOnlyList<string> Warehouses { get; set; } = ["DC-EAST", "DC-WEST"];

    public string Currency { get; set; } = "USD";

    /// <summary>Share of records sold in cases of four (uom CS4, quantity counted in cases).</summary>
    [Range(0.0, 1.0)]
    public double CaseFraction { get; set; } = 0.1;

    /// <summary>
    /// Initial records get <c>updatedAt</c> spread over the 30 days before this instant, so a seed always yields the same
    /// data whatever the wall clock says.
    /// </summary>
    public DateTimeOffset DataEpoch { get; set; } = new(2026, 11, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>Time for changes, tokens, cursor TTL, rate windows and fail-for windows (a FakeTimeProvider in tests).</summary>
    public TimeProvider Clock { get; set; } = TimeProvider.System;

    /// <summary>Cursors older than this answer 410; null keeps them valid until <c>ExpireCursors()</c>.</summary>
    public TimeSpan? CursorTtl { get; set; }

    public SimAuthMode Auth { get; set; } = SimAuthMode.None;
    public string ApiKey { get; set; } = "sim-api-key";
    public string BasicUser { get; set; } = "sim";
    public string BasicPassword { get; set; } = "sim-password";
    public string ClientId { get; set; } = "sim-client";
    public string ClientSecret { get; set; } = "sim-secret";
    public TimeSpan TokenLifetime { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Requests per minute over feed, orders and token endpoints together; 0 turns the limit off.</summary>
    [Range(0, int.MaxValue)]
    public int RequestsPerMinute { get; set; }

    public RateLimitWindow RateLimitWindow { get; set; } = RateLimitWindow.Fixed;

    /// <summary>A hang fault gives up after this long even if the client never does.</summary>
    public TimeSpan HangLimit { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>Listen addresses; null means 127.0.0.1 on a free port (tests).</summary>
    public string? Urls { get; set; }

    /// <summary>Kestrel and ASP.NET Core logs at Information and above (the runnable server turns it on).</summary>
    public bool Verbose { get; set; }
}
