using System.Text;
using Microsoft.Extensions.Primitives;

namespace Axle.Api.Platform.Http;

/// <summary>
/// Parses the <c>Idempotency-Key</c> request header. The draft defines it as a Structured Field string
/// (<c>Idempotency-Key: "8e03978e-40d5-43e8-bc93-6894a57f9324"</c>); many clients send the bare value, so both are
/// accepted. The key is 1–255 printable ASCII characters. Two header fields are refused: the server cannot tell which
/// one the client meant.
/// </summary>
public static class IdempotencyKeyHeader
{
    public const string Name = "Idempotency-Key";

    public enum Outcome
    {
        Missing,
        Invalid,
        Valid,
    }

    public readonly record struct Result(Outcome Outcome, string? Key, string? Error);

    public static Result Parse(StringValues values)
    {
        if (values.Count == 0)
        {
            return new(Outcome.Missing, null, null);
        }

        if (values.Count > 1)
        {
            return Invalid("Send exactly one Idempotency-Key header.");
        }

        var raw = (values[0] ?? "").Trim(' ', '\t');
        if (raw.Length == 0)
        {
            return Invalid("The Idempotency-Key header is empty.");
        }

        string key;
        if (raw[0] == '"')
        {
            if (!TryParseSfString(raw, out key))
            {
                return Invalid("The Idempotency-Key header is not a valid quoted string.");
            }
        }
        else
        {
            // A bare value with quotes, commas or backslashes is ambiguous (a folded list, a half-quoted string).
            foreach (var c in raw)
            {
                if (c is < ' ' or > '~' or '"' or ',' or '\\')
                {
                    return Invalid("The Idempotency-Key must be printable ASCII; quote it as \"...\" to use '\"', ',' or '\\'.");
                }
            }

            key = raw;
        }

        if (key.Length is 0 or > IdempotencyRecord.MaxKeyLength)
        {
            return Invalid($"The Idempotency-Key must be 1 to {IdempotencyRecord.MaxKeyLength} characters long.");
        }

        return new(Outcome.Valid, key, null);
    }

    private static Result Invalid(string error) => new(Outcome.Invalid, null, error);

    /// <summary>RFC 9651 §4.2.5: a quoted string of printable ASCII with <c>\"</c> and <c>\\</c> as the only escapes.</summary>
    private static bool TryParseSfString(string raw, out string value)
    {
        value = "";
        var builder = new StringBuilder(raw.Length);
        for (var i = 1; i < raw.Length; i++)
        {
            var c = raw[i];
            if (c == '\\')
            {
                if (i + 1 >= raw.Length || raw[i + 1] is not ('"' or '\\'))
                {
                    return false;
                }

                builder.Append(raw[++i]);
            }
            else if (c == '"')
            {
                // Nothing may follow the closing quote (parameters are not part of this field).
                if (i != raw.Length - 1)
                {
                    return false;
                }

                value = builder.ToString();
                return true;
            }
            else if (c is < ' ' or > '~')
            {
                return false;
            }
            else
            {
                builder.Append(c);
            }
        }

        return false;
    }
}
