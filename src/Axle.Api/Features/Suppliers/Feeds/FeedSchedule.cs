using Cronos;

namespace Axle.Api.Features.Suppliers.Feeds;

/// <summary>When a supplier's next pull is due. Pure: the caller passes the clock.</summary>
public static class FeedSchedule
{
    // A cron expression that never fires inside the window (daily at noon, window 22:00–06:00) would loop for ever;
    // after this many windows the window start itself is used.
    private const int MaxWindowsSearched = 400;

    /// <summary>
    /// The next run in UTC. Interval: <paramref name="lastRunUtc"/> + interval, or now when never run or overdue. Cron: the
    /// next occurrence after the last run (after now when never run), or now when one was missed. With an off-peak window
    /// a time outside it moves to the window's next start (for cron: the first occurrence inside the window).
    /// </summary>
    public static DateTime NextRun(FeedSettings settings, DateTime? lastRunUtc, DateTime nowUtc)
    {
        var schedule = settings.Schedule;
        var now = AsUtc(nowUtc);
        var last = lastRunUtc is { } l ? AsUtc(l) : (DateTime?)null;
        var zone = TimeZoneInfo.TryFindSystemTimeZoneById(schedule.TimeZone ?? "UTC", out var z) ? z : TimeZoneInfo.Utc;
        var cron = FeedScheduleSettings.TryParseCron(schedule.Cron, out var parsed) ? parsed : null;

        DateTime candidate;
        if (cron is not null)
        {
            candidate = cron.GetNextOccurrence(last ?? now, zone) ?? DateTime.MaxValue;
        }
        else
        {
            var interval = schedule.Interval ?? FeedScheduleSettings.DefaultInterval;
            candidate = last is { } previous ? previous + interval : now;
        }

        if (candidate < now)
        {
            candidate = now;
        }

        return schedule.OffPeak is { } window ? IntoWindow(candidate, window, zone, cron) : candidate;
    }

    private static DateTime IntoWindow(DateTime candidate, FeedOffPeakWindow window, TimeZoneInfo zone, CronExpression? cron)
    {
        if (InWindow(candidate, window, zone) || candidate == DateTime.MaxValue)
        {
            return candidate;
        }

        var start = NextWindowStart(candidate, window, zone);
        if (cron is null)
        {
            return start;
        }

        var firstStart = start;
        for (var i = 0; i < MaxWindowsSearched; i++)
        {
            if (cron.GetNextOccurrence(start, zone, inclusive: true) is not { } occurrence)
            {
                break;
            }

            if (InWindow(occurrence, window, zone))
            {
                return occurrence;
            }

            start = NextWindowStart(occurrence, window, zone);
        }

        return firstStart;
    }

    private static bool InWindow(DateTime utc, FeedOffPeakWindow window, TimeZoneInfo zone) =>
        window.Contains(TimeOnly.FromDateTime(TimeZoneInfo.ConvertTimeFromUtc(utc, zone)));

    private static DateTime NextWindowStart(DateTime utc, FeedOffPeakWindow window, TimeZoneInfo zone)
    {
        var local = TimeZoneInfo.ConvertTimeFromUtc(utc, zone);
        var start = local.Date + window.Start.ToTimeSpan();
        if (start <= local)
        {
            start = start.AddDays(1);
        }

        // A start inside a spring-forward gap (02:30 on the change night) does not exist: take the first minute after it.
        while (zone.IsInvalidTime(start))
        {
            start = start.AddMinutes(1);
        }

        return TimeZoneInfo.ConvertTimeToUtc(DateTime.SpecifyKind(start, DateTimeKind.Unspecified), zone);
    }

    private static DateTime AsUtc(DateTime value) => value.Kind switch
    {
        DateTimeKind.Utc => value,
        DateTimeKind.Local => value.ToUniversalTime(),
        _ => DateTime.SpecifyKind(value, DateTimeKind.Utc),
    };
}
