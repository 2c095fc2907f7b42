using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Runtime.InteropServices;
using System.Text.Json;
using Axle.Bench.Generate;
using Axle.Bench.Load;

namespace Axle.Bench.Inventory;

internal sealed record ReserveHotSettings(
    Uri Url, DbProvider Provider, string Connection, string Email, string Password, int Concurrency, int Stock,
    long MaxRequests, TimeSpan Timeout, int? ServerPid, string? Out)
{
    public static ReserveHotSettings From(CommandLine line)
    {
        var settings = new ReserveHotSettings(
            line.LocalUrl("http://127.0.0.1:5080"),
            GenerateSettings.ParseProvider(line.Required("provider")),
            line.Required("connection"),
            line.Required("email"),
            line.Required("password"),
            (int)line.Long("concurrency", 64, 1, 1024),
            (int)line.Long("stock", 1000, 1, 1_000_000),
            line.Long("max-requests", 20_000, 1, 10_000_000),
            TimeSpan.FromSeconds(line.Long("timeout", 120, 1, 3600)),
            line.Optional("server-pid") is null ? null : (int)line.Long("server-pid", null, 1, int.MaxValue),
            line.Optional("out"));
        line.RejectUnknown();
        if (settings.MaxRequests < settings.Stock + settings.Concurrency)
        {
            throw new UsageException("--max-requests must leave room for every unit and one refusal per worker (stock + concurrency).");
        }

        return settings;
    }
}

/// <summary>One assertion of a run: what was expected, what was seen.</summary>
internal sealed record Check(string Name, string Expected, string Actual)
{
    public bool Passed => Expected == Actual;

    public static Check Of<T>(string name, T expected, T actual) =>
        new(name, Convert.ToString(expected, CultureInfo.InvariantCulture)!, Convert.ToString(actual, CultureInfo.InvariantCulture)!);
}

/// <summary>
/// The <c>reserve-hot</c> command: the hot-SKU race of the inventory issue. A fresh part and warehouse get exactly
/// <c>--stock</c> units; <c>--concurrency</c> workers then reserve one unit each per request, each until it is refused
/// with 409 insufficient_stock. Every unit must be reserved exactly once: the command checks the responses, the level in
/// the database, its ledger, its held reservations and the API's totals, and exits 1 when any check fails.
/// </summary>
internal static class ReserveHotCommand
{
    private static readonly TimeSpan Grace = TimeSpan.FromSeconds(10);

    public static async Task<int> RunAsync(ReserveHotSettings settings, TextWriter log, CancellationToken ct)
    {
        using var client = LoadCommand.CreateClient(settings.Concurrency);
        client.BaseAddress = settings.Url;
        var token = await ApiSignIn.AccessTokenAsync(client, settings.Email, settings.Password, ct);
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);

        await using var db = BenchDatabase.Create(settings.Provider, settings.Connection);
        await db.OpenAsync(ct);
        var category = (await BenchDatabase.ListAsync(db, """SELECT "Name" FROM categories ORDER BY "Id" DESC LIMIT 1""", r => r.GetString(0), ct))
            .FirstOrDefault() ?? throw new UsageException("The database has no categories; run `generate` first.");
        var stamp = DateTime.UtcNow.ToString("yyMMddHHmmss", CultureInfo.InvariantCulture);
        var sku = $"BENCH-HOT-{stamp}";
        var partId = await InventoryApi.CreatePartAsync(client, sku, category, ct);
        var warehouseId = await InventoryApi.CreateWarehouseAsync(client, $"HOT-{stamp}", ct);
        await InventoryApi.ReceiveAsync(client, sku, warehouseId, settings.Stock, ct);
        await log.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"{sku} (part {partId}) has {settings.Stock} units in warehouse {warehouseId}; {settings.Concurrency} workers reserve 1 unit per request"));

        await using var memory = ServerMemorySampler.Start(settings.ServerPid);
        var race = await RaceAsync(client, () => InventoryApi.Reservation(sku, 1), settings.Concurrency, settings.Timeout, settings.MaxRequests, ct);
        var peak = memory is null ? (double?)null : (await memory.StopAsync()).PeakRssMb;
        await log.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"  {race.Requests} requests in {race.Seconds:F2} s, statuses {string.Join(", ", race.StatusCodes.Select(c => $"{c.Key}: {c.Value}"))}, {race.Failures} failed"));
        if (race.FirstError is not null)
        {
            await log.WriteLineAsync($"  first error: {race.FirstError}");
        }

        var checks = await CheckAsync(client, db, sku, partId, warehouseId, settings, race, ct);
        foreach (var check in checks)
        {
            await log.WriteLineAsync($"  {(check.Passed ? "ok  " : "FAIL")} {check.Name}: expected {check.Expected}, got {check.Actual}");
        }

        var report = new HotReport("reserve-hot", settings.Provider.ToString().ToLowerInvariant(), settings.Url.ToString(),
            DateTime.UtcNow, Environment.ProcessorCount, RuntimeInformation.OSDescription, RuntimeInformation.FrameworkDescription,
            sku, partId, warehouseId, settings.Concurrency, settings.Stock, race, peak, checks, checks.All(c => c.Passed));
        await log.WriteLineAsync();
        await log.WriteAsync(Markdown([report]));
        if (settings.Out is { } path)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
            await File.WriteAllTextAsync(path, JsonSerializer.Serialize(report, Reports.Json) + "\n", ct);
            await log.WriteLineAsync($"\nwrote {path}");
        }

        return report.Passed ? 0 : 1;
    }

    internal static string Markdown(IEnumerable<HotReport> reports)
    {
        var text = new System.Text.StringBuilder();
        text.AppendLine("| scenario | provider | concurrency | stock | reserved (201) | 409 insufficient_stock | other errors | seconds to drain | reservations/s | p50 ms | p95 ms | p99 ms | checks |");
        text.AppendLine("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|");
        foreach (var r in reports)
        {
            var passed = r.Checks.Count(c => c.Passed);
            text.AppendLine(string.Create(CultureInfo.InvariantCulture,
                $"| {r.Scenario} | {r.Provider} | {r.Concurrency} | {r.Stock} | {r.Race.Reserved} | {r.Race.Insufficient} | {r.Race.OtherErrors} | {r.Race.DrainSeconds:F2} | {r.Race.ReservationsPerSecond:F1} | {r.Race.Latency.P50Ms:F2} | {r.Race.Latency.P95Ms:F2} | {r.Race.Latency.P99Ms:F2} | {passed}/{r.Checks.Count} {(r.Passed ? "passed" : "FAILED")} |"));
        }

        return text.ToString();
    }

    /// <summary>
    /// <paramref name="concurrency"/> workers each send requests made by <paramref name="create"/> (one unit each) until one is
    /// refused with 409 insufficient_stock, bounded by <paramref name="timeout"/> and <paramref name="maxRequests"/>.
    /// </summary>
    internal static async Task<RaceResult> RaceAsync(
        HttpClient client, Func<HttpRequestMessage> create, int concurrency, TimeSpan timeout, long maxRequests, CancellationToken ct)
    {
        using var hardStop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        hardStop.CancelAfter(timeout + Grace);
        var started = Stopwatch.GetTimestamp();
        var deadline = started + (long)(timeout.TotalSeconds * Stopwatch.Frequency);
        var issued = 0L;
        var workers = new Task<RaceWorker>[concurrency];
        for (var w = 0; w < workers.Length; w++)
        {
            workers[w] = Task.Run(async () =>
            {
                var worker = new RaceWorker();
                while (!worker.Refused && Stopwatch.GetTimestamp() < deadline && Interlocked.Increment(ref issued) <= maxRequests)
                {
                    await worker.SendAsync(client, create, hardStop.Token);
                }

                return worker;
            }, CancellationToken.None);
        }

        var done = await Task.WhenAll(workers);
        var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
        ct.ThrowIfCancellationRequested();
        var lastSuccess = done.Max(w => w.LastSuccess);
        var drain = lastSuccess > 0 ? Stopwatch.GetElapsedTime(started, lastSuccess).TotalSeconds : seconds;
        var codes = new SortedDictionary<int, long>();
        foreach (var (code, count) in done.SelectMany(w => w.StatusCodes))
        {
            codes[code] = codes.GetValueOrDefault(code) + count;
        }

        var reserved = done.Sum(w => w.Reserved);
        return new RaceResult(
            done.Sum(w => w.Latencies.Count) + done.Sum(w => w.Failures), seconds, drain, reserved, done.Count(w => w.Refused),
            done.Sum(w => w.OtherErrors), done.Sum(w => w.Failures), codes,
            drain > 0 ? Math.Round(reserved / drain, 1) : 0,
            done.Select(w => w.FirstError).FirstOrDefault(e => e is not null),
            LatencyStats.From([.. done.SelectMany(w => w.Latencies)]));
    }

    private static async Task<List<Check>> CheckAsync(
        HttpClient client, System.Data.Common.DbConnection db, string sku, long partId, long warehouseId, ReserveHotSettings settings,
        RaceResult race, CancellationToken ct)
    {
        var stock = settings.Stock;
        (string, object)[] keys = [("part", partId), ("warehouse", warehouseId)];
        var level = (await BenchDatabase.ListAsync(db,
            """SELECT "Id", "OnHand", "Reserved" FROM stock_levels WHERE "PartId" = @part AND "WarehouseId" = @warehouse""",
            r => (Id: Long(r, 0), OnHand: Long(r, 1), Reserved: Long(r, 2)), ct, keys)).Single();
        var ledger = (await BenchDatabase.ListAsync(db,
            """
            SELECT COALESCE(SUM("DeltaOnHand"), 0), COALESCE(SUM("DeltaReserved"), 0), COUNT(*)
            FROM stock_movements WHERE "PartId" = @part AND "WarehouseId" = @warehouse
            """,
            r => (OnHand: Long(r, 0), Reserved: Long(r, 1), Movements: Long(r, 2)), ct, keys)).Single();
        var held = (await BenchDatabase.ListAsync(db,
            """
            SELECT COUNT(DISTINCT r."Id"), COALESCE(SUM(l."Quantity"), 0)
            FROM reservation_lines l JOIN reservations r ON r."Id" = l."ReservationId"
            WHERE l."StockLevelId" = @level AND r."Status" = 'Held'
            """,
            r => (Reservations: Long(r, 0), Units: Long(r, 1)), ct, ("level", level.Id))).Single();
        var api = await InventoryApi.TotalsAsync(client, sku, ct);
        return
        [
            Check.Of("reservations answered 201", (long)stock, race.Reserved),
            Check.Of("workers stopped by 409 insufficient_stock", settings.Concurrency, race.Insufficient),
            Check.Of("other errors", 0L, race.OtherErrors + race.Failures),
            Check.Of("db level onHand/reserved", $"{stock}/{stock}", $"{level.OnHand}/{level.Reserved}"),
            Check.Of("ledger sums onHand/reserved", $"{level.OnHand}/{level.Reserved}", $"{ledger.OnHand}/{ledger.Reserved}"),
            Check.Of("ledger movements (received + one per reservation)", 1L + stock, ledger.Movements),
            Check.Of("held reservations/units on the level", $"{stock}/{stock}", $"{held.Reservations}/{held.Units}"),
            Check.Of("GET /inventory/{sku} onHand/reserved/available", $"{stock}/{stock}/0", $"{api.OnHand}/{api.Reserved}/{api.Available}"),
        ];
    }

    internal static long Long(System.Data.Common.DbDataReader reader, int ordinal) =>
        Convert.ToInt64(reader.GetValue(ordinal), CultureInfo.InvariantCulture);

    private sealed class RaceWorker
    {
        public List<long> Latencies { get; } = new(256);

        public Dictionary<int, long> StatusCodes { get; } = [];

        public long Reserved { get; private set; }

        public bool Refused { get; private set; }

        public long OtherErrors { get; private set; }

        public long Failures { get; private set; }

        public long LastSuccess { get; private set; }

        public string? FirstError { get; private set; }

        public async Task SendAsync(HttpClient client, Func<HttpRequestMessage> create, CancellationToken ct)
        {
            using var request = create();
            var start = Stopwatch.GetTimestamp();
            try
            {
                using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
                var body = await response.Content.ReadAsStringAsync(ct);
                var end = Stopwatch.GetTimestamp();
                Latencies.Add(end - start);
                var code = (int)response.StatusCode;
                StatusCodes[code] = StatusCodes.GetValueOrDefault(code) + 1;
                if (code == 201)
                {
                    Reserved++;
                    LastSuccess = end;
                }
                else if (code == 409 && InventoryApi.ProblemCode(body) == "insufficient_stock")
                {
                    Refused = true;
                }
                else
                {
                    OtherErrors++;
                    FirstError ??= $"HTTP {code}: {(body.Length > 300 ? body[..300] : body)}";
                }
            }
            catch (Exception ex) when (ex is HttpRequestException or IOException or OperationCanceledException)
            {
                Failures++;
                FirstError ??= $"{ex.GetType().Name}: {ex.Message}";
            }
        }
    }
}

internal sealed record RaceResult(
    long Requests, double Seconds, double DrainSeconds, long Reserved, int Insufficient, long OtherErrors, long Failures,
    SortedDictionary<int, long> StatusCodes, double ReservationsPerSecond, string? FirstError, LatencyStats Latency);

internal sealed record HotReport(
    string Scenario, string Provider, string Url, DateTime FinishedAtUtc, int ProcessorCount, string Os, string Runtime, string Sku,
    long PartId, long WarehouseId, int Concurrency, int Stock, RaceResult Race, double? ServerPeakRssMb, IReadOnlyList<Check> Checks,
    bool Passed);

internal static class Reports
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };
}
