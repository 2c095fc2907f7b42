using System.Globalization;
using Axle.Bench.Generate;

namespace Axle.Bench.Load;

internal sealed record RunSettings(
    string Scenario, Uri Url, int? ServerPid, TimeSpan Duration, TimeSpan Warmup, int[] Concurrency, long MaxRequests,
    DbProvider? Provider, string? Connection, string? Out)
{
    public static RunSettings From(CommandLine line)
    {
        var uri = line.LocalUrl("http://127.0.0.1:5080");
        var provider = line.Optional("provider") is { } p ? GenerateSettings.ParseProvider(p) : (DbProvider?)null;
        var settings = new RunSettings(
            line.Required("scenario"),
            uri,
            line.Optional("server-pid") is null ? null : (int)line.Long("server-pid", null, 1, int.MaxValue),
            TimeSpan.FromSeconds(line.Long("duration", 20, 1, 600)),
            TimeSpan.FromSeconds(line.Long("warmup", 30, 0, 300)),
            ParseConcurrency(line.Optional("concurrency") ?? "1,32"),
            line.Long("max-requests", 200_000, 1, 100_000_000),
            provider,
            line.Optional("connection"),
            line.Optional("out"));
        line.RejectUnknown();
        if (settings.Provider is not null && settings.Connection is null)
        {
            throw new UsageException("--provider needs --connection.");
        }

        return settings;
    }

    internal static int[] ParseConcurrency(string text)
    {
        var levels = new List<int>();
        foreach (var part in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!int.TryParse(part, NumberStyles.Integer, CultureInfo.InvariantCulture, out var level) || level is < 1 or > 1024)
            {
                throw new UsageException($"--concurrency takes numbers from 1 to 1024 separated by commas, got '{text}'.");
            }

            levels.Add(level);
        }

        return levels.Count > 0 ? [.. levels] : throw new UsageException("--concurrency is empty.");
    }
}
