using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using Axle.Api.Features.Suppliers.Mapping;
using Axle.Bench.Inventory;
using Axle.Bench.Load;
using Axle.SupplierSim;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace Axle.Bench.Reliability;

internal sealed record SoakSettings(
    Uri Url, string Connection, string Email, string Password, ServerSpec Server, TimeSpan Duration, TimeSpan SampleEvery,
    double MaxRssMb, double MaxSlopeMbPerMinute, int Customers, string Out)
{
    public static SoakSettings From(CommandLine line)
    {
        var url = line.LocalUrl("http://127.0.0.1:5097");
        var settings = new SoakSettings(
            url,
            line.Required("connection"),
            line.Required("email"),
            line.Required("password"),
            ServerSpec.From(line, url),
            TimeSpan.FromSeconds(line.Long("duration", 600, 30, 7200)),
            TimeSpan.FromSeconds(line.Long("sample-every", 5, 1, 60)),
            line.Long("max-rss-mb", 400, 50, 100_000),
            line.Long("max-slope-kb-per-minute", 1024, 1, 1_000_000) / 1024.0,
            (int)line.Long("customers", 4, 1, 64),
            line.Required("out"));
        line.RejectUnknown();
        return settings;
    }
}

internal sealed record MemorySample(double Seconds, double RssMb, double? GcHeapMb, long Requests);

internal sealed record SoakReport(
    string Scenario, DateTime StartedAtUtc, Machine Machine, double DurationSeconds, int Samples, double RssStartMb, double RssMaxMb,
    double RssEndMb, double? GcHeapMaxMb, double RssSlopeMbPerMinute, double? GcHeapSlopeMbPerMinute, double SlopeThresholdMbPerMinute,
    double MaxRssMb, long Requests, long UnexpectedErrors, long ClientErrors, long WebhookDeliveriesReceived, int SyncRunsStarted,
    object Answers, IReadOnlyList<string> Samples5xx, string Csv, string Chart, IReadOnlyList<Check> Checks, bool Passed);

/// <summary>
/// The <c>soak</c> command (issue 8, item 6): a bounded mixed workload — anonymous catalog reads, carts and checkouts,
/// orders, supplier pushes, supplier pull syncs from a local feed (the supplier simulator) and outbound webhook
/// deliveries to a local receiver — for <c>--duration</c>, sampling the server's VmRSS (<c>/proc</c>) and GC heap
/// (<c>/metrics</c>) every <c>--sample-every</c> seconds. Passes when RSS stays under <c>--max-rss-mb</c>, the RSS slope
/// over the last two thirds is under the threshold, and no request got a 5xx or no answer.
/// </summary>
internal static class SoakCommand
{
    public static async Task<int> RunAsync(SoakSettings settings, TextWriter log, CancellationToken ct)
    {
        var started = DateTime.UtcNow;
        await using var server = ServerProcess.Create(settings.Server);
        await server.StartAsync(ct);
        var pid = server.Pid!.Value;
        using var client = LoadCommand.CreateClient(64);
        client.BaseAddress = settings.Url;
        var shop = await Shop.CreateAsync(client, settings.Connection, settings.Email, settings.Password, 20, 20, settings.Customers, log, ct);
        var recorder = new Recorder { Phase = "soak" };
        var traffic = new Traffic(shop, recorder, TimeSpan.FromSeconds(30));

        await using var receiver = await Receiver.StartAsync(ct);
        var subscribed = await traffic.SendAsync("setup", shop.AsAdmin(new HttpRequestMessage(HttpMethod.Post, "/api/v1/webhook-subscriptions")
        {
            Content = JsonContent.Create(new { url = receiver.Url.ToString(), events = new[] { "order.created", "order.status_changed", "inventory.changed" } }),
        }), ct);
        await using var sim = await SupplierSimulator.StartAsync(
            new SimulatorOptions { PartNumbers = shop.PushSkus, Warehouses = [shop.PushWarehouse], Seed = 7 }, ct);
        var feed = await traffic.SendAsync("setup", shop.AsAdmin(new HttpRequestMessage(HttpMethod.Put, $"/api/v1/suppliers/{shop.SupplierId}/feed")
        {
            Content = JsonContent.Create(new
            {
                settings = new { url = new Uri(sim.BaseUrl, "/feed/stock").ToString(), format = "json_cursor", pageSize = 100 },
                mapping = SupplierMapping.Example,
            }),
        }), ct);
        if (subscribed.Status != 201 || !feed.Success)
        {
            throw new HttpRequestException($"setup failed: subscription {subscribed.Status} {subscribed.Body}; feed {feed.Status} {feed.Body}");
        }

        await log.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"soak {settings.Duration.TotalMinutes:F0} min: webhook receiver {receiver.Url}, feed {sim.BaseUrl}; sampling pid {pid} every {settings.SampleEvery.TotalSeconds:F0} s"));

        var clock = Stopwatch.StartNew();
        using var stop = new CancellationTokenSource(settings.Duration);
        var syncRuns = 0;
        var workers = new List<Task>();
        foreach (var customer in shop.Customers)
        {
            var random = new Random(customer.Index);
            workers.Add(Loop(async () =>
            {
                await traffic.PlaceOrderAsync(customer, [.. shop.OrderParts.OrderBy(_ => random.Next()).Take(3)], TimeSpan.Zero, ct);
                await traffic.CartCheckoutAsync(customer, shop.OrderParts[random.Next(10)], shop.OrderParts[10 + random.Next(10)], ct);
                await traffic.MyOrdersAsync(customer, ct);
            }, TimeSpan.FromMilliseconds(400), stop.Token));
        }

        for (var r = 0; r < 2; r++)
        {
            var random = new Random(100 + r);
            workers.Add(Loop(() => traffic.CatalogAsync(random, fresh: random.Next(4) == 0, ct), TimeSpan.FromMilliseconds(50), stop.Token));
        }

        var pushes = 0;
        workers.Add(Loop(async () =>
        {
            var n = pushes++;
            await traffic.PushAsync($"msg_{shop.Tag}_{n:D7}", shop.PushSkus[n % shop.PushSkus.Count], TimeSpan.Zero, ct);
        }, TimeSpan.FromMilliseconds(100), stop.Token));
        workers.Add(Loop(async () =>
        {
            sim.Catalog.ChangeRandom(5);
            var sync = await traffic.SendAsync("pull-sync", shop.AsAdmin(new HttpRequestMessage(HttpMethod.Post, $"/api/v1/suppliers/{shop.SupplierId}/sync?mode=incremental")), ct);
            if (sync.Status == 202)
            {
                Interlocked.Increment(ref syncRuns);
            }
        }, TimeSpan.FromSeconds(30), stop.Token));

        var samples = new List<MemorySample>();
        using (var metrics = new HttpClient(new SocketsHttpHandler { UseProxy = false }) { BaseAddress = settings.Url, Timeout = TimeSpan.FromSeconds(10) })
        {
            while (!stop.IsCancellationRequested)
            {
                var rss = ReadRssMb(pid);
                var heap = await GcHeapMbAsync(metrics, ct);
                var requests = recorder.Sum((_, _, _) => true);
                samples.Add(new MemorySample(Math.Round(clock.Elapsed.TotalSeconds, 1), rss, heap, requests));
                if (samples.Count % 12 == 1)
                {
                    await log.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                        $"  {clock.Elapsed.TotalMinutes:F1} min: RSS {rss:F0} MB, GC heap {heap?.ToString("F0", CultureInfo.InvariantCulture) ?? "n/a"} MB, {requests} requests, {recorder.Sum((_, _, s) => s == "transport" || s.StartsWith('5'))} 5xx/transport, {receiver.Received} deliveries received"));
                }

                try
                {
                    await Task.Delay(settings.SampleEvery, stop.Token);
                }
                catch (OperationCanceledException) when (stop.IsCancellationRequested && !ct.IsCancellationRequested)
                {
                    break;
                }
            }
        }

        await Task.WhenAll(workers);
        var tail = samples.Where(s => s.Seconds >= settings.Duration.TotalSeconds / 3).ToList();
        var rssSlope = Slope(tail.Select(s => (s.Seconds / 60, s.RssMb)).ToList());
        var heapTail = tail.Where(s => s.GcHeapMb is not null).Select(s => (s.Seconds / 60, s.GcHeapMb!.Value)).ToList();
        double? heapSlope = heapTail.Count >= 3 ? Slope(heapTail) : null;
        var unexpected = recorder.Sum((_, kind, s) => kind != "setup" && (s == "transport" || s.StartsWith('5')));
        var clientErrors = recorder.Sum((_, kind, s) => kind != "setup" && s.StartsWith('4'));
        var csv = Path.ChangeExtension(settings.Out, ".csv");
        var chart = Path.ChangeExtension(settings.Out, ".png");
        await WriteCsvAsync(csv, samples, ct);
        SoakChart.Render(chart, samples, settings.MaxRssMb, rssSlope, settings.Duration.TotalSeconds / 3 / 60);

        var checks = new List<Check>
        {
            Check.Of($"RSS stays under {settings.MaxRssMb:F0} MB (max of {samples.Count} samples)", true, samples.Max(s => s.RssMb) < settings.MaxRssMb),
            Check.Of(string.Create(CultureInfo.InvariantCulture, $"RSS slope over the last 2/3 under {settings.MaxSlopeMbPerMinute:F2} MB/min (got {rssSlope:F3})"), true, rssSlope < settings.MaxSlopeMbPerMinute),
            Check.Of("requests answered 5xx or not at all", 0L, unexpected),
            Check.Of("outbound webhook deliveries received (at least one)", true, receiver.Received > 0),
            Check.Of("pull syncs started (at least one)", true, syncRuns > 0),
            Check.Of("orders answered 201 (at least one)", true, traffic.Orders.Any(o => o.Status == 201)),
            Check.Of("pushes answered 202 (at least one)", true, traffic.Pushes.Any(p => p.Acknowledged)),
        };
        var report = new SoakReport("soak", started, Machine.Current, Math.Round(clock.Elapsed.TotalSeconds, 1), samples.Count,
            samples[0].RssMb, samples.Max(s => s.RssMb), samples[^1].RssMb, samples.Max(s => s.GcHeapMb), Math.Round(rssSlope, 3),
            heapSlope is { } h ? Math.Round(h, 3) : null, settings.MaxSlopeMbPerMinute, settings.MaxRssMb, recorder.Sum((_, _, _) => true),
            unexpected, clientErrors, receiver.Received, syncRuns, recorder.Table(), recorder.Violations, Path.GetFileName(csv), Path.GetFileName(chart),
            checks, checks.All(c => c.Passed));
        await log.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"{report.Requests} requests in {report.DurationSeconds:F0} s; RSS {report.RssStartMb:F0} → max {report.RssMaxMb:F0} → end {report.RssEndMb:F0} MB, slope (last 2/3) {report.RssSlopeMbPerMinute:F3} MB/min; GC heap max {report.GcHeapMaxMb?.ToString("F0", CultureInfo.InvariantCulture) ?? "n/a"} MB, slope {report.GcHeapSlopeMbPerMinute?.ToString("F3", CultureInfo.InvariantCulture) ?? "n/a"} MB/min; 5xx/transport {unexpected}, 4xx {clientErrors}; {receiver.Received} webhook deliveries, {syncRuns} pull syncs; wrote {csv}, {chart}"));
        await server.StopAsync();
        return await Reporting.FinishAsync("soak", report, checks, settings.Out, log, ct);
    }

    /// <summary>Least-squares slope of y over x.</summary>
    internal static double Slope(IReadOnlyList<(double X, double Y)> points)
    {
        if (points.Count < 2)
        {
            return 0;
        }

        var mx = points.Average(p => p.X);
        var my = points.Average(p => p.Y);
        var den = points.Sum(p => (p.X - mx) * (p.X - mx));
        return den == 0 ? 0 : points.Sum(p => (p.X - mx) * (p.Y - my)) / den;
    }

    private static Task Loop(Func<Task> body, TimeSpan pause, CancellationToken stop) => Task.Run(async () =>
    {
        for (var i = 0; !stop.IsCancellationRequested && i < 10_000_000; i++)
        {
            await body();
            try
            {
                await Task.Delay(pause, stop);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }, CancellationToken.None);

    private static double ReadRssMb(int pid)
    {
        foreach (var line in File.ReadLines($"/proc/{pid}/status"))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
            {
                return Math.Round(long.Parse(line[6..].Trim().Split(' ')[0], CultureInfo.InvariantCulture) / 1024.0, 1);
            }
        }

        return 0;
    }

    /// <summary>The GC heap size from the runtime metrics at <c>/metrics</c> (summed over generations), in MB.</summary>
    private static async Task<double?> GcHeapMbAsync(HttpClient metrics, CancellationToken ct)
    {
        try
        {
            var text = await metrics.GetStringAsync("/metrics", ct);
            double? bytes = null;
            foreach (var line in text.Split('\n'))
            {
                if (!line.StartsWith('#') && (line.StartsWith("process_runtime_dotnet_gc_heap_size_bytes", StringComparison.Ordinal)
                    || line.StartsWith("dotnet_gc_last_collection_heap_size_bytes", StringComparison.Ordinal)))
                {
                    var value = line[(line.LastIndexOf(' ') + 1)..];
                    if (double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var v))
                    {
                        bytes = (bytes ?? 0) + v;
                    }
                }
            }

            return bytes is { } b ? Math.Round(b / 1024 / 1024, 1) : null;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !ct.IsCancellationRequested)
        {
            return null;
        }
    }

    private static async Task WriteCsvAsync(string path, IReadOnlyList<MemorySample> samples, CancellationToken ct)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        var text = new StringBuilder("seconds,rss_mb,gc_heap_mb,requests\n");
        foreach (var s in samples)
        {
            text.AppendLine(string.Create(CultureInfo.InvariantCulture, $"{s.Seconds},{s.RssMb},{s.GcHeapMb},{s.Requests}"));
        }

        await File.WriteAllTextAsync(path, text.ToString(), ct);
    }

    /// <summary>A local webhook subscriber: counts deliveries and answers 204.</summary>
    private sealed class Receiver : IAsyncDisposable
    {
        private readonly WebApplication _app;
        private long _received;

        private Receiver(WebApplication app) => _app = app;

        public Uri Url { get; private set; } = null!;

        public long Received => Interlocked.Read(ref _received);

        public static async Task<Receiver> StartAsync(CancellationToken ct)
        {
            var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { EnvironmentName = Environments.Production, ContentRootPath = AppContext.BaseDirectory });
            builder.Logging.ClearProviders();
            builder.WebHost.ConfigureKestrel(o => o.Listen(IPAddress.Loopback, 0));
            var app = builder.Build();
            var receiver = new Receiver(app);
            app.MapPost("/hooks", () =>
            {
                Interlocked.Increment(ref receiver._received);
                return Results.NoContent();
            });
            await app.StartAsync(ct);
            var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
            receiver.Url = new Uri(new Uri(address), "/hooks");
            return receiver;
        }

        public async ValueTask DisposeAsync()
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
    }
}

/// <summary>The soak chart: RSS and GC heap over time, the RSS limit, and the fitted RSS trend over the judged window.</summary>
internal static class SoakChart
{
    public static void Render(string path, IReadOnlyList<MemorySample> samples, double maxRssMb, double slopeMbPerMinute, double fromMinute)
    {
        var plot = new ScottPlot.Plot();
        var minutes = samples.Select(s => s.Seconds / 60).ToArray();
        var rss = plot.Add.Scatter(minutes, samples.Select(s => s.RssMb).ToArray());
        rss.LegendText = "server RSS (MB)";
        var heap = samples.Where(s => s.GcHeapMb is not null).ToList();
        if (heap.Count > 0)
        {
            var gc = plot.Add.Scatter(heap.Select(s => s.Seconds / 60).ToArray(), heap.Select(s => s.GcHeapMb!.Value).ToArray());
            gc.LegendText = "GC heap (MB)";
        }

        var limit = plot.Add.HorizontalLine(maxRssMb);
        limit.LegendText = $"RSS limit {maxRssMb:F0} MB";
        var tail = samples.Where(s => s.Seconds / 60 >= fromMinute).ToList();
        if (tail.Count >= 2)
        {
            var mx = tail.Average(s => s.Seconds / 60);
            var my = tail.Average(s => s.RssMb);
            double[] xs = [tail[0].Seconds / 60, tail[^1].Seconds / 60];
            var trend = plot.Add.Scatter(xs, xs.Select(x => my + slopeMbPerMinute * (x - mx)).ToArray());
            trend.LegendText = string.Create(CultureInfo.InvariantCulture, $"RSS trend, last 2/3: {slopeMbPerMinute:F2} MB/min");
            trend.LineWidth = 2;
        }

        plot.Title("Axle soak: server memory");
        plot.XLabel("minutes");
        plot.YLabel("MB");
        plot.Axes.SetLimitsY(0, maxRssMb * 1.1);
        plot.ShowLegend(ScottPlot.Alignment.LowerRight);
        plot.SavePng(path, 900, 500);
    }
}
