using System.Diagnostics;

namespace Axle.Bench.Load;

/// <summary>Latency percentiles over every recorded sample (timestamps from <see cref="Stopwatch.GetTimestamp"/>).</summary>
internal sealed record LatencyStats(double P50Ms, double P95Ms, double P99Ms, double MaxMs, double MeanMs)
{
    public static readonly LatencyStats Empty = new(0, 0, 0, 0, 0);

    public static LatencyStats From(long[] ticks)
    {
        if (ticks.Length == 0)
        {
            return Empty;
        }

        Array.Sort(ticks);
        return new LatencyStats(
            Ms(Percentile(ticks, 50)),
            Ms(Percentile(ticks, 95)),
            Ms(Percentile(ticks, 99)),
            Ms(ticks[^1]),
            Ms((long)ticks.Average()));
    }

    /// <summary>Nearest-rank percentile of sorted samples: the smallest value with at least p% of samples at or below it.</summary>
    public static long Percentile(ReadOnlySpan<long> sorted, double percent)
    {
        if (sorted.IsEmpty)
        {
            throw new ArgumentException("No samples.", nameof(sorted));
        }

        ArgumentOutOfRangeException.ThrowIfNegative(percent);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(percent, 100);
        var rank = (int)Math.Ceiling(percent / 100 * sorted.Length);
        return sorted[Math.Clamp(rank, 1, sorted.Length) - 1];
    }

    private static double Ms(long ticks) => Math.Round(ticks * 1000.0 / Stopwatch.Frequency, 3);
}
