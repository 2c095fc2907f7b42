using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Json;
using Axle.Bench.Inventory;

namespace Axle.Bench.Reliability;

/// <summary>The machine a run was made on, as the other bench reports record it.</summary>
internal sealed record Machine(int ProcessorCount, string Os, string Runtime)
{
    public static Machine Current => new(Environment.ProcessorCount, RuntimeInformation.OSDescription, RuntimeInformation.FrameworkDescription);
}

internal static class Reporting
{
    /// <summary>Prints every check and a PASS/FAIL line; writes the JSON report when asked. Returns the exit code.</summary>
    public static async Task<int> FinishAsync<T>(string name, T report, IReadOnlyList<Check> checks, string? path, TextWriter log, CancellationToken ct)
    {
        await log.WriteLineAsync();
        foreach (var check in checks)
        {
            await log.WriteLineAsync($"  {(check.Passed ? "ok  " : "FAIL")} {check.Name}: expected {check.Expected}, got {check.Actual}");
        }

        if (path is not null)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
            await File.WriteAllTextAsync(path, JsonSerializer.Serialize(report, Reports.Json) + "\n", ct);
            await log.WriteLineAsync($"wrote {path}");
        }

        var passed = checks.All(c => c.Passed);
        await log.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"{name}: {(passed ? "PASS" : "FAIL")} ({checks.Count(c => c.Passed)}/{checks.Count} checks passed)"));
        return passed ? 0 : 1;
    }
}
