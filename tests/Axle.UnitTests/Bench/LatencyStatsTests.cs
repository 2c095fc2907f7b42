using Axle.Bench.Load;

namespace Axle.UnitTests.Bench;

public sealed class LatencyStatsTests
{
    private static readonly long[] OneToHundred = Enumerable.Range(1, 100).Select(i => (long)i).ToArray();

    [Theory]
    [InlineData(50, 50)]
    [InlineData(95, 95)]
    [InlineData(99, 99)]
    [InlineData(100, 100)]
    [InlineData(0, 1)]
    public void Percentile_is_the_nearest_rank_of_sorted_samples(double percent, long expected) =>
        Assert.Equal(expected, LatencyStats.Percentile(OneToHundred, percent));

    [Fact]
    public void Percentile_rounds_the_rank_up_on_small_samples()
    {
        long[] samples = [10, 20, 30];

        Assert.Equal(20, LatencyStats.Percentile(samples, 50));
        Assert.Equal(30, LatencyStats.Percentile(samples, 95));
        Assert.Equal(10, LatencyStats.Percentile(samples, 1));
    }

    [Fact]
    public void Percentile_of_no_samples_is_an_error() =>
        Assert.Throws<ArgumentException>(() => LatencyStats.Percentile([], 50));

    [Fact]
    public void Stats_sort_unordered_samples_before_ranking()
    {
        var ticks = OneToHundred.Reverse().Select(t => t * System.Diagnostics.Stopwatch.Frequency / 1000).ToArray();

        var stats = LatencyStats.From(ticks);

        Assert.Equal(50, stats.P50Ms, precision: 3);
        Assert.Equal(99, stats.P99Ms, precision: 3);
        Assert.Equal(100, stats.MaxMs, precision: 3);
    }
}
