using System.Globalization;
using Axle.Bench.Scenarios;

namespace Axle.Bench.Load;

/// <summary>
/// Warm-up that lasts until the server's JIT has settled, not a fixed time: the API compiles some 40,000 methods on its way
/// to steady state, and on a loaded 2-core box the tier-1 recompiles run well past a fixed 30 s warm-up, so a measured
/// window would include the JIT's CPU. Load runs in rounds of <see cref="Round"/>; after the minimum warm-up, it stops
/// as soon as a round compiled fewer than <see cref="SettledMethods"/> methods (read from the server's Prometheus
/// <c>dotnet_jit_compiled_methods_total</c>), and in any case after <see cref="Limit"/>.
/// </summary>
internal static class JitWarmup
{
    public static readonly TimeSpan Round = TimeSpan.FromSeconds(10);
    public static readonly TimeSpan Limit = TimeSpan.FromSeconds(180);
    public const long SettledMethods = 50;

    /// <summary>Runs the warm-up; returns how long it took and whether the JIT settled (null when the server has no metrics).</summary>
    public static async Task<(TimeSpan Took, bool? Settled)> RunAsync(
        HttpClient client, IScenario scenario, int concurrency, TimeSpan minimum, long maxRequests, TextWriter log, CancellationToken ct)
    {
        var started = DateTime.UtcNow;
        if (minimum > TimeSpan.Zero)
        {
            await ClosedLoop.RunAsync(client, scenario, concurrency, TimeSpan.Zero, minimum, maxRequests, ct);
        }

        var before = await CompiledMethodsAsync(client, ct);
        if (before is null)
        {
            return (DateTime.UtcNow - started, null);
        }

        while (DateTime.UtcNow - started < Limit)
        {
            await ClosedLoop.RunAsync(client, scenario, concurrency, TimeSpan.Zero, Round, maxRequests, ct);
            var after = await CompiledMethodsAsync(client, ct);
            if (after is null)
            {
                return (DateTime.UtcNow - started, null);
            }

            var compiled = after.Value - before.Value;
            await log.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"  warm-up: {compiled} methods JIT-compiled in the last {Round.TotalSeconds:F0} s"));
            if (compiled < SettledMethods)
            {
                return (DateTime.UtcNow - started, true);
            }

            before = after;
        }

        return (DateTime.UtcNow - started, false);
    }

    /// <summary>The server's <c>dotnet_jit_compiled_methods_total</c>, or null when <c>/metrics</c> does not answer with it.</summary>
    public static async Task<long?> CompiledMethodsAsync(HttpClient client, CancellationToken ct)
    {
        try
        {
            using var response = await client.GetAsync("/metrics", ct);
            if (!response.IsSuccessStatusCode)
            {
                return null;
            }

            return CompiledMethods(await response.Content.ReadAsStringAsync(ct));
        }
        catch (HttpRequestException)
        {
            return null;
        }
    }

    /// <summary><c>dotnet_jit_compiled_methods_total</c> in a Prometheus text exposition, or null when it is not there.</summary>
    internal static long? CompiledMethods(string exposition)
    {
        foreach (var line in exposition.Split('\n'))
        {
            if ((line.StartsWith("dotnet_jit_compiled_methods_total ", StringComparison.Ordinal)
                    || line.StartsWith("dotnet_jit_compiled_methods_total{", StringComparison.Ordinal))
                && double.TryParse(line[(line.LastIndexOf(' ') + 1)..], NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
            {
                return (long)value;
            }
        }

        return null;
    }
}
