using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Axle.Api.Features.Suppliers.Mapping;
using Axle.Bench.Inventory;
using Axle.Bench.Load;
using Axle.SupplierSim;
using Npgsql;

namespace Axle.Bench.Suppliers;

internal sealed record SupplierPullSettings(
    Uri Url, string Connection, string Email, string Password, int Records, int Warehouses, int PageSize, double Change,
    TimeSpan Timeout, int? ServerPid, string? Out)
{
    public static SupplierPullSettings From(CommandLine line)
    {
        var changeText = line.Optional("change") ?? "0.01";
        if (!double.TryParse(changeText, NumberStyles.Float, CultureInfo.InvariantCulture, out var change) || change is <= 0 or > 1)
        {
            throw new UsageException($"Option --change must be a fraction above 0 and at most 1, got '{changeText}'.");
        }

        var settings = new SupplierPullSettings(
            line.LocalUrl("http://127.0.0.1:5090"),
            line.Required("connection"),
            line.Required("email"),
            line.Required("password"),
            (int)line.Long("records", 1_000_000, 1, 10_000_000),
            (int)line.Long("warehouses", 4, 1, 255),
            (int)line.Long("page-size", 5000, 1, 5000),
            change,
            TimeSpan.FromSeconds(line.Long("timeout", 1800, 10, 7200)),
            line.Optional("server-pid") is null ? null : (int)line.Long("server-pid", null, 1, int.MaxValue),
            line.Optional("out"));
        line.RejectUnknown();
        return settings;
    }
}

/// <summary>
/// The <c>supplier-pull</c> command (PostgreSQL): the supplier simulator runs in this process with one record for each of the
/// first <c>--records</c> catalog SKUs (the SKU is the supplier's part number), spread over <c>--warehouses</c> new warehouses.
/// A new supplier owning them gets a json_cursor feed on the simulator with the simulator's mapping; a full run is started
/// through the API and polled to its end (the server's workers run it), then <c>--change</c> of the records change in the
/// simulator and an incremental run follows. Reports records/s by the run's own times and by wall clock, what the simulator
/// served, the server's RSS over each run, and checks in the database that Axle's stock equals the simulator's, record by record.
/// </summary>
internal static class SupplierPullCommand
{
    private const string FeedPath = "/feed/stock";
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(200);

    public static async Task<int> RunAsync(SupplierPullSettings settings, TextWriter log, CancellationToken ct)
    {
        var skus = await SupplierPushCommand.SkusAsync(settings.Connection, settings.Records, ct);
        if (skus.Count < settings.Records)
        {
            throw new UsageException($"The database has {skus.Count:N0} parts; generate at least --records ({settings.Records:N0}).");
        }

        string? serverProcess = settings.ServerPid is { } pid ? ServerMemorySampler.ProcessName(pid) : null;
        if (settings.ServerPid is not null && serverProcess != "dotnet")
        {
            await log.WriteLineAsync($"warning: pid {settings.ServerPid} is '{serverProcess ?? "gone"}', not the dotnet server; RSS may mean nothing");
        }

        using var client = LoadCommand.CreateClient(2);
        client.BaseAddress = settings.Url;
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer",
            await ApiSignIn.AccessTokenAsync(client, settings.Email, settings.Password, ct));
        var tag = Convert.ToHexString(BitConverter.GetBytes(Environment.TickCount64))[..6];
        var codes = Enumerable.Range(1, settings.Warehouses).Select(i => $"PULL-{tag}-{i}").ToList();
        var warehouseIds = new List<long>();
        foreach (var code in codes)
        {
            warehouseIds.Add(await InventoryApi.CreateWarehouseAsync(client, code, ct));
        }

        using var created = await client.PostAsJsonAsync("/api/v1/suppliers",
            new { code = "PULL-" + tag, name = "Bench pull supplier " + tag, warehouses = codes }, ct);
        await EnsureAsync(created, ct);
        var supplierId = (await created.Content.ReadFromJsonAsync<JsonElement>(ct)).GetProperty("id").GetInt64();

        // Initial records are stamped over the 30 days before the epoch and changes at the wall clock, so an incremental
        // run's updated_since (the full run's high-water mark) falls between the two.
        var epoch = DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.ToUnixTimeSeconds() - 60);
        await using var sim = await SupplierSimulator.StartAsync(
            new SimulatorOptions { PartNumbers = skus, Warehouses = codes, Seed = 7, DataEpoch = epoch }, ct);
        using var feed = await client.PutAsJsonAsync($"/api/v1/suppliers/{supplierId}/feed", new
        {
            settings = new { url = new Uri(sim.BaseUrl, FeedPath).ToString(), format = "json_cursor", pageSize = settings.PageSize },
            mapping = SupplierMapping.Example,
        }, ct);
        await EnsureAsync(feed, ct);
        await log.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"supplier {supplierId}, warehouses {string.Join(",", codes)}; simulator {sim.BaseUrl} with {sim.Catalog.Count:N0} records, page size {settings.PageSize}"));

        var full = await PassAsync(client, sim, supplierId, "full", settings, log, ct);
        var changed = sim.Catalog.ChangeFraction(settings.Change);
        await log.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"changed {changed.Changed:N0} records ({settings.Change:P1}) in the simulator, stamped {changed.UpdatedAt:u}"));
        var incremental = await PassAsync(client, sim, supplierId, "incremental", settings, log, ct);
        var check = await VerifyAsync(settings.Connection, supplierId, warehouseIds, sim.Catalog, ct);

        await log.WriteLineAsync();
        await log.WriteLineAsync("| run | status | pages | feed requests | records served | received | applied | unchanged | rejected | s (run's times) | s (start → seen ended) | s (wall) | records/s (start → seen ended) | records/s (wall) | server RSS MB min / max |");
        await log.WriteLineAsync("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|");
        foreach (var p in new[] { full, incremental })
        {
            await log.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"| {p.Mode} | {p.Status} | {p.Pages:N0} | {p.FeedRequests:N0} | {p.RecordsServed:N0} | {p.Received:N0} | {p.Applied:N0} | {p.Unchanged:N0} | {p.Rejected:N0} | {p.RunSeconds:F2} | {p.ActiveSeconds:F2} | {p.WallSeconds:F2} | {p.RecordsPerSecondActive:N0} | {p.RecordsPerSecondWall:N0} | {Rss(p)} |"));
        }

        await log.WriteLineAsync();
        await log.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"incremental ÷ full: time {incremental.ActiveSeconds / full.ActiveSeconds:P1}, records served {(double)incremental.RecordsServed / full.RecordsServed:P2}, requests {incremental.FeedRequests} vs {full.FeedRequests}"));
        foreach (var (name, passed, detail) in check.Checks)
        {
            await log.WriteLineAsync($"check {(passed ? "passed" : "FAILED")}: {name} ({detail})");
        }

        if (settings.Out is { } output)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(output))!);
            await File.WriteAllTextAsync(output, JsonSerializer.Serialize(new
            {
                scenario = "supplier-pull",
                records = settings.Records,
                warehouses = settings.Warehouses,
                pageSize = settings.PageSize,
                change = settings.Change,
                changedRecords = changed.Changed,
                supplierId,
                serverPid = settings.ServerPid,
                at = DateTime.UtcNow,
                machine = new { cores = Environment.ProcessorCount, os = Environment.OSVersion.ToString(), runtime = Environment.Version.ToString() },
                runs = new[] { full, incremental },
                checks = check.Checks.Select(c => new { c.Name, c.Passed, c.Detail }),
            }, new JsonSerializerOptions { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.CamelCase }), ct);
            await log.WriteLineAsync($"wrote {output}");
        }

        var ok = full.Status == "succeeded" && incremental.Status == "succeeded" && check.Checks.All(c => c.Passed);
        return ok ? 0 : 1;
    }

    private static string Rss(PullPass p) =>
        p.Rss is not { } r ? "n/a" : string.Create(CultureInfo.InvariantCulture, $"{r.MinMb:F0} / {r.MaxMb:F0}");

    /// <summary>Starts one run and polls it (and the server's RSS) every 500 ms until it ends, within --timeout.</summary>
    private static async Task<PullPass> PassAsync(
        HttpClient client, SupplierSimulator sim, long supplierId, string mode, SupplierPullSettings settings, TextWriter log, CancellationToken ct)
    {
        sim.Counters.Reset();
        await using var database = await DbActivitySampler.StartAsync(settings.Connection, ct);
        var serverCpu = ServerCpu.Milliseconds(settings.ServerPid);
        var benchCpu = Process.GetCurrentProcess().TotalProcessorTime;
        var clock = Stopwatch.StartNew();
        var runId = await StartAsync(client, supplierId, mode, log, ct);
        var progress = new List<PullSample>();
        var rss = new List<double>();
        JsonElement run;
        while (true)
        {
            run = await client.GetFromJsonAsync<JsonElement>($"/api/v1/sync-runs/{runId}", ct);
            var ended = run.GetProperty("status").GetString() is not ("queued" or "running");
            if (RssMb(settings.ServerPid) is { } mb)
            {
                rss.Add(mb);
            }

            // Every poll feeds the RSS figures; the kept series has a point per page or per second, whichever is sparser.
            var pages = run.GetProperty("pages").GetInt32();
            if (ended || progress.Count == 0 || progress[^1].Pages != pages || clock.Elapsed.TotalSeconds - progress[^1].Seconds >= 1)
            {
                progress.Add(new PullSample(Math.Round(clock.Elapsed.TotalSeconds, 2), pages, run.GetProperty("received").GetInt64(),
                    run.GetProperty("applied").GetInt64(), rss.Count == 0 ? null : rss[^1]));
            }

            if (ended)
            {
                break;
            }

            if (clock.Elapsed > settings.Timeout)
            {
                throw new TimeoutException($"sync run {runId} ({mode}) did not end within {settings.Timeout}");
            }

            await Task.Delay(PollInterval, ct);
        }

        var seenEnded = DateTime.UtcNow;
        var wall = clock.Elapsed.TotalSeconds;
        var stats = sim.Stats;
        var activity = await database.StopAsync();
        var pass = PullPass.From(mode, runId, run, seenEnded, wall, stats.RequestsByPath.GetValueOrDefault(FeedPath), stats.TotalRequests,
            stats.RecordsServed, rss, progress) with
        {
            ServerCpuSeconds = ServerCpu.Milliseconds(settings.ServerPid) - serverCpu is { } ms ? Math.Round(ms / 1000, 2) : null,
            BenchCpuSeconds = Math.Round((Process.GetCurrentProcess().TotalProcessorTime - benchCpu).TotalSeconds, 2),
            Database = activity,
        };
        await log.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"{mode} run {runId}: {pass.Status}; {pass.RunSeconds:F2} s by its own times, {pass.ActiveSeconds:F2} s from its start until seen ended (queued {pass.QueuedSeconds:F2} s, wall {wall:F2} s); {pass.Pages} pages, {pass.Received:N0} received, {pass.Applied:N0} applied, {pass.RecordsPerSecondActive:N0} records/s; simulator: {pass.FeedRequests} feed requests, {pass.RecordsServed:N0} records served{(pass.Error is null ? "" : "; error: " + pass.Error)}"));
        await log.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"  CPU over {wall:F1} s wall: server {(pass.ServerCpuSeconds is { } cpu ? cpu.ToString("F1", CultureInfo.InvariantCulture) : "n/a")} s, this process (simulator, polling) {pass.BenchCpuSeconds:F1} s, PostgreSQL backends {activity.BackendCpuSeconds:F1} s"));
        if (pass.PageSeconds is { } page)
        {
            await log.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"  seconds per page (between polls that saw the page count move, 200 ms resolution): p50 {page.P50:F2}, p90 {page.P90:F2}, max {page.Max:F2}"));
        }

        await log.WriteLineAsync(DbActivitySampler.Describe(activity, 8));
        // A tenth of the run at a time: whether throughput or memory drift as the tables fill.
        var step = Math.Max(1, progress.Count / 10);
        for (var i = 0; i < progress.Count; i += step)
        {
            var s = progress[i];
            await log.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"  t={s.Seconds,7:F1} s  pages {s.Pages,5}  received {s.Received,10:N0}  applied {s.Applied,10:N0}  RSS {(s.RssMb is { } mb ? mb.ToString("F0", CultureInfo.InvariantCulture) : "n/a"),5} MB"));
        }

        return pass;
    }

    /// <summary>202 with the run; 409 sync_in_progress when the scheduler queued the supplier's first run just before us.</summary>
    private static async Task<Guid> StartAsync(HttpClient client, long supplierId, string mode, TextWriter log, CancellationToken ct)
    {
        using var response = await client.PostAsync($"/api/v1/suppliers/{supplierId}/sync?mode={mode}", null, ct);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>(ct);
        if (response.StatusCode == HttpStatusCode.Conflict && body.TryGetProperty("runId", out var open) && open.ValueKind == JsonValueKind.String)
        {
            await log.WriteLineAsync($"the scheduler had already queued run {open.GetString()}; measuring that one");
            return open.GetGuid();
        }

        if (response.StatusCode != HttpStatusCode.Accepted)
        {
            throw new HttpRequestException($"POST sync?mode={mode} answered {(int)response.StatusCode}: {body}");
        }

        return body.GetProperty("id").GetGuid();
    }

    private static async Task EnsureAsync(HttpResponseMessage response, CancellationToken ct)
    {
        if (!response.IsSuccessStatusCode)
        {
            throw new HttpRequestException(
                $"{response.RequestMessage?.Method} {response.RequestMessage?.RequestUri} answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(ct)}");
        }
    }

    private static double? RssMb(int? pid)
    {
        if (pid is null)
        {
            return null;
        }

        try
        {
            var line = File.ReadLines($"/proc/{pid}/status").FirstOrDefault(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
            return line is null ? null : Math.Round(long.Parse(line[6..].Trim().Split(' ')[0], CultureInfo.InvariantCulture) / 1024.0, 1);
        }
        catch (IOException)
        {
            return null;
        }
    }

    /// <summary>Every level in the supplier's warehouses against the simulator's record for its SKU (all of them, not a sample).</summary>
    private static async Task<PullCheck> VerifyAsync(
        string connection, long supplierId, List<long> warehouseIds, StockCatalog catalog, CancellationToken ct)
    {
        await using var db = new NpgsqlConnection(connection);
        await db.OpenAsync(ct);
        await using var count = new NpgsqlCommand("""SELECT count(*) FROM supplier_stock WHERE "SupplierId" = @s""", db);
        count.Parameters.AddWithValue("s", supplierId);
        var supplierRows = (long)(await count.ExecuteScalarAsync(ct))!;

        await using var levels = new NpgsqlCommand("""
            SELECT p."Sku", w."Code", l."OnHand"
            FROM stock_levels l JOIN parts p ON p."Id" = l."PartId" JOIN warehouses w ON w."Id" = l."WarehouseId"
            WHERE l."WarehouseId" = ANY(@w)
            """, db);
        levels.Parameters.AddWithValue("w", warehouseIds.ToArray());
        long levelRows = 0, wrong = 0;
        var examples = new List<string>();
        await using (var reader = await levels.ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct))
            {
                levelRows++;
                var (sku, code, onHand) = (reader.GetString(0), reader.GetString(1), reader.GetInt32(2));
                var record = catalog.Get(sku);
                if (record is null || record.Warehouse != code || record.EachQuantity != onHand)
                {
                    wrong++;
                    if (examples.Count < 5)
                    {
                        examples.Add($"{sku}@{code}: axle {onHand}, sim {(record is null ? "none" : $"{record.EachQuantity}@{record.Warehouse}")}");
                    }
                }
            }
        }

        var records = catalog.Count;
        return new PullCheck([
            ("supplier_stock rows of the supplier = simulator records", supplierRows == records, $"{supplierRows:N0} vs {records:N0}"),
            ("stock_levels in the supplier's warehouses = simulator records", levelRows == records, $"{levelRows:N0} vs {records:N0}"),
            ("every level's on hand = the simulator's quantity in eaches, same warehouse", wrong == 0,
                wrong == 0 ? $"{levelRows:N0} compared" : $"{wrong:N0} differ, e.g. {string.Join("; ", examples)}"),
        ]);
    }

    private sealed record PullCheck(IReadOnlyList<(string Name, bool Passed, string Detail)> Checks);

    private sealed record PullSample(double Seconds, int Pages, long Received, long Applied, double? RssMb);

    private sealed record PageTimes(double P50, double P90, double Max);

    private sealed record RssSummary(int Samples, double MinMb, double MaxMb, double MedianMb, double FirstMb, double LastMb)
    {
        public static RssSummary? Of(List<double> mb)
        {
            if (mb.Count == 0)
            {
                return null;
            }

            var sorted = mb.Order().ToList();
            return new RssSummary(mb.Count, sorted[0], sorted[^1], sorted[sorted.Count / 2], mb[0], mb[^1]);
        }
    }

    /// <param name="RunSeconds">The run's own startedAt → finishedAt; finishedAt is stamped as the last page's commit begins,
    /// so it leaves that page's apply out.</param>
    /// <param name="ActiveSeconds">startedAt → the first poll that saw the run ended (at most one poll interval late).</param>
    /// <param name="WallSeconds">POST → seen ended: adds the wait for the sync worker's next tick.</param>
    private sealed record PullPass(
        string Mode, Guid RunId, string Status, string? Error, int Pages, long Received, long Applied, long Unchanged, long Rejected,
        double QueuedSeconds, double RunSeconds, double ActiveSeconds, double WallSeconds, double RecordsPerSecondRun,
        double RecordsPerSecondActive, double RecordsPerSecondWall, long FeedRequests, long SimulatorRequests, long RecordsServed,
        RssSummary? Rss, IReadOnlyList<PullSample> Progress)
    {
        public double? ServerCpuSeconds { get; init; }

        public double BenchCpuSeconds { get; init; }

        public DbActivity? Database { get; init; }

        /// <summary>Time per page from the progress series: each step in the page count over the time it took (first page included).</summary>
        public PageTimes? PageSeconds
        {
            get
            {
                var perPage = new List<double>();
                var previous = (Seconds: QueuedSeconds, Pages: 0);
                foreach (var sample in Progress.Where(p => p.Pages > 0))
                {
                    if (sample.Pages > previous.Pages)
                    {
                        var each = (sample.Seconds - previous.Seconds) / (sample.Pages - previous.Pages);
                        perPage.AddRange(Enumerable.Repeat(each, sample.Pages - previous.Pages));
                        previous = (sample.Seconds, sample.Pages);
                    }
                }

                if (perPage.Count == 0)
                {
                    return null;
                }

                perPage.Sort();
                return new PageTimes(perPage[(perPage.Count - 1) / 2], perPage[(int)((perPage.Count - 1) * 0.9)], perPage[^1]);
            }
        }

        public static PullPass From(
            string mode, Guid id, JsonElement run, DateTime seenEnded, double wall, long feedRequests, long requests, long served,
            List<double> rss, List<PullSample> progress)
        {
            var created = run.GetProperty("createdAt").GetDateTime();
            var started = run.GetProperty("startedAt").GetDateTime();
            var seconds = Math.Max(run.GetProperty("durationMs").GetInt64() / 1000.0, 1e-3);
            var active = Math.Max((seenEnded - started).TotalSeconds, 1e-3);
            var received = run.GetProperty("received").GetInt64();
            return new PullPass(mode, id, run.GetProperty("status").GetString()!,
                run.GetProperty("error").ValueKind == JsonValueKind.String ? run.GetProperty("error").GetString() : null,
                run.GetProperty("pages").GetInt32(), received, run.GetProperty("applied").GetInt64(),
                run.GetProperty("unchanged").GetInt64(), run.GetProperty("rejected").GetInt64(),
                (started - created).TotalSeconds, seconds, active, wall, received / seconds, received / active, received / wall,
                feedRequests, requests, served, RssSummary.Of(rss), progress);
        }
    }
}
