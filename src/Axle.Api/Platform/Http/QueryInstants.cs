using System.Globalization;

namespace Axle.Api.Platform.Http;

/// <summary>Instants in query strings (<c>from</c>, <c>to</c>): ISO 8601 dates or date-times; without an offset, UTC.</summary>
public static class QueryInstants
{
    private static readonly string[] IsoFormats =
    [
        "yyyy-MM-dd",
        "yyyy-MM-dd'T'HH:mmK",
        "yyyy-MM-dd'T'HH:mm:ssK",
        "yyyy-MM-dd'T'HH:mm:ss.FFFFFFFK",
    ];

    /// <summary>The UTC instant in <paramref name="text"/>; null when absent, or when malformed with a message in <paramref name="errors"/>.</summary>
    public static DateTime? Parse(string? text, string field, Dictionary<string, string[]> errors)
    {
        if (string.IsNullOrEmpty(text))
        {
            return null;
        }

        if (DateTimeOffset.TryParseExact(
                text, IsoFormats, CultureInfo.InvariantCulture,
                DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var parsed))
        {
            return parsed.UtcDateTime;
        }

        errors[field] = [$"{field} must be an ISO 8601 date or date-time, e.g. 2025-01-31 or 2025-01-31T12:00:00Z."];
        return null;
    }
}
