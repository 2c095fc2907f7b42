using System.Globalization;

namespace Axle.SupplierSim;

/// <summary>
/// <c>dotnet run --project tools/Axle.SupplierSim -- [--urls ...] [--records N] ...</c> serves the simulator;
/// <c>... -- push --url ... --supplier ... --secret ...</c> pushes signed webhooks and prints the report.
/// </summary>
public static class SimProgram
{
    public static async Task<int> Main(string[] args)
    {
        ArgumentNullException.ThrowIfNull(args);
        try
        {
            var push = args.Length > 0 && args[0] == "push";
            var line = Options.Parse(push ? args[1..] : args);
            return push ? await Push(line) : await Serve(line);
        }
        catch (Exception e) when (e is ArgumentException or FormatException or OverflowException)
        {
            await Console.Error.WriteLineAsync(e.Message);
            await Console.Error.WriteLineAsync("See tools/Axle.SupplierSim/README.md for the options.");
            return 2;
        }
    }

    private static async Task<int> Serve(Options line)
    {
        var parts = line.Text("parts");
        var options = new SimulatorOptions
        {
            Urls = line.Text("urls") ?? "http://127.0.0.1:5099",
            Records = line.Int("records") ?? 100_000,
            Seed = line.Int("seed") ?? 1,
            PartNumbers = parts is null ? null : File.ReadAllLines(parts).Where(l => l.Length > 0).ToArray(),
            PartPrefix = line.Text("prefix") ?? "SP-",
            Warehouses = line.Text("warehouses")?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) ?? ["DC-EAST", "DC-WEST"],
            Currency = line.Text("currency") ?? "USD",
            Auth = Enum.Parse<SimAuthMode>(line.Text("auth") ?? "None", ignoreCase: true),
            RequestsPerMinute = line.Int("rate-limit") ?? 0,
            RateLimitWindow = Enum.Parse<RateLimitWindow>(line.Text("rate-window") ?? "Fixed", ignoreCase: true),
            CursorTtl = line.Int("cursor-ttl") is { } ttl ? TimeSpan.FromSeconds(ttl) : null,
            Verbose = line.Flag("verbose"),
        };
        options.ApiKey = line.Text("api-key") ?? options.ApiKey;
        options.BasicUser = line.Text("user") ?? options.BasicUser;
        options.BasicPassword = line.Text("password") ?? options.BasicPassword;
        options.ClientId = line.Text("client-id") ?? options.ClientId;
        options.ClientSecret = line.Text("client-secret") ?? options.ClientSecret;
        line.RejectUnread();

        var started = System.Diagnostics.Stopwatch.StartNew();
        var sim = SupplierSimulator.Build(options, []);
        await using (sim.ConfigureAwait(false))
        {
            await sim.StartServerAsync();
            Console.WriteLine($"Supplier simulator: {sim.Catalog.Count} records (seed {options.Seed}) on {options.Urls}, auth {options.Auth}, ready in {started.ElapsedMilliseconds} ms.");
            Console.WriteLine("Feed: /feed/stock  /feed/stock/pages  /feed/stock.csv  /feed/stock.json   Controls: /_sim/...   Ctrl+C stops.");
            await sim.WaitForShutdownAsync();
        }

        return 0;
    }

    private static async Task<int> Push(Options line)
    {
        var catalog = new StockCatalog(new SimulatorOptions { Records = line.Int("records") ?? 10_000, Seed = line.Int("seed") ?? 1 });
        var options = new PushOptions
        {
            Url = new Uri(line.Required("url")),
            SupplierId = line.Required("supplier"),
            Secret = line.Required("secret"),
            Events = line.Int("events") ?? 1000,
            BatchSize = line.Int("batch") ?? 100,
            Concurrency = line.Int("concurrency") ?? 4,
            Kind = Enum.Parse<PushEventKind>(line.Text("kind") ?? "Quantity", ignoreCase: true),
            UseSku = line.Flag("sku"),
            IncludePrice = line.Flag("price"),
            DuplicateDeliveries = line.Int("duplicate-deliveries") ?? 0,
            DuplicateEventIds = line.Int("duplicate-events") ?? 0,
            OutOfOrderBatches = line.Int("out-of-order") ?? 0,
            BadSignatures = line.Int("bad-signatures") ?? 0,
            StaleTimestamps = line.Int("stale-timestamps") ?? 0,
            Retries = line.Int("retries") ?? 0,
            RunId = line.Text("run-id"),
        };
        line.RejectUnread();

        var report = await WebhookPusher.PushAsync(catalog, options);
        Console.WriteLine($"Pushed {report.Events} events in {report.Batches} batches ({report.Deliveries} deliveries) in {report.Elapsed.TotalSeconds:F2} s: {report.EventsPerSecond:F0} events/s.");
        Console.WriteLine($"Statuses: {string.Join(", ", report.StatusCounts.Select(p => $"{p.Key}={p.Value}"))}; network errors {report.NetworkErrors}{(report.FirstError is null ? "" : $" (first: {report.FirstError})")}.");
        Console.WriteLine($"Latency ms: p50 {report.LatencyP50Ms:F1}  p90 {report.LatencyP90Ms:F1}  p99 {report.LatencyP99Ms:F1}  max {report.LatencyMaxMs:F1}.");
        return report.NetworkErrors == 0 && report.StatusCounts.Keys.All(s => s is >= 200 and < 300) ? 0 : 1;
    }

    /// <summary><c>--name value</c> pairs; a name followed by another name (or nothing) is a flag.</summary>
    private sealed class Options
    {
        private readonly Dictionary<string, string> _values = new(StringComparer.Ordinal);
        private readonly HashSet<string> _read = new(StringComparer.Ordinal);

        public static Options Parse(string[] args)
        {
            var options = new Options();
            for (var i = 0; i < args.Length; i++)
            {
                if (!args[i].StartsWith("--", StringComparison.Ordinal))
                {
                    throw new ArgumentException($"Expected an option, got '{args[i]}'.");
                }

                var hasValue = i + 1 < args.Length && !args[i + 1].StartsWith("--", StringComparison.Ordinal);
                options._values[args[i][2..]] = hasValue ? args[++i] : "true";
            }

            return options;
        }

        public string? Text(string name)
        {
            _read.Add(name);
            return _values.GetValueOrDefault(name);
        }

        public string Required(string name) => Text(name) ?? throw new ArgumentException($"Option --{name} is required.");

        public int? Int(string name) =>
            Text(name) is { } text ? int.Parse(text.Replace("_", "", StringComparison.Ordinal), NumberStyles.Integer, CultureInfo.InvariantCulture) : null;

        public bool Flag(string name) => Text(name) is { } text && bool.Parse(text);

        public void RejectUnread()
        {
            var unknown = _values.Keys.Where(k => !_read.Contains(k)).ToList();
            if (unknown.Count > 0)
            {
                throw new ArgumentException($"Unknown option(s): {string.Join(", ", unknown.Select(k => "--" + k))}.");
            }
        }
    }
}
