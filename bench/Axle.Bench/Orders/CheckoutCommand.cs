using System.Globalization;
using System.Net.Http.Headers;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using Axle.Bench.Generate;
using Axle.Bench.Inventory;
using Axle.Bench.Load;
using Axle.Bench.Scenarios;

namespace Axle.Bench.Orders;

internal sealed record CheckoutSettings(
    Uri Url, DbProvider Provider, string Connection, string Email, string Password, int Parts, int[] Concurrency, TimeSpan Duration,
    TimeSpan Warmup, long MaxRequests, int HotStock, int HotConcurrency, TimeSpan HotTimeout, int? ServerPid, string? Out)
{
    public static CheckoutSettings From(CommandLine line)
    {
        var settings = new CheckoutSettings(
            line.LocalUrl("http://127.0.0.1:5080"),
            GenerateSettings.ParseProvider(line.Required("provider")),
            line.Required("connection"),
            line.Required("email"),
            line.Required("password"),
            (int)line.Long("parts", 200, 3, 10_000),
            RunSettings.ParseConcurrency(line.Optional("concurrency") ?? "1,32"),
            TimeSpan.FromSeconds(line.Long("duration", 15, 1, 600)),
            TimeSpan.FromSeconds(line.Long("warmup", 30, 0, 300)),
            line.Long("max-requests", 200_000, 1, 10_000_000),
            (int)line.Long("hot-stock", 300, 1, 100_000),
            (int)line.Long("hot-concurrency", 32, 1, 1024),
            TimeSpan.FromSeconds(line.Long("hot-timeout", 120, 1, 3600)),
            line.Optional("server-pid") is null ? null : (int)line.Long("server-pid", null, 1, int.MaxValue),
            line.Optional("out"));
        line.RejectUnknown();
        return settings;
    }
}

internal sealed record CheckoutRow(int Concurrency, PhaseResult Result, double? ServerCpuMsPerOrder, double? ServerPeakRssMb);

internal sealed record CheckoutReport(
    string Scenario, string Provider, string Url, DateTime StartedAtUtc, int ProcessorCount, string Os, string Runtime, int Parts,
    double DurationSeconds, IReadOnlyList<CheckoutRow> Rows, int HotStock, int HotConcurrency, RaceResult HotRace,
    IReadOnlyList<Check> Checks, bool Passed);

/// <summary>
/// The <c>checkout</c> command (issue 5's targets): <c>--parts</c> fresh parts get plenty of stock; for each concurrency
/// level the workers place orders of 3 random lines through <c>POST /api/v1/orders</c> with the test gateway's
/// <c>tok_visa</c> (so each request reserves, charges and confirms) for <c>--duration</c> seconds. Then the hot-SKU race
/// through the same checkout: a part with <c>--hot-stock</c> units and <c>--hot-concurrency</c> workers ordering one unit
/// each until refused; exactly that many orders must be paid and no unit oversold (checked in the database).
/// </summary>
internal static class CheckoutCommand
{
    public const string OrdersPath = "/api/v1/orders";

    public static async Task<int> RunAsync(CheckoutSettings settings, TextWriter log, CancellationToken ct)
    {
        var started = DateTime.UtcNow;
        using var client = LoadCommand.CreateClient(Math.Max(settings.Concurrency.Max(), settings.HotConcurrency));
        client.BaseAddress = settings.Url;
        client.Timeout = TimeSpan.FromSeconds(60);
        var token = await ApiSignIn.AccessTokenAsync(client, settings.Email, settings.Password, ct);
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        await using var db = BenchDatabase.Create(settings.Provider, settings.Connection);
        await db.OpenAsync(ct);
        var category = (await BenchDatabase.ListAsync(db, """SELECT "Name" FROM categories ORDER BY "Id" DESC LIMIT 1""", r => r.GetString(0), ct))
            .FirstOrDefault() ?? throw new UsageException("The database has no categories; run `generate` first.");
        var stamp = DateTime.UtcNow.ToString("yyMMddHHmmss", CultureInfo.InvariantCulture);
        var warehouse = await InventoryApi.CreateWarehouseAsync(client, $"CO-{stamp}", ct);
        var parts = new List<long>(settings.Parts);
        for (var i = 0; i < settings.Parts; i++)
        {
            var sku = $"BENCH-CO-{stamp}-{i}";
            parts.Add(await InventoryApi.CreatePartAsync(client, sku, category, ct));
            await InventoryApi.ReceiveAsync(client, sku, warehouse, 1_000_000, ct);
        }

        await log.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"{parts.Count} parts with 1,000,000 units each in warehouse {warehouse}; orders of 3 lines, token tok_visa"));
        var scenario = new Checkout(parts);
        var rows = new List<CheckoutRow>();
        foreach (var concurrency in settings.Concurrency)
        {
            await log.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"checkout c={concurrency}: warmup {settings.Warmup.TotalSeconds:F0} s, measure {settings.Duration.TotalSeconds:F0} s"));
            await ClosedLoop.RunAsync(client, scenario, concurrency, TimeSpan.Zero, settings.Warmup, settings.MaxRequests, ct);
            await using var sampler = ServerMemorySampler.Start(settings.ServerPid);
            var cpuBefore = ServerCpu.Milliseconds(settings.ServerPid);
            var result = await ClosedLoop.RunAsync(client, scenario, concurrency, TimeSpan.Zero, settings.Duration, settings.MaxRequests, ct);
            var cpu = ServerCpu.Milliseconds(settings.ServerPid) - cpuBefore is { } used && result.Requests > 0 ? Math.Round(used / result.Requests, 2) : (double?)null;
            var memory = sampler is null ? (double?)null : (await sampler.StopAsync()).PeakRssMb;
            rows.Add(new CheckoutRow(concurrency, result, cpu, memory));
            await log.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"  {result.Requests} orders, {result.RequestsPerSecond:F1}/s, p95 {result.Latency.P95Ms:F1} ms, statuses {string.Join(", ", result.StatusCodes.Select(c => $"{c.Key}: {c.Value}"))}"));
            if (result.FirstFailure is not null)
            {
                await log.WriteLineAsync($"  first failure: {result.FirstFailure}");
            }
        }

        var hotSku = $"BENCH-CO-HOT-{stamp}";
        var hotPart = await InventoryApi.CreatePartAsync(client, hotSku, category, ct);
        await InventoryApi.ReceiveAsync(client, hotSku, warehouse, settings.HotStock, ct);
        await log.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"hot-SKU checkout race: {hotSku} has {settings.HotStock} units; {settings.HotConcurrency} workers order 1 unit per request"));
        var race = await ReserveHotCommand.RaceAsync(
            client, () => Checkout.Order([hotPart]), settings.HotConcurrency, settings.HotTimeout, settings.HotStock + (long)settings.HotConcurrency * 4, ct);
        await log.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"  {race.Requests} requests in {race.Seconds:F2} s, statuses {string.Join(", ", race.StatusCodes.Select(c => $"{c.Key}: {c.Value}"))}"));
        var checks = await CheckAsync(db, hotPart, warehouse, settings, race, rows, ct);
        foreach (var check in checks)
        {
            await log.WriteLineAsync($"  {(check.Passed ? "ok  " : "FAIL")} {check.Name}: expected {check.Expected}, got {check.Actual}");
        }

        var report = new CheckoutReport("checkout", settings.Provider.ToString().ToLowerInvariant(), settings.Url.ToString(), started,
            Environment.ProcessorCount, RuntimeInformation.OSDescription, RuntimeInformation.FrameworkDescription, parts.Count,
            settings.Duration.TotalSeconds, rows, settings.HotStock, settings.HotConcurrency, race, checks, checks.All(c => c.Passed));
        await log.WriteLineAsync();
        await log.WriteAsync(Markdown(report));
        if (settings.Out is { } path)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
            await File.WriteAllTextAsync(path, JsonSerializer.Serialize(report, Reports.Json) + "\n", ct);
            await log.WriteLineAsync($"\nwrote {path}");
        }

        return report.Passed ? 0 : 1;
    }

    internal static string Markdown(CheckoutReport r)
    {
        var text = new StringBuilder();
        text.AppendLine("| scenario | provider | concurrency | orders/s | p50 ms | p95 ms | p99 ms | errors | server CPU ms/order | server peak RSS MB |");
        text.AppendLine("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var row in r.Rows)
        {
            text.AppendLine(string.Create(CultureInfo.InvariantCulture,
                $"| checkout (3 lines, tok_visa) | {r.Provider} | {row.Concurrency} | {row.Result.RequestsPerSecond:F1} | {row.Result.Latency.P50Ms:F1} | {row.Result.Latency.P95Ms:F1} | {row.Result.Latency.P99Ms:F1} | {row.Result.Errors} | {(row.ServerCpuMsPerOrder is { } cpu ? cpu.ToString("F2", CultureInfo.InvariantCulture) : "n/a")} | {(row.ServerPeakRssMb is { } rss ? rss.ToString("F0", CultureInfo.InvariantCulture) : "n/a")} |"));
        }

        var passed = r.Checks.Count(c => c.Passed);
        text.AppendLine();
        text.AppendLine("| scenario | provider | concurrency | stock | orders 201 | 409 insufficient_stock | other errors | orders/s while draining | p95 ms | checks |");
        text.AppendLine("|---|---|---:|---:|---:|---:|---:|---:|---:|---|");
        text.AppendLine(string.Create(CultureInfo.InvariantCulture,
            $"| hot-SKU checkout race | {r.Provider} | {r.HotConcurrency} | {r.HotStock} | {r.HotRace.Reserved} | {r.HotRace.Insufficient} | {r.HotRace.OtherErrors + r.HotRace.Failures} | {r.HotRace.ReservationsPerSecond:F1} | {r.HotRace.Latency.P95Ms:F1} | {passed}/{r.Checks.Count} {(r.Passed ? "passed" : "FAILED")} |"));
        return text.ToString();
    }

    private static async Task<List<Check>> CheckAsync(
        System.Data.Common.DbConnection db, long hotPart, long warehouse, CheckoutSettings settings, RaceResult race,
        List<CheckoutRow> rows, CancellationToken ct)
    {
        (string, object)[] keys = [("part", hotPart), ("warehouse", warehouse)];
        var level = (await BenchDatabase.ListAsync(db,
            """SELECT "OnHand", "Reserved" FROM stock_levels WHERE "PartId" = @part AND "WarehouseId" = @warehouse""",
            r => $"{ReserveHotCommand.Long(r, 0)}/{ReserveHotCommand.Long(r, 1)}", ct, keys)).Single();
        var paid = (await BenchDatabase.ListAsync(db,
            """
            SELECT COUNT(*), COALESCE(SUM(i."Quantity"), 0) FROM order_items i JOIN orders o ON o."Id" = i."OrderId"
            WHERE i."PartId" = @part AND i."Kind" = 'Part' AND o."Status" = 'Paid'
            """,
            r => $"{ReserveHotCommand.Long(r, 0)}/{ReserveHotCommand.Long(r, 1)}", ct, ("part", hotPart))).Single();
        var ledger = (await BenchDatabase.ListAsync(db,
            """SELECT COALESCE(SUM("DeltaOnHand"), 0), COALESCE(SUM("DeltaReserved"), 0) FROM stock_movements WHERE "PartId" = @part""",
            r => $"{ReserveHotCommand.Long(r, 0)}/{ReserveHotCommand.Long(r, 1)}", ct, ("part", hotPart))).Single();
        var stock = settings.HotStock;
        return
        [
            Check.Of("hot race orders answered 201", (long)stock, race.Reserved),
            Check.Of("hot race workers stopped by 409 insufficient_stock", settings.HotConcurrency, race.Insufficient),
            Check.Of("hot race other errors", 0L, race.OtherErrors + race.Failures),
            Check.Of("paid orders/units of the hot part", $"{stock}/{stock}", paid),
            Check.Of("hot level onHand/reserved", $"{stock}/{stock}", level),
            Check.Of("hot ledger sums onHand/reserved", $"{stock}/{stock}", ledger),
            Check.Of("throughput phases without errors", 0L, rows.Sum(r => r.Result.Errors)),
        ];
    }

    internal sealed class Checkout(IReadOnlyList<long> parts) : IScenario
    {
        public string Name => "checkout";

        public Task PrepareAsync(ScenarioContext context, CancellationToken ct) => Task.CompletedTask;

        public HttpRequestMessage CreateRequest(Random random)
        {
            var a = random.Next(parts.Count);
            var b = (a + 1 + random.Next(parts.Count - 1)) % parts.Count;
            var c = b;
            while (c == a || c == b)
            {
                c = random.Next(parts.Count);
            }

            return Order([parts[a], parts[b], parts[c]]);
        }

        /// <summary>An order of one unit of each part, paid with tok_visa, with a fresh Idempotency-Key.</summary>
        public static HttpRequestMessage Order(IReadOnlyList<long> partIds) => Order(partIds, Guid.NewGuid().ToString("N"), null);

        /// <summary>
        /// The same order under a given Idempotency-Key, so a client can retry it unchanged. <paramref name="line2"/>, when
        /// given, goes into the shipping address: the reliability checks put the key there to find every order a key made.
        /// </summary>
        public static HttpRequestMessage Order(IReadOnlyList<long> partIds, string idempotencyKey, string? line2)
        {
            var items = string.Join(",", partIds.Select(id => string.Create(CultureInfo.InvariantCulture, $$"""{"partId":{{id}},"quantity":1}""")));
            var second = line2 is null ? "" : $$""","line2":"{{line2}}" """.TrimEnd();
            var request = new HttpRequestMessage(HttpMethod.Post, OrdersPath)
            {
                Content = new StringContent(
                    $$$"""{"items":[{{{items}}}],"shippingAddress":{"name":"Bench Buyer","line1":"1 Bench Way"{{{second}}},"city":"Dallas","region":"TX","postalCode":"75212","country":"US"},"payment":{"method":"card","token":"tok_visa"}}""",
                    Encoding.UTF8, "application/json"),
            };
            request.Headers.Add("Idempotency-Key", idempotencyKey);
            return request;
        }
    }
}
