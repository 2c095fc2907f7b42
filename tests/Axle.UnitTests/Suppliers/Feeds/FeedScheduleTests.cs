using Axle.Api.Features.Suppliers.Feeds;

namespace Axle.UnitTests.Suppliers.Feeds;

public sealed class FeedScheduleTests
{
    private static DateTime Utc(int day, int hour, int minute = 0) => new(2025, 3, day, hour, minute, 0, DateTimeKind.Utc);

    private static FeedSettings With(FeedScheduleSettings schedule) => new() { Url = "https://feeds.example.com/", Schedule = schedule };

    [Fact]
    public void An_interval_feed_never_run_is_due_now()
    {
        var settings = With(new FeedScheduleSettings { Interval = TimeSpan.FromMinutes(10) });

        Assert.Equal(Utc(1, 12), FeedSchedule.NextRun(settings, null, Utc(1, 12)));
    }

    [Fact]
    public void An_interval_feed_is_due_one_interval_after_its_last_run()
    {
        var settings = With(new FeedScheduleSettings { Interval = TimeSpan.FromMinutes(10) });

        Assert.Equal(Utc(1, 12, 10), FeedSchedule.NextRun(settings, Utc(1, 12), Utc(1, 12, 3)));
    }

    [Fact]
    public void An_overdue_interval_feed_is_due_now_not_in_the_past()
    {
        var settings = With(new FeedScheduleSettings { Interval = TimeSpan.FromMinutes(10) });

        Assert.Equal(Utc(1, 15), FeedSchedule.NextRun(settings, Utc(1, 12), Utc(1, 15)));
    }

    [Fact]
    public void No_interval_and_no_cron_means_the_default_interval()
    {
        Assert.Equal(Utc(1, 12, 15), FeedSchedule.NextRun(With(new FeedScheduleSettings()), Utc(1, 12), Utc(1, 12, 1)));
    }

    [Fact]
    public void A_cron_feed_runs_at_the_next_occurrence_after_its_last_run()
    {
        var settings = With(new FeedScheduleSettings { Cron = "0 * * * *" });

        Assert.Equal(Utc(1, 11), FeedSchedule.NextRun(settings, Utc(1, 10), Utc(1, 10, 20)));
    }

    [Fact]
    public void A_cron_feed_never_run_waits_for_its_first_occurrence()
    {
        var settings = With(new FeedScheduleSettings { Cron = "30 6 * * *" });

        Assert.Equal(Utc(2, 6, 30), FeedSchedule.NextRun(settings, null, Utc(1, 12)));
    }

    [Fact]
    public void A_cron_feed_that_missed_an_occurrence_runs_now()
    {
        var settings = With(new FeedScheduleSettings { Cron = "0 * * * *" });

        Assert.Equal(Utc(1, 13, 20), FeedSchedule.NextRun(settings, Utc(1, 10), Utc(1, 13, 20)));
    }

    [Fact]
    public void A_cron_is_evaluated_in_the_schedule_time_zone()
    {
        // 06:00 in Berlin is 05:00 UTC in winter (March 1st 2025 is before the change).
        var settings = With(new FeedScheduleSettings { Cron = "0 6 * * *", TimeZone = "Europe/Berlin" });

        Assert.Equal(Utc(2, 5), FeedSchedule.NextRun(settings, null, Utc(1, 12)));
    }

    [Fact]
    public void A_cron_with_seconds_is_accepted()
    {
        var settings = With(new FeedScheduleSettings { Cron = "30 0 * * * *" });

        Assert.Equal(new DateTime(2025, 3, 1, 11, 0, 30, DateTimeKind.Utc), FeedSchedule.NextRun(settings, Utc(1, 10, 1), Utc(1, 10, 30)));
    }

    [Theory]
    [InlineData(12, 22)] // midday → tonight's window start
    [InlineData(23, 23)] // inside, before midnight
    [InlineData(5, 5)] // inside, after midnight
    public void An_off_peak_window_spanning_midnight_moves_runs_outside_it_to_its_start(int hour, int expectedHour)
    {
        var settings = With(new FeedScheduleSettings
        {
            Interval = TimeSpan.FromMinutes(10),
            OffPeak = new FeedOffPeakWindow(new TimeOnly(22, 0), new TimeOnly(6, 0)),
        });

        var next = FeedSchedule.NextRun(settings, null, Utc(1, hour));

        Assert.Equal(Utc(1, expectedHour), next);
    }

    [Fact]
    public void The_window_end_is_exclusive()
    {
        var settings = With(new FeedScheduleSettings { OffPeak = new FeedOffPeakWindow(new TimeOnly(22, 0), new TimeOnly(6, 0)) });

        Assert.Equal(Utc(1, 22), FeedSchedule.NextRun(settings, null, Utc(1, 6)));
    }

    [Fact]
    public void An_off_peak_window_is_read_in_its_time_zone()
    {
        // 01:00–05:00 in Berlin = 00:00–04:00 UTC in winter.
        var settings = With(new FeedScheduleSettings
        {
            TimeZone = "Europe/Berlin",
            OffPeak = new FeedOffPeakWindow(new TimeOnly(1, 0), new TimeOnly(5, 0)),
        });

        Assert.Equal(Utc(2, 0), FeedSchedule.NextRun(settings, null, Utc(1, 12)));
    }

    [Fact]
    public void A_cron_outside_the_window_moves_to_its_first_occurrence_inside()
    {
        var settings = With(new FeedScheduleSettings
        {
            Cron = "15,45 * * * *",
            OffPeak = new FeedOffPeakWindow(new TimeOnly(22, 0), new TimeOnly(6, 0)),
        });

        Assert.Equal(Utc(1, 22, 15), FeedSchedule.NextRun(settings, Utc(1, 11, 45), Utc(1, 12)));
    }

    [Fact]
    public void A_cron_that_never_fires_inside_the_window_falls_back_to_the_window_start()
    {
        var settings = With(new FeedScheduleSettings
        {
            Cron = "0 12 * * *",
            OffPeak = new FeedOffPeakWindow(new TimeOnly(22, 0), new TimeOnly(6, 0)),
        });

        Assert.Equal(Utc(1, 22), FeedSchedule.NextRun(settings, Utc(1, 9), Utc(1, 10)));
    }
}
