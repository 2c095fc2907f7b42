using System.Diagnostics;
using System.Globalization;
using Axle.Bench.Inventory;
using Axle.Bench.Load;

namespace Axle.Bench.Reliability;

internal sealed record OutageSettings(
    Uri Url, string Connection, string Email, string Password, ServerSpec Server, string DbStop, string DbStart, TimeSpan Before,
    TimeSpan Outage, TimeSpan After, int Customers, string? Out)
{
    public static OutageSettings From(CommandLine line)
    {
        var url = line.LocalUrl("http://127.0.0.1:5096");
        var settings = new OutageSettings(
            url,
            line.Required("connection"),
            line.Required("email"),
            line.Required("password"),
            ServerSpec.From(line, url),
            line.Required("db-stop"),
            line.Required("db-start"),
            TimeSpan.FromSeconds(line.Long("before", 15, 1, 600)),
            TimeSpan.FromSeconds(line.Long("outage", 20, 1, 600)),
            TimeSpan.FromSeconds(line.Long("after", 30, 5, 600)),
            (int)line.Long("customers", 4, 1, 64),
            line.Optional("out"));
        line.RejectUnknown();
        return settings;
    }
}

internal sealed record HealthSample(double AtSeconds, string Phase, int Status);

internal sealed record OutageReport(
    string Scenario, DateTime StartedAtUtc, Machine Machine, double StopSeconds, double StartSeconds, double DownSeconds,
    double? ReadyRedAfterStopSeconds, double? ReadyGreenAfterStartSeconds,
    int OrdersAcknowledged, int PushesAcknowledged, object Answers, int RuleBreakingAnswers, IReadOnlyList<string> Samples,
    IReadOnlyList<HealthSample> Ready, IReadOnlyList<Check> Checks, bool Passed);

/// <summary>
/// The <c>outage</c> command (issue 8, item 5): a mixed load (orders, pushes, catalog and order reads) runs against a
/// real server while PostgreSQL (a throwaway cluster the script owns) is stopped for <c>--outage</c> seconds and started
/// again. During the outage every answer must be a 503 problem without internals (no 500, no hang); <c>/health/ready</c>
/// must go red and back to green by itself, with the same server process; what was acknowledged must still be there.
/// </summary>
internal static class OutageCommand
{
    public static async Task<int> RunAsync(OutageSettings settings, TextWriter log, CancellationToken ct)
    {
        var started = DateTime.UtcNow;
        await using var server = ServerProcess.Create(settings.Server);
        var startSeconds = await server.StartAsync(ct);
        var pid = server.Pid;
        await log.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"server ready in {startSeconds:F1} s, pid {pid}"));
        using var client = LoadCommand.CreateClient(64);
        client.BaseAddress = settings.Url;
        var shop = await Shop.CreateAsync(client, settings.Connection, settings.Email, settings.Password, 10, 6, settings.Customers, log, ct);
        var recorder = new Recorder { Phase = "before" };
        // Ten seconds is "hangs": a request the API neither answers nor refuses in that time during an outage is a finding.
        var traffic = new Traffic(shop, recorder, TimeSpan.FromSeconds(10));
        var clock = Stopwatch.StartNew();
        var ready = new List<HealthSample>();
        using var stopLoad = new CancellationTokenSource();
        var workers = new List<Task>();
        foreach (var customer in shop.Customers)
        {
            var random = new Random(customer.Index);
            workers.Add(Loop(async () =>
            {
                await traffic.PlaceOrderAsync(customer, [.. shop.OrderParts.OrderBy(_ => random.Next()).Take(3)], TimeSpan.Zero, ct);
                await traffic.MyOrdersAsync(customer, ct);
                await traffic.CatalogAsync(random, fresh: true, ct);
            }, stopLoad.Token));
        }

        var pushes = 0;
        workers.Add(Loop(async () =>
        {
            var n = pushes++;
            await traffic.PushAsync($"msg_{shop.Tag}_{n:D6}", shop.PushSkus[n % shop.PushSkus.Count], TimeSpan.Zero, ct);
        }, stopLoad.Token));
        workers.Add(Task.Run(async () =>
        {
            using var probe = new HttpClient(new SocketsHttpHandler { UseProxy = false }) { BaseAddress = settings.Url, Timeout = TimeSpan.FromSeconds(5) };
            while (!stopLoad.IsCancellationRequested)
            {
                var phase = recorder.Phase;
                int status;
                try
                {
                    using var response = await probe.GetAsync("/health/ready", ct);
                    status = (int)response.StatusCode;
                }
                catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !ct.IsCancellationRequested)
                {
                    status = 0;
                }

                lock (ready)
                {
                    ready.Add(new HealthSample(Math.Round(clock.Elapsed.TotalSeconds, 2), phase, status));
                }

                await Task.Delay(500, ct);
            }
        }, ct));

        await Task.Delay(settings.Before, ct);
        recorder.Phase = "stopping";
        var stopAt = clock.Elapsed.TotalSeconds;
        await log.WriteLineAsync($"stopping PostgreSQL: {settings.DbStop}");
        await ShellAsync(settings.DbStop, ct);
        recorder.Phase = "down";
        var downAt = clock.Elapsed.TotalSeconds;
        await Task.Delay(settings.Outage, ct);
        recorder.Phase = "starting";
        var upAt = clock.Elapsed.TotalSeconds;
        await log.WriteLineAsync($"starting PostgreSQL: {settings.DbStart}");
        await ShellAsync(settings.DbStart, ct);
        recorder.Phase = "after";
        var startedAt = clock.Elapsed.TotalSeconds;
        await Task.Delay(settings.After, ct);
        await stopLoad.CancelAsync();
        await Task.WhenAll(workers);

        // This process's own pooled connections died with the server too; the checks must not trip over them.
        Npgsql.NpgsqlConnection.ClearAllPools();
        var drained = await Verifier.DrainInboxAsync(settings.Connection, shop.SupplierId, TimeSpan.FromSeconds(120), ct);
        var samples = ready.ToList();
        double? redAfter = samples.FirstOrDefault(s => s.AtSeconds >= stopAt && s.Status != 200) is { } red ? Math.Round(red.AtSeconds - stopAt, 1) : null;
        double? greenAfter = samples.FirstOrDefault(s => s.AtSeconds >= startedAt && s.Status == 200) is { } green ? Math.Round(green.AtSeconds - startedAt, 1) : null;
        var table = recorder.Table();
        long During(Func<string, bool> status) => recorder.Sum((phase, _, s) => phase == "down" && status(s));
        var checks = new List<Check>
        {
            Check.Of("same server process throughout (no restart)", pid, server.Pid),
            Check.Of("answers while PostgreSQL was down (at least one)", true, During(_ => true) > 0),
            Check.Of("503 answers while down (at least one)", true, During(s => s == "503") > 0),
            Check.Of("500 answers while down", 0L, During(s => s == "500")),
            Check.Of("hangs or transport errors while down (no answer within 10 s)", 0L, During(s => s == "transport")),
            Check.Of($"5xx answers that are not problem+json, leak internals or are 500, any phase{(recorder.ViolationCount > 0 ? " — e.g. " + recorder.Violations[0] : "")}", 0, recorder.ViolationCount),
            Check.Of("/health/ready red (not 200) while down", true, samples.Any(s => s.Phase == "down" && s.Status != 200)),
            Check.Of("/health/ready green again within 30 s of the start, by itself", true, greenAfter is <= 30),
            Check.Of("/health/ready green at the end", 200, samples.LastOrDefault()?.Status ?? 0),
            Check.Of("orders answered 201 after the outage (pool recovered)", true, recorder.Sum((phase, kind, s) => phase == "after" && kind == Traffic.OrderKind && s == "201") > 0),
            Check.Of("pushes answered 202 after the outage", true, recorder.Sum((phase, kind, s) => phase == "after" && kind == Traffic.PushKind && s == "202") > 0),
            Check.Of("supplier inbox drained within 120 s", true, drained is not null),
        };
        checks.AddRange(await Verifier.OrdersAsync(settings.Connection, [.. traffic.Orders], ct));
        checks.AddRange(await Verifier.PushesAsync(settings.Connection, shop, [.. traffic.Pushes], ct));
        checks.AddRange(await Verifier.ApiAsync(traffic, shop, ct));

        var report = new OutageReport("outage", started, Machine.Current, Math.Round(stopAt, 1), Math.Round(startedAt, 1), Math.Round(upAt - downAt, 1),
            redAfter, greenAfter, traffic.Orders.Count(o => o.Status == 201), traffic.Pushes.Count(p => p.Acknowledged), table,
            recorder.ViolationCount, recorder.Violations, samples, checks, checks.All(c => c.Passed));
        await log.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"PostgreSQL down {report.DownSeconds:F1} s (stop issued at {stopAt:F1} s, started again at {startedAt:F1} s); ready red {redAfter?.ToString(CultureInfo.InvariantCulture) ?? "never"} s after the stop, green {greenAfter?.ToString(CultureInfo.InvariantCulture) ?? "never"} s after the start"));
        foreach (var (phase, kinds) in table)
        {
            await log.WriteLineAsync($"  {phase}: {string.Join("; ", kinds.Select(k => $"{k.Key} {string.Join(", ", k.Value.Select(s => $"{s.Key}×{s.Value}"))}"))}");
        }

        await server.StopAsync();
        return await Reporting.FinishAsync("outage", report, checks, settings.Out, log, ct);
    }

    private static Task Loop(Func<Task> body, CancellationToken stop) => Task.Run(async () =>
    {
        for (var i = 0; !stop.IsCancellationRequested && i < 1_000_000; i++)
        {
            await body();
            await Task.Delay(100, CancellationToken.None);
        }
    }, CancellationToken.None);

    private static async Task ShellAsync(string command, CancellationToken ct)
    {
        var start = new ProcessStartInfo("/bin/sh") { UseShellExecute = false };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add(command);
        using var process = Process.Start(start)!;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"'{command}' exited with {process.ExitCode}.");
        }
    }
}
