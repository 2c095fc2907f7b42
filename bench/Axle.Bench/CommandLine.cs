using System.Globalization;
using Axle.Bench.Load;

namespace Axle.Bench;

/// <summary>A wrong or missing argument: printed with the usage text, exit code 2.</summary>
internal sealed class UsageException(string message) : Exception(message);

/// <summary><c>--name value</c> pairs. Every option takes a value; unknown names are rejected by the reader.</summary>
internal sealed class CommandLine
{
    private readonly Dictionary<string, string> _values = new(StringComparer.Ordinal);
    private readonly HashSet<string> _read = new(StringComparer.Ordinal);

    public static CommandLine Parse(ReadOnlySpan<string> args)
    {
        var line = new CommandLine();
        for (var i = 0; i < args.Length; i++)
        {
            var name = args[i];
            if (!name.StartsWith("--", StringComparison.Ordinal) || name.Length < 3)
            {
                throw new UsageException($"Expected an option, got '{name}'.");
            }

            if (i + 1 >= args.Length)
            {
                throw new UsageException($"Option {name} needs a value.");
            }

            line._values[name[2..]] = args[++i];
        }

        return line;
    }

    public string? Optional(string name)
    {
        _read.Add(name);
        return _values.GetValueOrDefault(name);
    }

    public string Required(string name) =>
        Optional(name) ?? throw new UsageException($"Option --{name} is required.");

    public long Long(string name, long? fallback, long min, long max)
    {
        var text = Optional(name);
        if (text is null)
        {
            return fallback ?? throw new UsageException($"Option --{name} is required.");
        }

        if (!long.TryParse(text.Replace("_", "", StringComparison.Ordinal), NumberStyles.Integer, CultureInfo.InvariantCulture, out var value)
            || value < min || value > max)
        {
            throw new UsageException($"Option --{name} must be a whole number from {min} to {max}, got '{text}'.");
        }

        return value;
    }

    /// <summary><c>--url</c>: an absolute URL on this machine (see <see cref="LocalhostGuard"/>).</summary>
    public Uri LocalUrl(string fallback)
    {
        var url = Optional("url") ?? fallback;
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri))
        {
            throw new UsageException($"--url must be an absolute URL, got '{url}'.");
        }

        LocalhostGuard.Ensure(uri);
        return uri;
    }

    /// <summary>Call after reading every option the command knows, so a typo is an error instead of a silent default.</summary>
    public void RejectUnknown()
    {
        var unknown = _values.Keys.Where(k => !_read.Contains(k)).ToList();
        if (unknown.Count > 0)
        {
            throw new UsageException($"Unknown option(s): {string.Join(", ", unknown.Select(u => "--" + u))}.");
        }
    }
}
