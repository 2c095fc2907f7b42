using System.Diagnostics;
using System.Globalization;
using Axle.Bench.Inventory;
using Axle.Bench.Load;

namespace Axle.Bench.Reliability;

internal sealed record CrashSettings(
    Uri Url, string Connection, string Email, string Password, ServerSpec Server, int Kills, int Seed, TimeSpan MinUp, TimeSpan MaxUp,
    int Customers, int PushWorkers, TimeSpan Patience, TimeSpan ExpirySlack, string? Out)
{
    public static CrashSettings From(CommandLine line)
    {
        var url = line.LocalUrl("http://127.0.0.1:5095");
        var settings = new CrashSettings(
            url,
            line.Required("connection"),
            line.Required("email"),
            line.Required("password"),
            ServerSpec.From(line, url),
            (int)line.Long("kills", 5, 1, 50),
            (int)line.Long("seed", 42, 0, int.MaxValue),
            TimeSpan.FromSeconds(line.Long("min-up", 6, 1, 600)),
            TimeSpan.FromSeconds(line.Long("max-up", 15, 1, 600)),
            (int)line.Long("customers", 6, 1, 64),
            (int)line.Long("push-workers", 2, 1, 16),
            TimeSpan.FromSeconds(line.Long("patience", 100, 5, 600)),
            TimeSpan.FromSeconds(line.Long("expiry-slack", 5, 1, 120)),
            line.Optional("out"));
        line.RejectUnknown();
        if (settings.MaxUp < settings.MinUp)
        {
            throw new UsageException("--max-up must be at least --min-up.");
        }

        return settings;
    }
}

internal sealed record Kill(int Number, double AtSeconds, double UpSeconds, int Pid, double RestartSeconds);

internal sealed record CrashReport(
    string Scenario, DateTime StartedAtUtc, Machine Machine, int Seed, int Customers, int PushWorkers, IReadOnlyList<Kill> Kills,
    double LoadSeconds, int OrdersSent, int OrdersAcknowledged, int OrdersRetried, SortedDictionary<string, int> OrderFinalStatuses,
    int PushesSent, int PushesAcknowledged, int PushesRetried, int ReservationsAcknowledged, double? InboxDrainSeconds,
    object Answers, int ServerErrorSamples, IReadOnlyList<string> ServerErrors, IReadOnlyList<Check> Checks, bool Passed);

/// <summary>
/// The <c>crash</c> command (issue 8, item 4): customers place orders (Idempotency-Key, tok_visa of the test gateway),
/// a supplier pushes signed events and an admin makes reservations that are left to expire, while the server is killed
/// with SIGKILL <c>--kills</c> times at seeded random moments and restarted on the same database. The client retries
/// what was cut off under the same key (or webhook-id) and records only what the server acknowledged; afterwards the
/// <see cref="Verifier"/> proves nothing acknowledged was lost or applied twice and that the books still balance.
/// </summary>
internal static class CrashCommand
{
    public static async Task<int> RunAsync(CrashSettings settings, TextWriter log, CancellationToken ct)
    {
        var started = DateTime.UtcNow;
        await using var server = ServerProcess.Create(settings.Server);
        await log.WriteLineAsync($"starting the server ({settings.Server.Dll}) …");
        var startSeconds = await server.StartAsync(ct);
        await log.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"ready in {startSeconds:F1} s, pid {server.Pid}"));
        using var client = LoadCommand.CreateClient(64);
        client.BaseAddress = settings.Url;
        var shop = await Shop.CreateAsync(client, settings.Connection, settings.Email, settings.Password, 20, 12, settings.Customers, log, ct);
        var recorder = new Recorder();
        var traffic = new Traffic(shop, recorder, TimeSpan.FromSeconds(15));

        using var stopLoad = new CancellationTokenSource();
        var workers = new List<Task>();
        foreach (var customer in shop.Customers)
        {
            var random = new Random(settings.Seed * 100 + customer.Index);
            workers.Add(Task.Run(async () =>
            {
                while (!stopLoad.IsCancellationRequested)
                {
                    var parts = shop.OrderParts.OrderBy(_ => random.Next()).Take(3).ToArray();
                    var sent = await traffic.PlaceOrderAsync(customer, parts, settings.Patience, ct);
                    if (sent.Status is 0 or >= 500)
                    {
                        await Task.Delay(500, ct);
                    }
                }
            }, ct));
        }

        for (var w = 0; w < settings.PushWorkers; w++)
        {
            // Each sender owns its SKUs and waits for each push's acknowledgement before the next, so events for one SKU
            // arrive in their time order (an older one would rightly be ignored as out of order).
            var skus = shop.PushSkus.Where((_, i) => i % settings.PushWorkers == w).ToList();
            var worker = w;
            workers.Add(Task.Run(async () =>
            {
                for (var n = 0; !stopLoad.IsCancellationRequested && n < 1_000_000; n++)
                {
                    await traffic.PushAsync($"msg_{shop.Tag}_{worker}_{n:D6}", skus[n % skus.Count], settings.Patience, ct);
                }
            }, ct));
        }

        workers.Add(Task.Run(async () =>
        {
            var random = new Random(settings.Seed);
            while (!stopLoad.IsCancellationRequested)
            {
                await traffic.ReserveAsync(shop.OrderSkus[random.Next(shop.OrderSkus.Count)], ct);
                await Task.Delay(300, ct);
            }
        }, ct));

        var clock = Stopwatch.StartNew();
        var schedule = new Random(settings.Seed);
        var kills = new List<Kill>();
        var upSince = clock.Elapsed;
        for (var k = 1; k <= settings.Kills; k++)
        {
            var up = settings.MinUp + TimeSpan.FromMilliseconds(schedule.NextDouble() * (settings.MaxUp - settings.MinUp).TotalMilliseconds);
            await Task.Delay(up, ct);
            var pid = server.Pid ?? 0;
            var at = clock.Elapsed;
            server.Kill();
            recorder.Phase = "down";
            await Task.Delay(TimeSpan.FromMilliseconds(500 + schedule.Next(1500)), ct);
            recorder.Phase = "restarting";
            var restart = await server.StartAsync(ct);
            recorder.Phase = "load";
            var upFor = at - upSince;
            kills.Add(new Kill(k, Math.Round(at.TotalSeconds, 1), Math.Round(upFor.TotalSeconds, 1), pid, restart));
            upSince = clock.Elapsed;
            await log.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"kill {k}/{settings.Kills}: SIGKILL pid {pid} at {at.TotalSeconds:F1} s after {upFor.TotalSeconds:F1} s up … up again in {restart:F1} s (pid {server.Pid}); so far {traffic.Orders.Count(o => o.Status == 201)} orders 201, {traffic.Pushes.Count(p => p.Acknowledged)} pushes 202"));
        }

        // The last life of the server carries load too, then every client finishes what it has in hand (bounded by --patience).
        await Task.Delay(settings.MinUp, ct);
        await stopLoad.CancelAsync();
        await log.WriteLineAsync("load stopped; waiting for clients to finish their retries …");
        await Task.WhenAll(workers);
        var loadSeconds = Math.Round(clock.Elapsed.TotalSeconds, 1);

        var drained = await Verifier.DrainInboxAsync(settings.Connection, shop.SupplierId, TimeSpan.FromSeconds(120), ct);
        var orders = traffic.Orders.ToList();
        var pushes = traffic.Pushes.ToList();
        var checks = new List<Check>
        {
            Check.Of("server killed with SIGKILL and restarted", settings.Kills, kills.Count),
            Check.Of("supplier inbox drained within 120 s", true, drained is not null),
        };
        checks.AddRange(await Verifier.OrdersAsync(settings.Connection, orders, ct));
        checks.AddRange(await Verifier.PushesAsync(settings.Connection, shop, pushes, ct));
        checks.AddRange(await Verifier.ReservationsAsync(settings.Connection, [.. traffic.Reservations], settings.ExpirySlack, TimeSpan.FromSeconds(60), ct));
        checks.AddRange(await Verifier.ApiAsync(traffic, shop, ct));

        var report = new CrashReport("crash", started, Machine.Current, settings.Seed, settings.Customers, settings.PushWorkers, kills, loadSeconds,
            orders.Count, orders.Count(o => o.Status == 201), orders.Count(o => o.Attempts > 1),
            new SortedDictionary<string, int>(orders.GroupBy(o => o.Status == 0 ? "transport" : o.Status.ToString(CultureInfo.InvariantCulture)).ToDictionary(g => g.Key, g => g.Count())),
            pushes.Count, pushes.Count(p => p.Acknowledged), pushes.Count(p => p.Attempts > 1), traffic.Reservations.Count, drained,
            recorder.Table(), recorder.ViolationCount, recorder.Violations, checks, checks.All(c => c.Passed));
        await log.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"{kills.Count} kills over {loadSeconds:F0} s; orders: {report.OrdersSent} sent, {report.OrdersAcknowledged} answered 201, {report.OrdersRetried} retried under their key, final statuses {string.Join(", ", report.OrderFinalStatuses.Select(p => $"{p.Key}: {p.Value}"))}; pushes: {report.PushesSent} sent, {report.PushesAcknowledged} answered 202, {report.PushesRetried} retried; reservations: {report.ReservationsAcknowledged} answered 201; 5xx samples {report.ServerErrorSamples}"));
        foreach (var violation in recorder.Violations.Take(5))
        {
            await log.WriteLineAsync("  5xx: " + violation);
        }

        await server.StopAsync();
        return await Reporting.FinishAsync("crash", report, checks, settings.Out, log, ct);
    }
}
