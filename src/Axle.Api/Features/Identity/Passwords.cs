using System.Reflection;
using Microsoft.AspNetCore.Identity;

namespace Axle.Api.Features.Identity;

/// <summary>Hashing and verification; unknown emails are checked against a dummy hash so both cost the same.</summary>
internal sealed class Passwords(IPasswordHasher<User> hasher)
{
    private readonly Lazy<string> _dummyHash = new(() => hasher.HashPassword(null!, Convert.ToHexString(Guid.NewGuid().ToByteArray())));

    public string Hash(User user, string password) => hasher.HashPassword(user, password);

    /// <summary>Verifies <paramref name="password"/>; with no user the work is done anyway and the result is a failure.</summary>
    public PasswordVerificationResult Verify(User? user, string password)
    {
        if (user is null)
        {
            hasher.VerifyHashedPassword(null!, _dummyHash.Value, password);
            return PasswordVerificationResult.Failed;
        }

        return hasher.VerifyHashedPassword(user, user.PasswordHash, password);
    }
}

/// <summary>
/// NIST SP 800-63B style rules: long enough, not a known-common password or trivial pattern, not built from the email.
/// No composition rules (they push people to "Password1!").
/// </summary>
internal sealed class PasswordPolicy
{
    public const int MaxLength = 128;

    private static readonly Lazy<HashSet<string>> Common = new(LoadCommon);

    private readonly int _minLength;

    public PasswordPolicy(Microsoft.Extensions.Options.IOptions<IdentityOptions> options)
    {
        _minLength = options.Value.MinPasswordLength;
    }

    /// <summary>The reason the password is refused, or null when it is acceptable.</summary>
    public string? Check(string? password, string? email)
    {
        if (string.IsNullOrEmpty(password))
        {
            return "A password is required.";
        }

        if (password.Length < _minLength)
        {
            return $"Use at least {_minLength} characters.";
        }

        if (password.Length > MaxLength)
        {
            return $"Use at most {MaxLength} characters.";
        }

        var lower = password.ToLowerInvariant();
        if (Common.Value.Contains(lower))
        {
            return "This password is too common. Choose one that is hard to guess.";
        }

        if (IsTrivialPattern(lower))
        {
            return "This password is a predictable pattern. Choose one that is hard to guess.";
        }

        var at = email?.IndexOf('@', StringComparison.Ordinal) ?? -1;
        if (at >= 3 && lower.Contains(email![..at].Trim().ToLowerInvariant(), StringComparison.Ordinal))
        {
            return "The password must not contain your email address.";
        }

        return null;
    }

    /// <summary>One repeated character or one short unit repeated ("abcabcabcabc"), or a straight run ("123456789012").</summary>
    private static bool IsTrivialPattern(string password)
    {
        for (var unit = 1; unit <= 4; unit++)
        {
            if (password.Length % unit == 0 && password.Length / unit >= 3
                && Enumerable.Range(unit, password.Length - unit).All(i => password[i] == password[i - unit]))
            {
                return true;
            }
        }

        static bool Run(string s, int step)
        {
            for (var i = 1; i < s.Length; i++)
            {
                var expected = (char)(s[i - 1] + step);
                // 9 → 0 continues a digit run ("890123"), as keyboards and number rows do.
                if (s[i] != expected && !(char.IsAsciiDigit(s[i]) && s[i - 1] == (step > 0 ? '9' : '0') && s[i] == (step > 0 ? '0' : '9')))
                {
                    return false;
                }
            }

            return true;
        }

        return Run(password, 1) || Run(password, -1);
    }

    private static HashSet<string> LoadCommon()
    {
        var assembly = Assembly.GetExecutingAssembly();
        var name = assembly.GetManifestResourceNames().Single(n => n.EndsWith("CommonPasswords.txt", StringComparison.Ordinal));
        using var stream = assembly.GetManifestResourceStream(name)!;
        using var reader = new StreamReader(stream);
        var set = new HashSet<string>(StringComparer.Ordinal);
        while (reader.ReadLine() is { } line)
        {
            line = line.Trim();
            if (line.Length > 0 && !line.StartsWith('#'))
            {
                set.Add(line.ToLowerInvariant());
            }
        }

        return set;
    }
}
