namespace Axle.Api.Features.Catalog;

/// <summary>
/// Part numbers are compared without punctuation, spaces or case: "BP-1234", "bp 1234" and "BP1234" are one number.
/// </summary>
public static class PartNumbers
{
    public static string Normalize(string? number)
    {
        if (string.IsNullOrEmpty(number))
        {
            return string.Empty;
        }

        Span<char> buffer = number.Length <= 256 ? stackalloc char[number.Length] : new char[number.Length];
        var length = 0;
        foreach (var c in number)
        {
            if (char.IsAsciiLetterOrDigit(c))
            {
                buffer[length++] = char.ToUpperInvariant(c);
            }
        }

        return new string(buffer[..length]);
    }
}
