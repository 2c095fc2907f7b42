using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Json;
using Axle.Bench.Scenarios;

namespace Axle.Bench.Load;

internal sealed record CapturedResponse(int Status, string? ContentType, int Bytes);

internal sealed record BenchRow(
    string Scenario, int Concurrency, PhaseResult Axle, double? ServerPeakRssMb, double? ServerHwmMb, PhaseResult Ceiling,
    double Ratio);

internal sealed record BenchReport(
    string Scenario, string Url, DateTime StartedAtUtc, int ProcessorCount, string Os, string Runtime, int? ServerPid, string? ServerProcess,
    double DurationSeconds, double WarmupSeconds, long MaxRequests, CapturedResponse Captured, IReadOnlyList<BenchRow> Rows);

/// <summary>
/// The <c>run</c> command: prepare the scenario, capture a real response, start the ceiling with the same bytes, then
/// for each concurrency level load Axle and the ceiling with the same shape.
/// </summary>
internal static class LoadCommand
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    public static async Task<int> RunAsync(RunSettings settings, TextWriter log, CancellationToken ct)
    {
        var scenario = ScenarioCatalog.Create(settings.Scenario);
        var connections = settings.Concurrency.Max();
        using var client = CreateClient(connections);
        var started = DateTime.UtcNow;
        await scenario.PrepareAsync(new ScenarioContext(client, settings.Url, settings.Provider, settings.Connection, log), ct);

        var (captured, body) = await CaptureAsync(client, scenario, ct);
        await log.WriteLineAsync(
            $"captured a {captured.Bytes} byte response (HTTP {captured.Status}) from {scenario.Name}; the ceiling serves the same bytes");
        if (captured.Status is < 200 or > 299)
        {
            await log.WriteLineAsync($"warning: {scenario.Name} answers HTTP {captured.Status}; those responses are counted as errors");
        }

        await using var ceiling = await CeilingServer.StartAsync(body, ct);
        using var ceilingClient = CreateClient(connections);
        var ceilingScenario = new FixedResponseScenario(ceiling.Url);

        string? serverProcess = null;
        if (settings.ServerPid is { } serverPid)
        {
            serverProcess = ServerMemorySampler.ProcessName(serverPid);
            await log.WriteLineAsync(serverProcess is null
                ? $"warning: no process {serverPid}; server memory will not be measured"
                : $"sampling memory of pid {serverPid} ({serverProcess})");
            if (serverProcess is "bash" or "sh" or "dash" or "nohup")
            {
                await log.WriteLineAsync($"warning: pid {serverPid} is a shell, not the server; pass the dotnet process id");
            }
        }

        var rows = new List<BenchRow>();
        foreach (var concurrency in settings.Concurrency)
        {
            await log.WriteLineAsync(
                $"{scenario.Name} c={concurrency}: warmup {settings.Warmup.TotalSeconds:F0} s, measure {settings.Duration.TotalSeconds:F0} s");
            await using var sampler = ServerMemorySampler.Start(settings.ServerPid);
            var axle = await ClosedLoop.RunAsync(client, scenario, concurrency, settings.Warmup, settings.Duration, settings.MaxRequests, ct);
            var memory = sampler is null ? ((double, double?)?)null : await sampler.StopAsync();
            await log.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"  {axle.Requests} requests, statuses {string.Join(", ", axle.StatusCodes.Select(c => $"{c.Key}: {c.Value}"))}, {axle.Failures} failed"));
            if (axle.FirstFailure is not null)
            {
                await log.WriteLineAsync($"  first failure: {axle.FirstFailure}");
            }

            await log.WriteLineAsync($"ceiling c={concurrency}");
            var top = await ClosedLoop.RunAsync(ceilingClient, ceilingScenario, concurrency, settings.Warmup, settings.Duration, settings.MaxRequests, ct);
            var ratio = top.RequestsPerSecond > 0 ? Math.Round(axle.RequestsPerSecond / top.RequestsPerSecond, 3) : 0;
            rows.Add(new BenchRow(scenario.Name, concurrency, axle, memory?.Item1, memory?.Item2, top, ratio));
        }

        var report = new BenchReport(
            scenario.Name, settings.Url.ToString(), started, Environment.ProcessorCount, RuntimeInformation.OSDescription,
            RuntimeInformation.FrameworkDescription, settings.ServerPid, serverProcess, settings.Duration.TotalSeconds,
            settings.Warmup.TotalSeconds, settings.MaxRequests, captured, rows);
        await log.WriteLineAsync();
        await log.WriteAsync(Markdown(rows));
        if (settings.Out is { } path)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
            await File.WriteAllTextAsync(path, JsonSerializer.Serialize(report, Json) + "\n", ct);
            await log.WriteLineAsync($"\nwrote {path}");
        }

        return 0;
    }

    internal static string Markdown(IEnumerable<BenchRow> rows)
    {
        var text = new System.Text.StringBuilder();
        text.AppendLine("| scenario | concurrency | req/s | p50 ms | p95 ms | p99 ms | errors | server peak RSS MB | ceiling req/s | ratio |");
        text.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var r in rows)
        {
            var rss = r.ServerPeakRssMb is { } mb ? mb.ToString("F1", CultureInfo.InvariantCulture) : "n/a";
            text.AppendLine(string.Create(CultureInfo.InvariantCulture,
                $"| {r.Scenario} | {r.Concurrency} | {r.Axle.RequestsPerSecond:F1} | {r.Axle.Latency.P50Ms:F2} | {r.Axle.Latency.P95Ms:F2} | {r.Axle.Latency.P99Ms:F2} | {r.Axle.Errors} | {rss} | {r.Ceiling.RequestsPerSecond:F1} | {r.Ratio:F3} |"));
        }

        return text.ToString();
    }

    /// <summary>
    /// One client per target; enough pooled connections for every worker, no proxy (an HTTP_PROXY variable must not
    /// carry load off this machine) and no redirects (a Location header must not either).
    /// </summary>
    internal static HttpClient CreateClient(int connections) => new(new SocketsHttpHandler
    {
        MaxConnectionsPerServer = connections,
        PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
        ConnectTimeout = TimeSpan.FromSeconds(5),
        UseProxy = false,
        AllowAutoRedirect = false,
        UseCookies = false,
    })
    {
        Timeout = TimeSpan.FromSeconds(30),
    };

    /// <summary>A few real responses; the median-sized one is what the ceiling will serve.</summary>
    private static async Task<(CapturedResponse, byte[])> CaptureAsync(HttpClient client, IScenario scenario, CancellationToken ct)
    {
        var random = new Random(42);
        var samples = new List<(int Status, string? Type, byte[] Body)>();
        for (var i = 0; i < 9; i++)
        {
            using var request = scenario.CreateRequest(random);
            LocalhostGuard.Ensure(request.RequestUri!);
            using var response = await client.SendAsync(request, ct);
            samples.Add(((int)response.StatusCode, response.Content.Headers.ContentType?.MediaType, await response.Content.ReadAsByteArrayAsync(ct)));
        }

        var median = samples.OrderBy(s => s.Body.Length).ElementAt(samples.Count / 2);
        return (new CapturedResponse(median.Status, median.Type, median.Body.Length), median.Body);
    }
}
