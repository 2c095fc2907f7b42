using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Axle.Api.Features.Orders;
using Axle.Api.Features.Payments;
using Axle.Api.Features.Suppliers.Mapping;
using Axle.Tests.Infrastructure;
using Axle.Tests.Orders;
using Axle.Tests.Shipments;
using Axle.Tests.Suppliers;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Axle.Tests.Security;

/// <summary>
/// A payment gateway that misbehaves by token: <c>tok_hang</c> never answers (and ignores cancellation), <c>tok_garbage</c>
/// answers something that cannot be read; anything else is approved.
/// </summary>
public sealed class HostileGateway : IPaymentGateway
{
    public string Name => "hostile";

    public async Task<GatewayResult> AuthorizeAsync(ChargeRequest request, CancellationToken ct)
    {
        switch (request.Token)
        {
            case "tok_hang":
                await Task.Delay(TimeSpan.FromSeconds(20), CancellationToken.None);
                return new GatewayResult(GatewayOutcome.Approved, "pi_late");
            case "tok_garbage":
                return JsonSerializer.Deserialize<GatewayResult>("{\"outcome\": \"approved\", \"reference\": ")!;
            default:
                return new GatewayResult(GatewayOutcome.Approved, "pi_" + request.IdempotencyKey);
        }
    }

    public Task<GatewayResult> CaptureAsync(string reference, long amountMinor, string idempotencyKey, CancellationToken ct) =>
        Task.FromResult(new GatewayResult(GatewayOutcome.Approved, reference));

    public Task<GatewayResult> RefundAsync(string reference, long amountMinor, string idempotencyKey, CancellationToken ct) =>
        Task.FromResult(new GatewayResult(GatewayOutcome.Approved, "re_hostile"));

    public Task<GatewayResult> VoidAsync(string reference, string idempotencyKey, CancellationToken ct) =>
        Task.FromResult(new GatewayResult(GatewayOutcome.Approved, reference));

    public Task<GatewayResult> LookupAsync(string idempotencyKey, CancellationToken ct) =>
        Task.FromResult(new GatewayResult(GatewayOutcome.Pending, null));
}

/// <summary>
/// The order app with the hostile gateway, a one-second gateway timeout, and supplier feeds allowed on loopback over http
/// with tight timeouts and a 64 KiB page limit.
/// </summary>
public sealed class UnsafeConsumptionFactory : OrderFactory
{
    protected override IDictionary<string, string?> Overrides => new Dictionary<string, string?>(base.Overrides)
    {
        ["Payments:GatewayTimeout"] = "00:00:01",
        ["OutboundUrls:AllowedNetworks:0"] = "127.0.0.0/8",
        ["OutboundUrls:RequireHttps"] = "false",
        ["Suppliers:Feeds:MaxRetries"] = "1",
        ["Suppliers:Feeds:BaseDelay"] = "00:00:00.010",
        ["Suppliers:Feeds:MaxDelay"] = "00:00:01",
        ["Suppliers:Feeds:AttemptTimeout"] = "00:00:01",
        ["Suppliers:Feeds:TotalTimeout"] = "00:00:04",
        ["Suppliers:Feeds:MaxPageBytes"] = "65536",
        ["Suppliers:SyncLease"] = "00:00:30",
    };

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureTestServices(s => s.AddSingleton<IPaymentGateway, HostileGateway>());
    }
}

/// <summary>
/// OWASP API10:2023 Unsafe Consumption of APIs: what suppliers and the payment gateway answer is never trusted. A supplier
/// feed that answers malformed JSON, JSON of the wrong shape, a huge page, nothing (slowly) or a redirect fails its sync run
/// in bounded time with the reason, follows no redirect and applies nothing; a gateway that hangs or answers garbage
/// leaves the order <c>pending_payment</c> (202) in bounded time, never paid and never a 500; a carrier push that is not
/// what it claims is refused.
/// </summary>
public sealed class Api10UnsafeConsumptionTests(UnsafeConsumptionFactory factory) : IClassFixture<UnsafeConsumptionFactory>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static readonly TheoryData<string, string> FeedReplies = new()
    {
        { "malformed", "malformed_json" },
        { "wrong-shape", "missing_items" },
        { "wrong-types", "invalid_payload" },
        { "huge", "response_too_large" },
        { "slow", "timeout" },
        { "redirect", "redirect_refused" },
    };

    [Theory]
    [MemberData(nameof(FeedReplies))]
    public async Task A_hostile_supplier_feed_fails_the_run_in_bounded_time_with_its_reason_and_applies_nothing(string reply, string code)
    {
        await using var stub = await HostileFeed.StartAsync();
        var kit = new SyncKit(factory);
        var supplier = await kit.Suppliers.SupplierAsync();
        var response = await kit.PutFeedAsync(supplier.Id, new
        {
            settings = new { url = stub.Url(reply), format = "json_cursor", pageSize = 100 },
            mapping = SupplierMapping.Example,
        });
        await response.AssertJsonAsync(HttpStatusCode.OK);
        var runId = await kit.StartAsync(supplier.Id);

        var clock = Stopwatch.StartNew();
        await kit.RunAsync(runId);
        clock.Stop();

        var run = await kit.GetRunAsync(runId);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(15), $"the run took {clock.Elapsed}");
        Assert.Equal("failed", run.GetProperty("status").GetString());
        Assert.StartsWith(code, run.GetProperty("error").GetString());
        Assert.Equal(0, run.GetProperty("applied").GetInt64());
        Assert.Empty(await kit.LevelsAsync(supplier));
        Assert.Equal(0, stub.Hits("internal"));
        // What the run reports is ours, not the supplier's bytes.
        Assert.DoesNotContain("<script>", run.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("tok_hang")]
    [InlineData("tok_garbage")]
    public async Task A_gateway_that_hangs_or_answers_garbage_leaves_the_order_pending_in_bounded_time(string token)
    {
        var kit = new OrderKit(factory);
        var part = await kit.Carts.PartAsync(stock: 5);
        var customer = await factory.CreateCustomerClientAsync();

        var clock = Stopwatch.StartNew();
        var response = await OrderKit.PlaceAsync(customer, OrderKit.Body(part.Id, 2, token));
        clock.Stop();

        var order = await response.AssertJsonAsync(HttpStatusCode.Accepted);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"checkout took {clock.Elapsed}");
        Assert.Equal("pending_payment", order.GetProperty("status").GetString());
        var stored = (await kit.OrderAsync(order.GetProperty("id").GetGuid()))!;
        Assert.Equal(OrderStatus.PendingPayment, stored.Status);
        var payment = (await kit.PaymentAsync(stored.Id))!;
        Assert.Null(payment.Reference);
    }

    [Fact]
    public async Task A_carrier_push_that_is_not_what_it_claims_is_refused_and_applies_nothing()
    {
        var anonymous = factory.CreateClient();

        // No signature, a huge body, and a body that is not JSON: refused before anything is read or applied.
        var unsigned = await anonymous.PostAsJsonAsync(ShipmentKit.Events, new { events = new[] { new { trackingNumber = "1Z", status = "delivered" } } }, Ct);
        using var huge = new ByteArrayContent(new byte[300 * 1024]) { Headers = { { "Content-Type", "application/json" } } };
        var tooLarge = await anonymous.PostAsync(ShipmentKit.Events, huge, Ct);
        var garbage = await anonymous.PostAsync(ShipmentKit.Events, new StringContent("<xml/>", Encoding.UTF8, "application/json"), Ct);

        await unsigned.AssertProblemAsync(HttpStatusCode.Unauthorized);
        await tooLarge.AssertProblemAsync(HttpStatusCode.RequestEntityTooLarge);
        Assert.True(garbage.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.BadRequest, $"{(int)garbage.StatusCode}");
    }

    /// <summary>A supplier that answers every page badly, one way per path; <c>/internal</c> is where its redirect points.</summary>
    private sealed class HostileFeed : IAsyncDisposable
    {
        private readonly WebApplication _app;
        private readonly ConcurrentDictionary<string, int> _hits = new();

        private HostileFeed(WebApplication app) => _app = app;

        public Uri BaseUrl { get; private set; } = null!;

        public string Url(string reply) => new Uri(BaseUrl, reply).ToString();

        public int Hits(string path) => _hits.GetValueOrDefault(path);

        public static async Task<HostileFeed> StartAsync()
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            builder.Logging.ClearProviders();
            var app = builder.Build();
            var feed = new HostileFeed(app);
            app.Run(async context =>
            {
                var path = context.Request.Path.Value!.Trim('/');
                feed._hits.AddOrUpdate(path, 1, (_, n) => n + 1);
                var response = context.Response;
                response.ContentType = "application/json";
                switch (path)
                {
                    case "malformed":
                        await response.WriteAsync("{\"items\":[{\"partNo\":\"<script>\",\"qtyAvail\":", context.RequestAborted);
                        break;
                    case "wrong-shape":
                        await response.WriteAsync("{\"records\":\"<script>alert(1)</script>\",\"next\":null}", context.RequestAborted);
                        break;
                    case "wrong-types":
                        await response.WriteAsync("{\"items\":\"<script>\",\"nextCursor\":42}", context.RequestAborted);
                        break;
                    case "huge":
                        var chunk = Encoding.UTF8.GetBytes(new string(' ', 16 * 1024));
                        await response.WriteAsync("{\"items\":[", context.RequestAborted);
                        for (var i = 0; i < 64 && !context.RequestAborted.IsCancellationRequested; i++)
                        {
                            await response.Body.WriteAsync(chunk, context.RequestAborted);
                        }

                        break;
                    case "slow":
                        await Task.Delay(TimeSpan.FromSeconds(30), context.RequestAborted).ContinueWith(_ => { }, TaskScheduler.Default);
                        break;
                    case "redirect":
                        response.StatusCode = StatusCodes.Status302Found;
                        response.Headers.Location = new Uri(feed.BaseUrl, "internal").ToString();
                        break;
                    default:
                        await response.WriteAsync("{\"items\":[],\"nextCursor\":null}", context.RequestAborted);
                        break;
                }
            });
            await app.StartAsync();
            var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
            feed.BaseUrl = new Uri(address.EndsWith('/') ? address : address + "/");
            return feed;
        }

        public async ValueTask DisposeAsync()
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
    }
}
