using System.Security.Cryptography;

namespace Axle.Api.Features.Orders;

/// <summary>
/// Order numbers people can read out on the phone: <c>AX-</c> and 8 Crockford base-32 characters in two groups
/// (<c>AX-7K3Q-9D2M</c>): no I, L, O or U to misread, 40 random bits so guessing one is hopeless and collisions are
/// vanishingly rare (the unique index turns one into a retry).
/// </summary>
public static class OrderNumbers
{
    private const string Alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

    public static string Next() => Next("AX");

    /// <summary>The same shape under another prefix (returns use <c>RMA</c>).</summary>
    public static string Next(string prefix)
    {
        Span<byte> random = stackalloc byte[8];
        RandomNumberGenerator.Fill(random);
        Span<char> chars = stackalloc char[8];
        for (var i = 0; i < chars.Length; i++)
        {
            chars[i] = Alphabet[random[i] & 31];
        }

        return $"{prefix}-{chars[..4]}-{chars[4..]}";
    }
}
