using System.Collections.Concurrent;
using System.Net;
using System.Text.Json.Nodes;
using Axle.Api.Platform.Http;
using Axle.SupplierSim;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using static Axle.UnitTests.SupplierSim.SupplierSimKit;

namespace Axle.UnitTests.SupplierSim;

public sealed class SupplierSimPushTests
{
    private static readonly string Secret = "whsec_" + Convert.ToBase64String("0123456789abcdef0123456789abcdef"u8);

    [Fact]
    public async Task Pushed_batches_carry_standard_webhook_signatures_that_axle_verifies()
    {
        await using var sim = await SupplierSimulator.StartAsync(new SimulatorOptions { Records = 250 }, Ct);
        await using var receiver = await Receiver.StartAsync();

        var report = await sim.PushAsync(new PushOptions
        {
            Url = receiver.Url, SupplierId = "acme", Secret = Secret, Events = 250, BatchSize = 100, Concurrency = 3,
        }, Ct);

        Assert.Equal(3, report.Batches);
        Assert.Equal(250, report.Events);
        Assert.Equal(3, report.StatusCounts[202]);
        Assert.Equal(3, report.Acknowledged);
        Assert.True(report.LatencyP99Ms > 0);
        var received = receiver.Received.ToList();
        Assert.All(received, r => Assert.Equal(SignatureCheck.Valid, r.Check(DateTimeOffset.UtcNow)));
        Assert.Equal(3, received.Select(r => r.Id).Distinct().Count());
        Assert.All(received, r => Assert.StartsWith("msg_", r.Id, StringComparison.Ordinal));
        var events = received.SelectMany(r => r.Json["events"]!.AsArray()).Select(e => e!.AsObject()).ToList();
        Assert.Equal(250, events.Select(e => e["eventId"]!.GetValue<string>()).Distinct().Count());
        Assert.All(received, r => Assert.Equal("acme", r.Json["supplierId"]!.GetValue<string>()));
        var sample = events.First(e => e["supplierPartNumber"]!.GetValue<string>() == "SP-000010");
        var record = sim.Catalog.Get("SP-000010")!;
        Assert.Equal(record.EachQuantity, sample["quantity"]!.GetValue<int>());
        Assert.Equal(record.Warehouse, sample["warehouseCode"]!.GetValue<string>());
        Assert.StartsWith("evt_", sample["eventId"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Deliberate_mistakes_are_duplicate_ids_bad_signatures_and_stale_timestamps()
    {
        var clock = new FakeTimeProvider(Now);
        var sim = new StockCatalog(new SimulatorOptions { Records = 100 });
        await using var receiver = await Receiver.StartAsync();

        var report = await WebhookPusher.PushAsync(sim, new PushOptions
        {
            Url = receiver.Url, SupplierId = "acme", Secret = Secret, Events = 100, BatchSize = 10, Concurrency = 1, Clock = clock,
            DuplicateDeliveries = 2, DuplicateEventIds = 1, OutOfOrderBatches = 1, BadSignatures = 1, StaleTimestamps = 1, RunId = "t1",
        }, Ct);

        var received = receiver.Received.ToList();
        Assert.Equal(12, report.Deliveries);
        Assert.Equal(12, received.Count);
        Assert.Equal(SignatureCheck.Mismatch, received.Single(r => r.Id == "msg_t1_0000000").Check(Now));
        Assert.Equal(SignatureCheck.Stale, received.Single(r => r.Id == "msg_t1_0000001").Check(Now));
        Assert.All(received.Where(r => r.Id is not ("msg_t1_0000000" or "msg_t1_0000001")), r => Assert.Equal(SignatureCheck.Valid, r.Check(Now)));
        var repeats = received.GroupBy(r => r.Id).Where(g => g.Count() > 1).ToList();
        Assert.Equal(2, repeats.Count);
        Assert.All(repeats, g => Assert.Equal(g.First().Body, g.Last().Body));
        Assert.Equal(["msg_t1_0000002", "msg_t1_0000003"], repeats.Select(g => g.Key).Order());

        var events = received.DistinctBy(r => r.Id).SelectMany(r => r.Json["events"]!.AsArray()).Select(e => e!.AsObject()).ToList();
        var ids = events.Select(e => e["eventId"]!.GetValue<string>()).ToList();
        Assert.Single(ids.GroupBy(i => i), g => g.Count() > 1);
        var first = received.Single(r => r.Id == "msg_t1_0000000").Json["events"]!.AsArray();
        Assert.Equal(first[0]!["supplierPartNumber"]!.GetValue<string>(), first[1]!["supplierPartNumber"]!.GetValue<string>());
        Assert.True(first[1]!["occurredAt"]!.GetValue<DateTimeOffset>() < first[0]!["occurredAt"]!.GetValue<DateTimeOffset>());
    }

    [Fact]
    public async Task Delta_sku_and_price_variants_follow_the_push_contract()
    {
        var catalog = new StockCatalog(new SimulatorOptions { Records = 4 });
        await using var receiver = await Receiver.StartAsync();

        await WebhookPusher.PushAsync(catalog, new PushOptions
        {
            Url = receiver.Url, SupplierId = "acme", Secret = Secret, Events = 4, Kind = PushEventKind.Mixed, UseSku = true, IncludePrice = true,
        }, Ct);

        var events = Assert.Single(receiver.Received).Json["events"]!.AsArray().Select(e => e!.AsObject()).ToList();
        Assert.All(events, e => Assert.True(e.ContainsKey("sku") && !e.ContainsKey("supplierPartNumber")));
        Assert.Equal([true, false, true, false], events.Select(e => e.ContainsKey("quantity")));
        Assert.All(events.Where(e => e.ContainsKey("delta")), e => Assert.NotEqual(0, e["delta"]!.GetValue<int>()));
        var record = catalog.Get(events[0]["sku"]!.GetValue<string>())!;
        var each = record.Uom == "CS4" ? record.UnitPrice / 4m : record.UnitPrice;
        Assert.Equal(Math.Round(each / 100m, 2), events[0]["price"]!["amount"]!.GetValue<decimal>());
        Assert.Equal("USD", events[0]["price"]!["currency"]!.GetValue<string>());
    }

    [Fact]
    public async Task Retries_keep_the_webhook_id_and_failures_are_counted()
    {
        var catalog = new StockCatalog(new SimulatorOptions { Records = 10 });
        await using var receiver = await Receiver.StartAsync(failFirst: 1);

        var report = await WebhookPusher.PushAsync(catalog, new PushOptions
        {
            Url = receiver.Url, SupplierId = "acme", Secret = Secret, Events = 10, BatchSize = 10, Retries = 2,
        }, Ct);

        Assert.Equal(1, report.StatusCounts[503]);
        Assert.Equal(1, report.StatusCounts[202]);
        var received = receiver.Received.ToList();
        Assert.Equal(2, received.Count);
        Assert.Equal(received[0].Id, received[1].Id);
    }

    [Fact]
    public async Task Push_can_be_started_over_http()
    {
        await using var sim = await SupplierSimulator.StartAsync(new SimulatorOptions { Records = 20 }, Ct);
        await using var receiver = await Receiver.StartAsync();
        using var http = Client(sim);

        using var response = await http.PostAsync("_sim/push", Json(new
        {
            url = receiver.Url, supplierId = "acme", secret = Secret, events = 20, batchSize = 5, concurrency = 2,
        }), Ct);
        var report = JsonNode.Parse(await response.Content.ReadAsStringAsync(Ct))!;

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(4, report["batches"]!.GetValue<int>());
        Assert.Equal(4, receiver.Received.Count);
    }

    internal sealed record Delivery(string Id, string Timestamp, string Signature, byte[] Body)
    {
        public JsonNode Json => JsonNode.Parse(Body)!;

        public SignatureCheck Check(DateTimeOffset now) =>
            StandardWebhookSignature.Verify(Id, Timestamp, Signature, Body, [Secret], now, StandardWebhookSignature.DefaultTolerance);
    }

    /// <summary>A stand-in for Axle's webhook endpoint: records each delivery and answers 202 (or 503 for the first few).</summary>
    private sealed class Receiver : IAsyncDisposable
    {
        private readonly WebApplication _app;

        private Receiver(WebApplication app, Uri url)
        {
            _app = app;
            Url = url;
        }

        public Uri Url { get; }
        public ConcurrentQueue<Delivery> Received { get; } = new();

        public static async Task<Receiver> StartAsync(int failFirst = 0)
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.Logging.SetMinimumLevel(LogLevel.Warning);
            builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
            var app = builder.Build();
            Receiver? receiver = null;
            var failures = failFirst;
            app.MapPost("/hooks/supplier", async (HttpRequest request) =>
            {
                using var buffer = new MemoryStream();
                await request.Body.CopyToAsync(buffer);
                receiver!.Received.Enqueue(new Delivery(
                    request.Headers["webhook-id"].ToString(), request.Headers["webhook-timestamp"].ToString(),
                    request.Headers["webhook-signature"].ToString(), buffer.ToArray()));
                return Interlocked.Decrement(ref failures) >= 0 ? Results.StatusCode(503) : Results.StatusCode(202);
            });
            await app.StartAsync(Ct);
            var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
            receiver = new Receiver(app, new Uri(address + "/hooks/supplier"));
            return receiver;
        }

        public async ValueTask DisposeAsync()
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
    }
}
