using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Axle.Api.Platform.Http;

public enum SignatureCheck
{
    Valid,
    Missing,
    Malformed,

    /// <summary>The signed timestamp is outside the tolerance: a replay, or a clock far off.</summary>
    Stale,
    Mismatch,
}

/// <summary>
/// Verifies a Stripe-style <c>Stripe-Signature</c> header: <c>t=&lt;unix seconds&gt;,v1=&lt;hex&gt;[,v1=…]</c>, where
/// v1 = HMAC-SHA256(secret, "{t}.{raw body}"). Several v1 values are allowed (secret rotation); other schemes (v0) are
/// ignored. Comparison is constant-time; a timestamp outside the tolerance is refused even when the MAC is right.
/// </summary>
public static class StripeSignature
{
    public const string HeaderName = "Stripe-Signature";

    public static SignatureCheck Verify(string? header, ReadOnlySpan<byte> payload, string secret, DateTimeOffset now, TimeSpan tolerance)
    {
        if (string.IsNullOrWhiteSpace(header))
        {
            return SignatureCheck.Missing;
        }

        long? timestamp = null;
        var signatures = new List<byte[]>();
        foreach (var part in header.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = part.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0)
            {
                return SignatureCheck.Malformed;
            }

            var (key, value) = (part[..eq], part[(eq + 1)..]);
            if (key == "t")
            {
                if (!long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var t))
                {
                    return SignatureCheck.Malformed;
                }

                timestamp = t;
            }
            else if (key == "v1")
            {
                if (value.Length != 64 || !IsHex(value))
                {
                    return SignatureCheck.Malformed;
                }

                signatures.Add(Convert.FromHexString(value));
            }
        }

        if (timestamp is not { } seconds || signatures.Count == 0)
        {
            return SignatureCheck.Malformed;
        }

        if (seconds > now.ToUnixTimeSeconds() + (long)tolerance.TotalSeconds || seconds < now.ToUnixTimeSeconds() - (long)tolerance.TotalSeconds)
        {
            return SignatureCheck.Stale;
        }

        var expected = Compute(secret, seconds, payload);
        var match = false;
        foreach (var signature in signatures)
        {
            // Every candidate is compared (no early exit), each in constant time.
            match |= CryptographicOperations.FixedTimeEquals(signature, expected);
        }

        return match ? SignatureCheck.Valid : SignatureCheck.Mismatch;
    }

    /// <summary>The header value a sender would produce (tests, the bench, and documentation examples).</summary>
    public static string Sign(string secret, long timestamp, ReadOnlySpan<byte> payload) =>
        $"t={timestamp.ToString(CultureInfo.InvariantCulture)},v1={Convert.ToHexStringLower(Compute(secret, timestamp, payload))}";

    private static byte[] Compute(string secret, long timestamp, ReadOnlySpan<byte> payload)
    {
        var prefix = Encoding.UTF8.GetBytes(timestamp.ToString(CultureInfo.InvariantCulture) + ".");
        var message = new byte[prefix.Length + payload.Length];
        prefix.CopyTo(message, 0);
        payload.CopyTo(message.AsSpan(prefix.Length));
        return HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), message);
    }

    private static bool IsHex(string value)
    {
        foreach (var c in value)
        {
            if (!char.IsAsciiHexDigit(c))
            {
                return false;
            }
        }

        return true;
    }
}
