using System.Globalization;

namespace Axle.Api.Features.Suppliers.Mapping;

/// <summary>The accepted time formats of one mapping, checked once and then applied to every record.</summary>
internal sealed class TimestampParser
{
    // The extended ISO 8601 forms suppliers send; K takes Z, an offset like +02:00, or nothing (then the supplier's zone).
    private static readonly string[] IsoFormats =
    [
        "yyyy-MM-dd'T'HH:mm:ssK",
        "yyyy-MM-dd'T'HH:mm:ss.FFFFFFFK",
        "yyyy-MM-dd'T'HH:mmK",
        "yyyy-MM-dd",
    ];

    private const decimal MaxUnixSeconds = 253_402_300_799m; // 9999-12-31T23:59:59Z
    private static readonly DateTime Sample = new(2001, 2, 3, 4, 5, 6, 7, DateTimeKind.Unspecified);

    private readonly string[] formats;
    private readonly TimeZoneInfo? zone;

    private TimestampParser(string[] formats, TimeZoneInfo? zone)
    {
        this.formats = formats;
        this.zone = zone;
        Description = string.Join(", ", formats);
    }

    /// <summary>The formats as a list for people, precomputed so a rejection costs no joining.</summary>
    public string Description { get; }

    public static TimestampParser Create(IReadOnlyList<string> formats, string? timeZone) =>
        new([.. formats], timeZone is null ? null : TimeZoneInfo.FindSystemTimeZoneById(timeZone));

    /// <summary>Null when <paramref name="format"/> is usable; otherwise why not.</summary>
    public static string? CheckFormat(string? format)
    {
        if (string.IsNullOrWhiteSpace(format))
        {
            return "A format cannot be empty.";
        }

        if (IsToken(format))
        {
            return null;
        }

        // A .NET format string cannot be checked by reading it; formatting a known time and reading it back can. Only the
        // date has to survive: "yyyyMMdd" is fine, "HH:mm" alone would silently stamp every record with year 1.
        string text;
        try
        {
            text = Sample.ToString(format, CultureInfo.InvariantCulture);
        }
        catch (FormatException)
        {
            return $"'{format}' is not a .NET date format; use iso8601, unix_seconds, unix_milliseconds or a custom format such as yyyyMMddHHmmss.";
        }

        if (!DateTime.TryParseExact(text, format, CultureInfo.InvariantCulture,
                DateTimeStyles.NoCurrentDateDefault | DateTimeStyles.AdjustToUniversal, out var read)
            || read.Year != Sample.Year || read.Month != Sample.Month || read.Day != Sample.Day)
        {
            return $"'{format}' does not read back a full date (year, month and day); a time read with it would be wrong.";
        }

        return null;
    }

    public static bool IsToken(string format) =>
        format is TimestampMapping.Iso8601 or TimestampMapping.UnixSeconds or TimestampMapping.UnixMilliseconds;

    /// <summary>The first format that reads <paramref name="text"/> wins; the result is UTC.</summary>
    public bool TryParse(ReadOnlySpan<char> text, out DateTime utc)
    {
        foreach (var format in formats)
        {
            var ok = format switch
            {
                TimestampMapping.Iso8601 => TryExact(text, IsoFormats, out utc),
                TimestampMapping.UnixSeconds => TryUnix(text, 10_000_000m, MaxUnixSeconds, out utc),
                TimestampMapping.UnixMilliseconds => TryUnix(text, 10_000m, MaxUnixSeconds * 1000m, out utc),
                _ => TryExact(text, format, out utc),
            };
            if (ok)
            {
                return true;
            }
        }

        utc = default;
        return false;
    }

    private bool TryExact(ReadOnlySpan<char> text, string[] exact, out DateTime utc) =>
        ToUtc(DateTime.TryParseExact(text, exact, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal, out var read), read, out utc);

    private bool TryExact(ReadOnlySpan<char> text, string exact, out DateTime utc) =>
        ToUtc(DateTime.TryParseExact(text, exact, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal, out var read), read, out utc);

    private bool ToUtc(bool parsed, DateTime read, out DateTime utc)
    {
        utc = default;
        if (!parsed)
        {
            return false;
        }

        // AdjustToUniversal turns a time with an offset into UTC and leaves one without as Unspecified: that is the
        // supplier's local time.
        if (read.Kind == DateTimeKind.Utc)
        {
            utc = read;
            return true;
        }

        if (zone is null)
        {
            utc = DateTime.SpecifyKind(read, DateTimeKind.Utc);
            return true;
        }

        // A time skipped by a spring-forward never happened; an ambiguous autumn time is taken as standard time.
        if (zone.IsInvalidTime(read))
        {
            return false;
        }

        utc = TimeZoneInfo.ConvertTimeToUtc(read, zone);
        return true;
    }

    private static bool TryUnix(ReadOnlySpan<char> text, decimal ticksPerUnit, decimal max, out DateTime utc)
    {
        utc = default;
        if (!decimal.TryParse(text, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var value) || value > max)
        {
            return false;
        }

        utc = DateTime.UnixEpoch.AddTicks((long)(value * ticksPerUnit));
        return true;
    }
}
