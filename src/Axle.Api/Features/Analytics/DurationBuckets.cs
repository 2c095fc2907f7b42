using System.Globalization;
using Axle.Api.Platform.Observability;

namespace Axle.Api.Features.Analytics;

/// <summary>
/// Durations as counts per fixed bucket (the bounds Prometheus uses for the same instruments), so hours merge by adding
/// counts and a percentile over any range costs one pass over the buckets. Estimates interpolate linearly inside the bucket
/// the rank falls in, as Prometheus's <c>histogram_quantile</c> does: exact to within one bucket.
/// </summary>
public static class DurationBuckets
{
    public static IReadOnlyList<double> Bounds => AxleMetrics.DurationBucketsSeconds;

    /// <summary>Buckets including the last, open one above the highest bound.</summary>
    public static int Count => Bounds.Count + 1;

    /// <summary>The bucket of <paramref name="seconds"/>: the first whose upper bound is at least it.</summary>
    public static int IndexOf(double seconds)
    {
        for (var i = 0; i < Bounds.Count; i++)
        {
            if (seconds <= Bounds[i])
            {
                return i;
            }
        }

        return Bounds.Count;
    }

    /// <summary>A bucket index as a rollup key: two digits, so keys sort in bucket order.</summary>
    public static string Key(int index) => index.ToString("D2", CultureInfo.InvariantCulture);

    public static bool TryParseKey(string key, out int index) =>
        int.TryParse(key, NumberStyles.None, CultureInfo.InvariantCulture, out index) && index >= 0 && index < Count;

    /// <summary>The <paramref name="quantile"/> (0–1) of the distribution in <paramref name="counts"/>; null when it is empty.</summary>
    public static double? Percentile(IReadOnlyList<long> counts, double quantile)
    {
        var total = counts.Sum();
        if (total == 0)
        {
            return null;
        }

        var rank = quantile * total;
        long below = 0;
        for (var i = 0; i < counts.Count; i++)
        {
            if (counts[i] == 0 || below + counts[i] < rank)
            {
                below += counts[i];
                continue;
            }

            var lower = i == 0 ? 0 : Bounds[i - 1];
            if (i >= Bounds.Count)
            {
                // The open bucket has no upper bound: report its lower one, as histogram_quantile does.
                return lower;
            }

            return lower + ((Bounds[i] - lower) * (rank - below) / counts[i]);
        }

        return Bounds[^1];
    }
}
