using Axle.Api.Features.Analytics;

namespace Axle.UnitTests.Analytics;

public sealed class DurationBucketsTests
{
    private static long[] Counts(params (double Seconds, long Count)[] observations)
    {
        var counts = new long[DurationBuckets.Count];
        foreach (var (seconds, count) in observations)
        {
            counts[DurationBuckets.IndexOf(seconds)] += count;
        }

        return counts;
    }

    [Theory]
    [InlineData(0, 0)]
    [InlineData(0.05, 0)]
    [InlineData(0.051, 1)]
    [InlineData(60, 9)]
    [InlineData(61, 10)]
    [InlineData(604800, 22)]
    [InlineData(1e9, 23)]
    public void A_duration_falls_in_the_first_bucket_whose_upper_bound_is_at_least_it(double seconds, int index) =>
        Assert.Equal(index, DurationBuckets.IndexOf(seconds));

    [Fact]
    public void An_empty_distribution_has_no_percentile() =>
        Assert.Null(DurationBuckets.Percentile(new long[DurationBuckets.Count], 0.5));

    [Fact]
    public void Percentiles_interpolate_inside_the_bucket_the_rank_falls_in()
    {
        // 100 observations in (60, 120]: the median sits halfway, p95 near the top.
        var counts = Counts((90, 100));

        Assert.Equal(90, DurationBuckets.Percentile(counts, 0.5)!.Value, 6);
        Assert.Equal(117, DurationBuckets.Percentile(counts, 0.95)!.Value, 6);
    }

    [Fact]
    public void Merged_hours_give_the_percentile_of_the_whole_range()
    {
        var fast = Counts((0.2, 90));
        var slow = Counts((400, 10));
        var merged = fast.Zip(slow, (a, b) => a + b).ToArray();

        Assert.InRange(DurationBuckets.Percentile(merged, 0.5)!.Value, 0.1, 0.25);
        Assert.InRange(DurationBuckets.Percentile(merged, 0.95)!.Value, 300, 600);
    }

    [Fact]
    public void The_open_top_bucket_reports_the_highest_bound() =>
        Assert.Equal(604800, DurationBuckets.Percentile(Counts((1e7, 3)), 0.95));

    [Fact]
    public void Keys_are_two_digit_indexes_that_parse_back()
    {
        Assert.Equal("07", DurationBuckets.Key(7));
        Assert.True(DurationBuckets.TryParseKey("07", out var index));
        Assert.Equal(7, index);
        Assert.False(DurationBuckets.TryParseKey("99", out _));
        Assert.False(DurationBuckets.TryParseKey("-1", out _));
    }
}
