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
    TimeSpan Warmup, long MaxRequests, int HotStock, int HotConcurrency, TimeSpan HotTimeout, string PgBench, int? ServerPid, string? Out)
{
    private const string DebianPgBench = "/usr/lib/postgresql/15/bin/pgbench";

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
            line.Optional("pgbench") ?? (File.Exists(DebianPgBench) ? DebianPgBench : "pgbench"),
            line.Optional("server-pid") is null ? null : (int)line.Long("server-pid", null, 1, int.MaxValue),
            line.Optional("out"));
        line.RejectUnknown();
        return settings;
    }
}

/// <param name="Transactions">pgbench running the checkout's two transactions (PostgreSQL only), right after Axle.</param>
/// <param name="Ratio">Axle's orders/s ÷ <paramref name="Transactions"/>' tps.</param>
/// <param name="Request">pgbench running every statement of the request.</param>
internal sealed record CheckoutRow(
    int Concurrency, PhaseResult Result, double? ServerCpuMsPerOrder, double? ServerPeakRssMb, PgBenchResult? Transactions = null,
    double? Ratio = null, PgBenchResult? Request = null, double? RequestRatio = null);

internal sealed record CheckoutReport(
    string Scenario, string Provider, string Url, DateTime StartedAtUtc, int ProcessorCount, string Os, string Runtime, int Parts,
    double DurationSeconds, double WarmupSeconds, IReadOnlyList<CheckoutRow> Rows, int HotStock, int HotConcurrency, RaceResult HotRace,
    IReadOnlyList<Check> Checks, bool Passed, string? TransactionsScript = null, string? RequestScript = null);

/// <summary>
/// The <c>checkout</c> command (issue 5's targets): <c>--parts</c> fresh parts get plenty of stock; for each concurrency
/// level the workers place orders of 3 random lines through <c>POST /api/v1/orders</c> with the test gateway's
/// <c>tok_visa</c> (so each request reserves, charges and confirms) for <c>--duration</c> seconds. Then the hot-SKU race
/// through the same checkout: a part with <c>--hot-stock</c> units and <c>--hot-concurrency</c> workers ordering one unit
/// each until refused; exactly that many orders must be paid and no unit oversold (checked in the database).
/// On PostgreSQL, right after each level's HTTP phase pgbench runs the same SQL with as many clients for as long (see
/// <see cref="CheckoutPgBench"/>): the checkout's two transactions (the database's ceiling), then every statement of the
/// request. The ratios are Axle ÷ pgbench.
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
        var ceiling = settings.Provider == DbProvider.Postgres ? await CeilingAsync(db, parts, warehouse, settings.Email, ct) : null;
        if (ceiling is { Error: { } unusable })
        {
            await log.WriteLineAsync($"pgbench: {unusable}");
        }
        var scenario = new Checkout(parts);
        var rows = new List<CheckoutRow>();
        foreach (var concurrency in settings.Concurrency)
        {
            await log.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"checkout c={concurrency}: warmup {settings.Warmup.TotalSeconds:F0} s, measure {settings.Duration.TotalSeconds:F0} s"));
            await JitWarmup.RunAsync(client, scenario, concurrency, settings.Warmup, settings.MaxRequests, log, ct);
            await using var sampler = ServerMemorySampler.Start(settings.ServerPid);
            var jitBefore = await JitWarmup.CompiledMethodsAsync(client, ct);
            var cpuBefore = ServerCpu.Milliseconds(settings.ServerPid);
            var result = await ClosedLoop.RunAsync(client, scenario, concurrency, TimeSpan.Zero, settings.Duration, settings.MaxRequests, ct);
            var jitDuring = await JitWarmup.CompiledMethodsAsync(client, ct) - jitBefore;
            await log.WriteLineAsync($"  JIT-compiled while measured: {jitDuring?.ToString(CultureInfo.InvariantCulture) ?? "n/a"} methods");
            var cpu = ServerCpu.Milliseconds(settings.ServerPid) - cpuBefore is { } used && result.Requests > 0 ? Math.Round(used / result.Requests, 2) : (double?)null;
            var memory = sampler is null ? (double?)null : (await sampler.StopAsync()).PeakRssMb;
            await log.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"  {result.Requests} orders, {result.RequestsPerSecond:F1}/s, p95 {result.Latency.P95Ms:F1} ms, statuses {string.Join(", ", result.StatusCodes.Select(c => $"{c.Key}: {c.Value}"))}"));
            if (result.FirstFailure is not null)
            {
                await log.WriteLineAsync($"  first failure: {result.FirstFailure}");
            }

            if (ceiling is null)
            {
                rows.Add(new CheckoutRow(concurrency, result, cpu, memory));
                continue;
            }

            var transactions = await PgBenchAsync("checkout-transactions", CheckoutPgBench.TransactionsScript);
            var request = await PgBenchAsync("checkout-request", CheckoutPgBench.RequestScript);
            rows.Add(new CheckoutRow(concurrency, result, cpu, memory, transactions, Ratio(result, transactions), request, Ratio(result, request)));

            async Task<PgBenchResult> PgBenchAsync(string name, string script)
            {
                if (ceiling.Error is { } error)
                {
                    return new PgBenchResult(name, concurrency, 0, settings.Duration.TotalSeconds, 0, 0, 0, 0, error);
                }

                // The figures of an order Axle just placed (every order of the run totals the same).
                var variables = new Dictionary<string, string>(ceiling.Variables);
                foreach (var (key, value) in await OrderFiguresAsync(db, ceiling.Variables["user_id"], ct))
                {
                    variables[key] = value;
                }

                await log.WriteLineAsync($"pgbench {name} c={concurrency}");
                var ran = await PgBench.RunAsync(settings.PgBench, settings.Connection, name, script, concurrency, settings.Duration, variables, ct);
                await log.WriteLineAsync(ran.Error is null
                    ? string.Create(CultureInfo.InvariantCulture, $"  {ran.Transactions} orders, {ran.Failed} failed, {ran.Tps:F1} tps")
                    : $"  {ran.Error}");
                return ran;
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
        checks.AddRange(await CheckLedgerAsync(db, warehouse, ct));
        foreach (var check in checks)
        {
            await log.WriteLineAsync($"  {(check.Passed ? "ok  " : "FAIL")} {check.Name}: expected {check.Expected}, got {check.Actual}");
        }

        var pgbenchFailed = rows.Any(r => r.Transactions?.Error is not null || r.Request?.Error is not null);
        var report = new CheckoutReport("checkout", settings.Provider.ToString().ToLowerInvariant(), settings.Url.ToString(), started,
            Environment.ProcessorCount, RuntimeInformation.OSDescription, RuntimeInformation.FrameworkDescription, parts.Count,
            settings.Duration.TotalSeconds, settings.Warmup.TotalSeconds, rows, settings.HotStock, settings.HotConcurrency, race, checks,
            checks.All(c => c.Passed) && !pgbenchFailed,
            ceiling is null ? null : CheckoutPgBench.TransactionsScript, ceiling is null ? null : CheckoutPgBench.RequestScript);
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
        text.AppendLine("| scenario | provider | concurrency | orders/s | p50 ms | p95 ms | p99 ms | errors | server CPU ms/order | server peak RSS MB | pgbench transactions tps | ratio | pgbench request tps | ratio (request) |");
        text.AppendLine("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var row in r.Rows)
        {
            text.AppendLine(string.Create(CultureInfo.InvariantCulture,
                $"| checkout (3 lines, tok_visa) | {r.Provider} | {row.Concurrency} | {row.Result.RequestsPerSecond:F1} | {row.Result.Latency.P50Ms:F1} | {row.Result.Latency.P95Ms:F1} | {row.Result.Latency.P99Ms:F1} | {row.Result.Errors} | {Figure(row.ServerCpuMsPerOrder, "F2")} | {Figure(row.ServerPeakRssMb, "F0")} | {Figure(row.Transactions?.Tps, "F1")} | {Figure(row.Ratio, "F3")} | {Figure(row.Request?.Tps, "F1")} | {Figure(row.RequestRatio, "F3")} |"));
        }

        var passed = r.Checks.Count(c => c.Passed);
        text.AppendLine();
        text.AppendLine("| scenario | provider | concurrency | stock | orders 201 | 409 insufficient_stock | other errors | orders/s while draining | p95 ms | checks |");
        text.AppendLine("|---|---|---:|---:|---:|---:|---:|---:|---:|---|");
        text.AppendLine(string.Create(CultureInfo.InvariantCulture,
            $"| hot-SKU checkout race | {r.Provider} | {r.HotConcurrency} | {r.HotStock} | {r.HotRace.Reserved} | {r.HotRace.Insufficient} | {r.HotRace.OtherErrors + r.HotRace.Failures} | {r.HotRace.ReservationsPerSecond:F1} | {r.HotRace.Latency.P95Ms:F1} | {passed}/{r.Checks.Count} {(r.Passed ? "passed" : "FAILED")} |"));
        return text.ToString();
    }

    private static string Figure(double? value, string format) => value?.ToString(format, CultureInfo.InvariantCulture) ?? "n/a";

    private static double Ratio(PhaseResult axle, PgBenchResult pgbench) =>
        pgbench.Tps > 0 ? Math.Round(axle.RequestsPerSecond / pgbench.Tps, 3) : 0;

    /// <summary>What pgbench needs to draw the run's levels, or why it cannot.</summary>
    private sealed record Ceiling(IReadOnlyDictionary<string, string> Variables, string? Error);

    /// <summary>
    /// The run's levels must be contiguous and in step with its parts (created one after the other, they are on a database
    /// nobody else writes to) so that pgbench can draw them; the customer is the signed-in bench user.
    /// </summary>
    private static async Task<Ceiling> CeilingAsync(
        System.Data.Common.DbConnection db, List<long> parts, long warehouse, string email, CancellationToken ct)
    {
        var levels = await BenchDatabase.ListAsync(db,
            """SELECT "Id", "PartId" FROM stock_levels WHERE "WarehouseId" = @warehouse ORDER BY "Id" """,
            r => (Id: r.GetInt64(0), PartId: r.GetInt64(1)), ct, ("warehouse", warehouse));
        var user = (await BenchDatabase.ListAsync(db, """SELECT "Id" FROM users WHERE lower("Email") = lower(@email)""",
            r => r.GetGuid(0), ct, ("email", email))).Single();
        var inStep = levels.Count == parts.Count
            && levels.Select((l, i) => l.Id == levels[0].Id + i && l.PartId == parts[0] + i && parts[i] == parts[0] + i).All(ok => ok);
        var variables = new Dictionary<string, string>
        {
            ["first_level"] = Int(levels[0].Id),
            ["last_level"] = Int(levels[^1].Id),
            ["first_part"] = Int(parts[0]),
            ["warehouse"] = Int(warehouse),
            ["user_id"] = user.ToString(),
        };
        return new Ceiling(variables, inStep
            ? null
            : "the run's levels are not contiguous and in step with its parts; pgbench cannot draw them (use a database nobody else writes to)");
    }

    /// <summary>The figures of the latest paid order of <paramref name="user"/> and the size of the answer stored for one.</summary>
    private static async Task<Dictionary<string, string>> OrderFiguresAsync(System.Data.Common.DbConnection db, string user, CancellationToken ct)
    {
        var figures = (await BenchDatabase.ListAsync(db,
            """
            SELECT "SubtotalMinor", "ShippingMinor", "TaxMinor", "TotalMinor", "TaxRatePercent", "TaxJurisdiction" FROM orders
            WHERE "UserId" = @user AND "Status" = 'Paid' ORDER BY "CreatedAt" DESC LIMIT 1
            """,
            r => new Dictionary<string, string>
            {
                ["subtotal"] = Int(r.GetInt64(0)),
                ["shipping"] = Int(r.GetInt64(1)),
                ["tax"] = Int(r.GetInt64(2)),
                ["total"] = Int(r.GetInt64(3)),
                ["tax_rate"] = r.GetDecimal(4).ToString(CultureInfo.InvariantCulture),
                ["jurisdiction"] = r.GetString(5),
            }, ct, ("user", Guid.Parse(user)))).Single();
        var bytes = await BenchDatabase.ListAsync(db,
            """
            SELECT length("ResponseBody") FROM idempotency_keys
            WHERE "CallerKey" = @user AND "Route" = '/api/v1/orders/' AND "ResponseStatus" = 201 ORDER BY "Id" DESC LIMIT 1
            """,
            r => r.GetInt32(0), ct, ("user", user));
        figures["response_bytes"] = Int(bytes.FirstOrDefault(2000));
        return figures;
    }

    private static string Int(long value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>
    /// After Axle's and pgbench's orders alike, in the run's warehouse: every level equals the sums of its movements, and
    /// its reserved units equal those of its open (held or confirmed) reservations; every paid order has its payment
    /// captured and its reservation confirmed.
    /// </summary>
    private static async Task<List<Check>> CheckLedgerAsync(System.Data.Common.DbConnection db, long warehouse, CancellationToken ct)
    {
        var ledgerDrift = await BenchDatabase.ListAsync(db,
            """
            SELECT COUNT(*) FROM stock_levels l
            LEFT JOIN (SELECT "PartId", "WarehouseId", SUM("DeltaOnHand") AS on_hand, SUM("DeltaReserved") AS reserved
                       FROM stock_movements WHERE "WarehouseId" = @warehouse GROUP BY 1, 2) m
                   ON m."PartId" = l."PartId" AND m."WarehouseId" = l."WarehouseId"
            WHERE l."WarehouseId" = @warehouse AND (l."OnHand" <> COALESCE(m.on_hand, 0) OR l."Reserved" <> COALESCE(m.reserved, 0))
            """, r => ReserveHotCommand.Long(r, 0), ct, ("warehouse", warehouse));
        var heldDrift = await BenchDatabase.ListAsync(db,
            """
            SELECT COUNT(*) FROM stock_levels l
            LEFT JOIN (SELECT rl."StockLevelId", SUM(rl."Quantity" - rl."ShippedQuantity") AS units FROM reservation_lines rl
                       JOIN reservations r ON r."Id" = rl."ReservationId" AND r."Status" IN ('Held', 'Confirmed')
                       WHERE rl."WarehouseId" = @warehouse GROUP BY 1) h ON h."StockLevelId" = l."Id"
            WHERE l."WarehouseId" = @warehouse AND l."Reserved" <> COALESCE(h.units, 0)
            """, r => ReserveHotCommand.Long(r, 0), ct, ("warehouse", warehouse));
        var unsettled = await BenchDatabase.ListAsync(db,
            """
            SELECT COUNT(*) FROM orders o
            LEFT JOIN payments p ON p."OrderId" = o."Id"
            LEFT JOIN reservations r ON r."Id" = o."ReservationId"
            WHERE o."Status" = 'Paid' AND (COALESCE(p."Status", '') <> 'Captured' OR COALESCE(r."Status", '') <> 'Confirmed')
            """, r => ReserveHotCommand.Long(r, 0), ct);
        return
        [
            Check.Of("levels of the run whose quantities differ from their ledger", 0L, ledgerDrift[0]),
            Check.Of("levels of the run whose reserved differs from their open reservations", 0L, heldDrift[0]),
            Check.Of("paid orders without a captured payment and a confirmed reservation", 0L, unsettled[0]),
        ];
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
