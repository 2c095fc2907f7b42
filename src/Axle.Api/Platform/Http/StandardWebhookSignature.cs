using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Axle.Api.Platform.Http;

/// <summary>
/// Verifies Standard Webhooks v1 signatures (STANDARDS.md §1.1): headers <c>webhook-id</c>, <c>webhook-timestamp</c> (Unix
/// seconds) and <c>webhook-signature</c> (space-separated <c>v1,&lt;base64&gt;</c> entries), where v1 =
/// HMAC-SHA256(base64-decoded secret after <c>whsec_</c>, "{id}.{timestamp}.{raw body}"). Any v1 entry matching any of the
/// secrets (rotation) accepts; other versions are skipped. Comparison is constant-time; a timestamp more than the
/// tolerance away from now, in either direction, is refused even when the MAC is right.
/// </summary>
public static class StandardWebhookSignature
{
    public const string IdHeader = "webhook-id";
    public const string TimestampHeader = "webhook-timestamp";
    public const string SignatureHeader = "webhook-signature";
    public const string SecretPrefix = "whsec_";

    /// <summary>Reference libraries refuse timestamps more than five minutes old or ahead.</summary>
    public static readonly TimeSpan DefaultTolerance = TimeSpan.FromMinutes(5);

    public static SignatureCheck Verify(
        string? id, string? timestamp, string? signature, ReadOnlySpan<byte> payload, IReadOnlyList<string> secrets,
        DateTimeOffset now, TimeSpan tolerance)
    {
        if (string.IsNullOrEmpty(id) || string.IsNullOrEmpty(timestamp) || string.IsNullOrWhiteSpace(signature))
        {
            return SignatureCheck.Missing;
        }

        if (id.Contains('.', StringComparison.Ordinal)
            || !long.TryParse(timestamp, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds))
        {
            return SignatureCheck.Malformed;
        }

        var candidates = new List<byte[]>();
        foreach (var entry in signature.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            var comma = entry.IndexOf(',', StringComparison.Ordinal);
            if (comma <= 0)
            {
                return SignatureCheck.Malformed;
            }

            if (entry[..comma] != "v1")
            {
                continue;
            }

            var value = entry[(comma + 1)..];
            var bytes = new byte[value.Length];
            if (!Convert.TryFromBase64String(value, bytes, out var written) || written != SHA256.HashSizeInBytes)
            {
                return SignatureCheck.Malformed;
            }

            candidates.Add(bytes[..written]);
        }

        if (candidates.Count == 0)
        {
            return SignatureCheck.Malformed;
        }

        var nowSeconds = now.ToUnixTimeSeconds();
        var slack = (long)tolerance.TotalSeconds;
        if (seconds > nowSeconds + slack || seconds < nowSeconds - slack)
        {
            return SignatureCheck.Stale;
        }

        var match = false;
        foreach (var secret in secrets)
        {
            if (TryDecodeSecret(secret) is not { } key)
            {
                continue;
            }

            var expected = Compute(key, id, seconds, payload);
            foreach (var candidate in candidates)
            {
                // Every candidate is compared (no early exit), each in constant time.
                match |= CryptographicOperations.FixedTimeEquals(candidate, expected);
            }
        }

        return match ? SignatureCheck.Valid : SignatureCheck.Mismatch;
    }

    /// <summary>A new secret: <c>whsec_</c> + base64 of 32 random bytes (the spec asks for 24–64).</summary>
    public static string NewSecret() => SecretPrefix + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

    /// <summary>
    /// The secrets in effect during a rotation: the current one, and the previous one until its grace runs out. Both are
    /// stored encrypted; <paramref name="open"/> decrypts.
    /// </summary>
    public static IReadOnlyList<string> InEffect(
        string current, string? previous, DateTime? previousExpiresAt, DateTime now, Func<string, string> open) =>
        previous is not null && previousExpiresAt > now ? [open(current), open(previous)] : [open(current)];

    /// <summary>The <c>webhook-signature</c> value a sender would produce (tests, the bench, outbound deliveries).</summary>
    public static string Sign(string secret, string id, long timestamp, ReadOnlySpan<byte> payload) =>
        "v1," + Convert.ToBase64String(Compute(
            TryDecodeSecret(secret) ?? throw new ArgumentException("Not a whsec_ base64 secret.", nameof(secret)), id, timestamp, payload));

    /// <summary>The HMAC key of a <c>whsec_</c> secret (the prefix is optional), or null when it is not base64.</summary>
    public static byte[]? TryDecodeSecret(string? secret)
    {
        if (string.IsNullOrEmpty(secret))
        {
            return null;
        }

        var encoded = secret.StartsWith(SecretPrefix, StringComparison.Ordinal) ? secret[SecretPrefix.Length..] : secret;
        var key = new byte[encoded.Length];
        return encoded.Length > 0 && Convert.TryFromBase64String(encoded, key, out var written) ? key[..written] : null;
    }

    private static byte[] Compute(byte[] key, string id, long timestamp, ReadOnlySpan<byte> payload)
    {
        var prefix = Encoding.UTF8.GetBytes($"{id}.{timestamp.ToString(CultureInfo.InvariantCulture)}.");
        var message = new byte[prefix.Length + payload.Length];
        prefix.CopyTo(message, 0);
        payload.CopyTo(message.AsSpan(prefix.Length));
        return HMACSHA256.HashData(key, message);
    }
}
