using System.Globalization;
using System.Net.Http.Headers;
using System.Runtime.InteropServices;
using System.Text.Json;
using Axle.Bench.Load;
using Axle.Bench.Scenarios;
using Npgsql;

namespace Axle.Bench.Inventory;

internal sealed record ReserveUniformSettings(
    Uri Url, string Connection, string Email, string Password, int Skus, int[] Concurrency, TimeSpan Duration, TimeSpan Warmup,
    long MaxRequests, string PgBench, int? ServerPid, string? Out)
{
    private const string DebianPgBench = "/usr/lib/postgresql/15/bin/pgbench";

    public static ReserveUniformSettings From(CommandLine line)
    {
        var settings = new ReserveUniformSettings(
            line.LocalUrl("http://127.0.0.1:5080"),
            line.Required("connection"),
            line.Required("email"),
            line.Required("password"),
            (int)line.Long("skus", 100_000, 1, 10_000_000),
            RunSettings.ParseConcurrency(line.Optional("concurrency") ?? "1,32"),
            TimeSpan.FromSeconds(line.Long("duration", 15, 1, 600)),
            TimeSpan.FromSeconds(line.Long("warmup", 30, 0, 300)),
            line.Long("max-requests", 200_000, 1, 100_000_000),
            line.Optional("pgbench") ?? (File.Exists(DebianPgBench) ? DebianPgBench : "pgbench"),
            line.Optional("server-pid") is null ? null : (int)line.Long("server-pid", null, 1, int.MaxValue),
            line.Optional("out"));
        line.RejectUnknown();
        return settings;
    }
}

internal sealed record UniformRow(
    int Concurrency, PhaseResult Axle, double? ServerPeakRssMb, double? ServerCpuMsPerRequest, PgBenchResult Transaction, double Ratio, PgBenchResult Request,
    double RequestRatio, double WarmupSeconds = 0, bool? JitSettled = null, long? JitMethodsDuringMeasurement = null);

internal sealed record UniformReport(
    string Scenario, string Url, DateTime StartedAtUtc, int ProcessorCount, string Os, string Runtime, int Skus, long FirstLevelId,
    long LastLevelId, double StockLoadSeconds, double DurationSeconds, double WarmupSeconds, long MaxRequests,
    string TransactionScript, string RequestScript, IReadOnlyList<UniformRow> Rows, IReadOnlyList<Check> Checks, bool Passed);

/// <summary>
/// The <c>reserve-uniform</c> command (PostgreSQL): stock for up to <c>--skus</c> parts is bulk-loaded once, then for each
/// concurrency level Axle takes one-unit reservations of uniformly random SKUs for <c>--duration</c> seconds, and right
/// after it pgbench runs the same SQL with the same number of clients for as long: first the reservation's transaction
/// alone (the database's ceiling), then every statement of the request. The ratios are Axle ÷ pgbench.
/// </summary>
internal static class ReserveUniformCommand
{
    public static async Task<int> RunAsync(ReserveUniformSettings settings, TextWriter log, CancellationToken ct)
    {
        var started = DateTime.UtcNow;
        var stock = await UniformStock.EnsureAsync(settings.Connection, settings.Skus, log, ct);
        using var client = LoadCommand.CreateClient(settings.Concurrency.Max());
        client.BaseAddress = settings.Url;
        var token = await ApiSignIn.AccessTokenAsync(client, settings.Email, settings.Password, ct);
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        var scenario = new UniformReservations(stock.Skus);
        var variables = new Dictionary<string, long>
        {
            ["first_level"] = stock.FirstLevelId,
            ["last_level"] = stock.LastLevelId,
            ["first_part"] = stock.FirstPartId,
        };
        await log.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"{stock.Count:N0} SKUs, levels {stock.FirstLevelId}..{stock.LastLevelId}; pgbench: {settings.PgBench}"));

        var rows = new List<UniformRow>();
        foreach (var concurrency in settings.Concurrency)
        {
            await log.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"reserve-uniform c={concurrency}: warmup {settings.Warmup.TotalSeconds:F0} s, measure {settings.Duration.TotalSeconds:F0} s"));
            var warmup = await JitWarmup.RunAsync(client, scenario, concurrency, settings.Warmup, settings.MaxRequests, log, ct);
            await using var sampler = ServerMemorySampler.Start(settings.ServerPid);
            var jitBefore = await JitWarmup.CompiledMethodsAsync(client, ct);
            var cpuBefore = ServerCpu.Milliseconds(settings.ServerPid);
            var axle = await ClosedLoop.RunAsync(client, scenario, concurrency, TimeSpan.Zero, settings.Duration, settings.MaxRequests, ct);
            var jitDuring = await JitWarmup.CompiledMethodsAsync(client, ct) - jitBefore;
            var cpuPerRequest = ServerCpu.Milliseconds(settings.ServerPid) - cpuBefore is { } cpu && axle.Requests > 0
                ? Math.Round(cpu / axle.Requests, 2)
                : (double?)null;
            var memory = sampler is null ? (double?)null : (await sampler.StopAsync()).PeakRssMb;
            await log.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"  {axle.Requests} requests, statuses {string.Join(", ", axle.StatusCodes.Select(c => $"{c.Key}: {c.Value}"))}, {axle.Failures} failed"));
            if (axle.FirstFailure is not null)
            {
                await log.WriteLineAsync($"  first failure: {axle.FirstFailure}");
            }

            var transaction = await PgBenchAsync("reservation-transaction", PgBench.TransactionScript);
            var request = await PgBenchAsync("reservation-request", PgBench.RequestScript);
            rows.Add(new UniformRow(concurrency, axle, memory, cpuPerRequest, transaction, Ratio(axle, transaction), request, Ratio(axle, request),
                warmup.Took.TotalSeconds, warmup.Settled, jitDuring));

            async Task<PgBenchResult> PgBenchAsync(string name, string script)
            {
                await log.WriteLineAsync($"pgbench {name} c={concurrency}");
                var result = await PgBench.RunAsync(settings.PgBench, settings.Connection, name, script, concurrency, settings.Duration, variables, ct);
                await log.WriteLineAsync(result.Error is null
                    ? string.Create(CultureInfo.InvariantCulture, $"  {result.Transactions} transactions, {result.Failed} failed, {result.Tps:F1} tps")
                    : $"  {result.Error}");
                return result;
            }
        }

        var checks = await CheckLedgerAsync(settings.Connection, ct);
        foreach (var check in checks)
        {
            await log.WriteLineAsync($"  {(check.Passed ? "ok  " : "FAIL")} {check.Name}: expected {check.Expected}, got {check.Actual}");
        }

        var passed = checks.All(c => c.Passed) && rows.All(r => r.Transaction.Error is null && r.Request.Error is null);
        var report = new UniformReport("reserve-uniform", settings.Url.ToString(), started, Environment.ProcessorCount,
            RuntimeInformation.OSDescription, RuntimeInformation.FrameworkDescription, stock.Count, stock.FirstLevelId, stock.LastLevelId,
            stock.LoadSeconds, settings.Duration.TotalSeconds, settings.Warmup.TotalSeconds, settings.MaxRequests, PgBench.TransactionScript,
            PgBench.RequestScript, rows, checks, passed);
        await log.WriteLineAsync();
        await log.WriteAsync(Markdown(rows));
        if (settings.Out is { } path)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
            await File.WriteAllTextAsync(path, JsonSerializer.Serialize(report, Reports.Json) + "\n", ct);
            await log.WriteLineAsync($"\nwrote {path}");
        }

        return passed ? 0 : 1;
    }

    internal static string Markdown(IEnumerable<UniformRow> rows)
    {
        var text = new System.Text.StringBuilder();
        text.AppendLine("| scenario | concurrency | reservations/s | p50 ms | p95 ms | p99 ms | errors | server CPU ms/reservation | pgbench transaction tps | ratio | pgbench request tps | ratio (request) | JIT methods while measured |");
        text.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var r in rows)
        {
            text.AppendLine(string.Create(CultureInfo.InvariantCulture,
                $"| reserve-uniform | {r.Concurrency} | {r.Axle.RequestsPerSecond:F1} | {r.Axle.Latency.P50Ms:F2} | {r.Axle.Latency.P95Ms:F2} | {r.Axle.Latency.P99Ms:F2} | {r.Axle.Errors} | {(r.ServerCpuMsPerRequest is { } cpu ? cpu.ToString("F2", CultureInfo.InvariantCulture) : "n/a")} | {r.Transaction.Tps:F1} | {r.Ratio:F3} | {r.Request.Tps:F1} | {r.RequestRatio:F3} | {(r.JitMethodsDuringMeasurement is { } jit ? jit.ToString(CultureInfo.InvariantCulture) : "n/a")} |"));
        }

        return text.ToString();
    }

    private static double Ratio(PhaseResult axle, PgBenchResult pgbench) =>
        pgbench.Tps > 0 ? Math.Round(axle.RequestsPerSecond / pgbench.Tps, 3) : 0;

    /// <summary>
    /// Every level equals the sums of its movements, and its reserved units equal those of its held reservations, after
    /// Axle's and pgbench's reservations alike (set-based, over the whole database).
    /// </summary>
    private static async Task<List<Check>> CheckLedgerAsync(string connection, CancellationToken ct)
    {
        await using var db = new NpgsqlConnection(connection);
        await db.OpenAsync(ct);
        var ledgerDrift = await BenchDatabase.ListAsync(db,
            """
            SELECT COUNT(*) FROM stock_levels l
            LEFT JOIN (SELECT "PartId", "WarehouseId", SUM("DeltaOnHand") AS on_hand, SUM("DeltaReserved") AS reserved
                       FROM stock_movements GROUP BY 1, 2) m ON m."PartId" = l."PartId" AND m."WarehouseId" = l."WarehouseId"
            WHERE l."OnHand" <> COALESCE(m.on_hand, 0) OR l."Reserved" <> COALESCE(m.reserved, 0)
            """, r => r.GetInt64(0), ct);
        var heldDrift = await BenchDatabase.ListAsync(db,
            """
            SELECT COUNT(*) FROM stock_levels l
            LEFT JOIN (SELECT rl."StockLevelId", SUM(rl."Quantity") AS units FROM reservation_lines rl
                       JOIN reservations r ON r."Id" = rl."ReservationId" AND r."Status" = 'Held' GROUP BY 1) h ON h."StockLevelId" = l."Id"
            WHERE l."Reserved" <> COALESCE(h.units, 0)
            """, r => r.GetInt64(0), ct);
        return
        [
            Check.Of("levels whose quantities differ from their ledger", 0L, ledgerDrift[0]),
            Check.Of("levels whose reserved differs from their held reservations", 0L, heldDrift[0]),
        ];
    }

    /// <summary>One-unit reservations of a uniformly random stocked SKU, each with a new Idempotency-Key.</summary>
    private sealed class UniformReservations(IReadOnlyList<string> skus) : IScenario
    {
        public string Name => "reserve-uniform";

        public Task PrepareAsync(ScenarioContext context, CancellationToken ct) => Task.CompletedTask;

        public HttpRequestMessage CreateRequest(Random random) => InventoryApi.Reservation(skus[random.Next(skus.Count)], 1);
    }
}
