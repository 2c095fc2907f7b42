using System.Text.Json;

namespace Axle.Api.Platform.Http;

/// <summary>
/// Enum values as the API writes them (snake_case, like <see cref="HttpSetup.ConfigureJson"/>'s enum converter), and back:
/// for query parameters and problem texts that name a status or kind.
/// </summary>
public static class WireNames
{
    public static string Of<T>(T value) where T : struct, Enum => JsonNamingPolicy.SnakeCaseLower.ConvertName(value.ToString());

    /// <summary>The value whose wire name is exactly <paramref name="text"/> (case-sensitive; numbers are not names).</summary>
    public static bool TryParse<T>(string? text, out T value) where T : struct, Enum
    {
        foreach (var candidate in Enum.GetValues<T>())
        {
            if (string.Equals(Of(candidate), text, StringComparison.Ordinal))
            {
                value = candidate;
                return true;
            }
        }

        value = default;
        return false;
    }

    /// <summary>"a, b, c": every wire name, for a validation message.</summary>
    public static string All<T>() where T : struct, Enum => string.Join(", ", Enum.GetValues<T>().Select(Of));
}
