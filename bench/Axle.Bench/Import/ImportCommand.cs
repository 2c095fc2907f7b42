using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Xml;
using Axle.Bench.Generate;
using Axle.Bench.Load;
using Axle.Bench.Suppliers;

namespace Axle.Bench.Import;

internal sealed record ImportSettings(
    Uri Url, DbProvider Provider, string Connection, int Apps, int Seed, string Email, string Password, int? ServerPid,
    TimeSpan Timeout, string? Out)
{
    public static ImportSettings From(CommandLine line)
    {
        var uri = line.LocalUrl("http://127.0.0.1:5080");
        var settings = new ImportSettings(
            uri,
            GenerateSettings.ParseProvider(line.Required("provider")),
            line.Required("connection"),
            (int)line.Long("apps", 200_000, 1, 20_000_000),
            (int)line.Long("seed", 1, 0, int.MaxValue),
            line.Required("email"),
            line.Required("password"),
            line.Optional("server-pid") is null ? null : (int)line.Long("server-pid", null, 1, int.MaxValue),
            TimeSpan.FromSeconds(line.Long("timeout", 1800, 10, 7200)),
            line.Optional("out"));
        line.RejectUnknown();
        return settings;
    }
}

/// <summary>
/// The <c>import</c> command: writes an ACES file of <c>--apps</c> applications over the parts and vehicles already in
/// the server's database (a generated catalog), uploads it to <c>POST /api/v1/catalog/imports?format=aces</c> as a
/// catalog manager, polls the job until it ends, then uploads the same file again (every row unchanged: the idempotent
/// path). Reports rows/s by the job's own start and finish times, fitments really added (counted in the database) and
/// the server's peak memory, which must not grow with the file.
/// </summary>
internal static class ImportCommand
{
    private static readonly string?[] Positions = ["Front", "Rear", "Front Left", "Front Right", null];

    public static async Task<int> RunAsync(ImportSettings settings, TextWriter log, CancellationToken ct)
    {
        var (numbers, baseVehicles, models) = await ReadCatalogAsync(settings, ct);
        if (numbers.Count == 0 || baseVehicles.Count == 0)
        {
            throw new UsageException("The database has no parts or no vehicles with a BaseVehicleId; run `generate` first.");
        }

        var file = Path.Combine(Path.GetTempPath(), $"axle-bench-aces-{settings.Apps}-{settings.Seed}.xml");
        var (written, ranged) = WriteAces(file, settings, numbers, baseVehicles, models);
        var bytes = new FileInfo(file).Length;
        await log.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"wrote {file}: {written:N0} apps ({ranged:N0} by year range), {bytes / 1048576.0:F1} MB"));

        using var client = new HttpClient(new SocketsHttpHandler { UseProxy = false, AllowAutoRedirect = false })
        {
            BaseAddress = settings.Url,
            Timeout = TimeSpan.FromMinutes(10),
        };
        var token = await ApiSignIn.AccessTokenAsync(client, settings.Email, settings.Password, ct);
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);

        var results = new List<ImportResult>();
        try
        {
            foreach (var pass in (string[])["first import", "same file again"])
            {
                var before = await CountFitmentsAsync(settings, ct);
                await using var memory = ServerMemorySampler.Start(settings.ServerPid);
                // PostgreSQL only: which statements the server's sessions run, and their backends' CPU (no pg_stat_statements).
                await using var database = settings.Provider == DbProvider.Postgres
                    ? await DbActivitySampler.StartAsync(settings.Connection, ct) : null;
                var serverCpu = ServerCpu.Milliseconds(settings.ServerPid);
                var load = LoadAverage();
                var job = await RunJobAsync(client, file, settings.Timeout, ct);
                var cpuMs = ServerCpu.Milliseconds(settings.ServerPid) - serverCpu;
                var activity = database is null ? null : await database.StopAsync();
                var (peak, _) = memory is null ? (0, null) : await memory.StopAsync();
                var after = await CountFitmentsAsync(settings, ct);
                var result = ImportResult.From(pass, job, bytes, after - before, peak) with
                {
                    ServerCpuSeconds = cpuMs is { } ms ? Math.Round(ms / 1000, 2) : null,
                    DatabaseCpuSeconds = activity?.BackendCpuSeconds,
                    LoadAverageBefore = load,
                    LoadAverageAfter = LoadAverage(),
                };
                results.Add(result);
                await log.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                    $"{pass}: {result.Status}, {result.Seconds:F1} s, {result.RowsPerSecond:N0} apps/s, {result.FitmentsAdded:N0} fitments added; CPU: server {Show(result.ServerCpuSeconds)} s, PostgreSQL backends {Show(result.DatabaseCpuSeconds)} s; load average {load} -> {result.LoadAverageAfter}"));
                if (activity is not null)
                {
                    await log.WriteLineAsync(DbActivitySampler.Describe(activity, 8));
                }
            }
        }
        finally
        {
            File.Delete(file);
        }

        await log.WriteLineAsync();
        await log.WriteLineAsync("| pass | status | apps | inserted | unchanged | rejected | fitments added | seconds | apps/s | fitments added/s | server CPU s | PostgreSQL CPU s | server peak RSS MB |");
        await log.WriteLineAsync("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var r in results)
        {
            await log.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"| {r.Pass} | {r.Status} | {r.Rows:N0} | {r.Inserted:N0} | {r.Unchanged:N0} | {r.Rejected:N0} | {r.FitmentsAdded:N0} | {r.Seconds:F1} | {r.RowsPerSecond:N0} | {r.FitmentsAddedPerSecond:N0} | {Show(r.ServerCpuSeconds)} | {Show(r.DatabaseCpuSeconds)} | {r.PeakRssMb:F0} |"));
        }

        if (settings.Out is { } output)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(output))!);
            await File.WriteAllTextAsync(output, JsonSerializer.Serialize(new
            {
                scenario = "import-aces",
                provider = settings.Provider.ToString().ToLowerInvariant(),
                apps = written,
                rangedApps = ranged,
                fileBytes = bytes,
                at = DateTime.UtcNow,
                results,
            }, new JsonSerializerOptions { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.CamelCase }), ct);
            await log.WriteLineAsync($"wrote {output}");
        }

        return results.All(r => r.Status is "succeeded" or "completed_with_errors") ? 0 : 1;
    }

    private static string Show(double? seconds) => seconds is { } s ? s.ToString("F1", CultureInfo.InvariantCulture) : "n/a";

    private static string LoadAverage()
    {
        try
        {
            return string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3));
        }
        catch (IOException)
        {
            return "n/a";
        }
    }

    private static async Task<JsonElement> RunJobAsync(HttpClient client, string file, TimeSpan timeout, CancellationToken ct)
    {
        await using var stream = File.OpenRead(file);
        using var content = new StreamContent(stream, 1 << 16);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/xml");
        using var posted = await client.PostAsync("/api/v1/catalog/imports?format=aces", content, ct);
        if (!posted.IsSuccessStatusCode)
        {
            throw new HttpRequestException($"POST /api/v1/catalog/imports answered {(int)posted.StatusCode}: {await posted.Content.ReadAsStringAsync(ct)}");
        }

        var id = JsonDocument.Parse(await posted.Content.ReadAsStringAsync(ct)).RootElement.GetProperty("id").GetString();
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < timeout)
        {
            await Task.Delay(250, ct);
            var job = JsonDocument.Parse(await client.GetStringAsync($"/api/v1/catalog/imports/{id}", ct)).RootElement.Clone();
            if (job.GetProperty("finishedAt").ValueKind != JsonValueKind.Null)
            {
                return job;
            }
        }

        throw new TimeoutException($"import {id} did not finish within {timeout}");
    }

    private static async Task<(List<string> Numbers, List<int> BaseVehicles, List<(string Make, string Model, int From, int To)> Models)> ReadCatalogAsync(
        ImportSettings settings, CancellationToken ct)
    {
        await using var connection = BenchDatabase.Create(settings.Provider, settings.Connection);
        await connection.OpenAsync(ct);
        var numbers = await BenchDatabase.ListAsync(connection, """SELECT "PartNumber" FROM parts ORDER BY "Id" LIMIT 100000""", r => r.GetString(0), ct);
        var baseVehicles = await BenchDatabase.ListAsync(connection,
            """SELECT DISTINCT "BaseVehicleId" FROM vehicles WHERE "BaseVehicleId" IS NOT NULL ORDER BY 1""", r => r.GetInt32(0), ct);
        var models = await BenchDatabase.ListAsync(connection,
            """SELECT "Make", "Model", MIN("Year"), MAX("Year") FROM vehicles GROUP BY "Make", "Model" ORDER BY 1, 2""",
            r => (r.GetString(0), r.GetString(1), r.GetInt32(2), r.GetInt32(3)), ct);
        return (numbers, baseVehicles, models);
    }

    private static async Task<long> CountFitmentsAsync(ImportSettings settings, CancellationToken ct)
    {
        await using var connection = BenchDatabase.Create(settings.Provider, settings.Connection);
        await connection.OpenAsync(ct);
        return (await BenchDatabase.ListAsync(connection, "SELECT COUNT(*) FROM fitments", r => r.GetInt64(0), ct))[0];
    }

    /// <summary>
    /// Nine in ten applications name a BaseVehicle (one fitment each); one in ten a make, model and a year range of up
    /// to three years (a fitment per configuration per year). Deterministic for a seed.
    /// </summary>
    private static (int Written, int Ranged) WriteAces(
        string path, ImportSettings settings, List<string> numbers, List<int> baseVehicles, List<(string Make, string Model, int From, int To)> models)
    {
        var random = new Random(settings.Seed);
        using var writer = XmlWriter.Create(path, new XmlWriterSettings { Indent = true, Encoding = new UTF8Encoding(false) });
        writer.WriteStartDocument();
        writer.WriteStartElement("ACES");
        writer.WriteAttributeString("version", "4.2");
        writer.WriteStartElement("Header");
        writer.WriteElementString("Company", "Axle bench");
        writer.WriteElementString("TransferDate", "2026-11-23");
        writer.WriteEndElement();
        var ranged = 0;
        for (var i = 1; i <= settings.Apps; i++)
        {
            writer.WriteStartElement("App");
            writer.WriteAttributeString("action", "A");
            writer.WriteAttributeString("id", i.ToString(CultureInfo.InvariantCulture));
            if (i % 10 == 0)
            {
                var (make, model, from, to) = models[random.Next(models.Count)];
                var start = random.Next(from, to + 1);
                writer.WriteStartElement("Years");
                writer.WriteAttributeString("from", start.ToString(CultureInfo.InvariantCulture));
                writer.WriteAttributeString("to", Math.Min(to, start + random.Next(3)).ToString(CultureInfo.InvariantCulture));
                writer.WriteEndElement();
                writer.WriteElementString("Make", make);
                writer.WriteElementString("Model", model);
                ranged++;
            }
            else
            {
                writer.WriteStartElement("BaseVehicle");
                writer.WriteAttributeString("id", baseVehicles[random.Next(baseVehicles.Count)].ToString(CultureInfo.InvariantCulture));
                writer.WriteEndElement();
            }

            if (random.Next(4) == 0)
            {
                writer.WriteElementString("Note", "With sport package");
            }

            writer.WriteElementString("Qty", (1 + random.Next(4)).ToString(CultureInfo.InvariantCulture));
            writer.WriteStartElement("PartType");
            writer.WriteAttributeString("id", "1684");
            writer.WriteEndElement();
            if (Positions[random.Next(Positions.Length)] is { } position)
            {
                writer.WriteElementString("Position", position);
            }

            writer.WriteElementString("Part", numbers[random.Next(numbers.Count)]);
            writer.WriteEndElement();
        }

        writer.WriteEndElement();
        writer.WriteEndDocument();
        return (settings.Apps, ranged);
    }

    private sealed record ImportResult(
        string Pass, string Status, int Rows, int Inserted, int Unchanged, int Rejected, long FitmentsAdded, double Seconds,
        double RowsPerSecond, double FitmentsAddedPerSecond, double PeakRssMb, long FileBytes)
    {
        public double? ServerCpuSeconds { get; init; }

        /// <summary>CPU of the database's client backends (the server's sessions) between their first and last sighting.</summary>
        public double? DatabaseCpuSeconds { get; init; }

        public string? LoadAverageBefore { get; init; }
        public string? LoadAverageAfter { get; init; }

        public static ImportResult From(string pass, JsonElement job, long bytes, long added, double peak)
        {
            var seconds = Math.Max(
                (job.GetProperty("finishedAt").GetDateTime() - job.GetProperty("startedAt").GetDateTime()).TotalSeconds, 1e-3);
            var rows = job.GetProperty("rowsRead").GetInt32();
            return new ImportResult(pass, job.GetProperty("status").GetString()!, rows, job.GetProperty("inserted").GetInt32(),
                job.GetProperty("unchanged").GetInt32(), job.GetProperty("rejected").GetInt32(), added, seconds,
                rows / seconds, added / seconds, peak, bytes);
        }
    }
}
