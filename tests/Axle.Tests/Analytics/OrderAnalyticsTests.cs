using System.Net;
using Axle.Api.Features.Analytics;
using Axle.Api.Features.Suppliers;
using Axle.Api.Platform.Data;
using Axle.Api.Platform.Security;
using Axle.Tests.Infrastructure;
using Axle.Tests.Orders;
using Axle.Tests.Shipments;
using Microsoft.Extensions.DependencyInjection;
using static Axle.Tests.Analytics.AnalyticsKit;

namespace Axle.Tests.Analytics;

public sealed class OrderAnalyticsTests(AnalyticsFactory factory) : IClassFixture<AnalyticsFactory>
{
    private readonly ShipmentKit _kit = new(factory);

    [Fact]
    public async Task The_report_counts_orders_revenue_processing_times_delays_and_errors_by_endpoint()
    {
        var clock = factory.Clock;
        var start = clock.GetUtcNow().AddHours(-1);
        var customerId = Guid.NewGuid();
        var customer = factory.CreateUserClient(customerId);
        var warehouse = await _kit.Inventory.WarehouseAsync();
        var part = await _kit.PartAsync(warehouse, 20);

        // Paid at once, paid 100 s after placement by the webhook, declined.
        var instant = await OrderKit.PlaceOkAsync(customer, OrderKit.Body(part.Id, 2));
        var pending = await OrderKit.PlaceOkAsync(customer, OrderKit.Body(part.Id, 1, "tok_timeout"), HttpStatusCode.Accepted);
        var pendingId = pending.GetProperty("id").GetGuid();
        await (await OrderKit.PlaceAsync(customer, OrderKit.Body(part.Id, 1, "tok_declined"))).AssertProblemAsync(HttpStatusCode.PaymentRequired);
        clock.Advance(TimeSpan.FromSeconds(100));
        var settled = await (await OrderKit.WebhookAsync(factory.CreateClient(), OrderKit.PaymentEvent("payment_intent.succeeded", pendingId),
            signedAt: clock.GetUtcNow())).AssertJsonAsync(HttpStatusCode.OK);
        Assert.Equal("paid", settled.GetProperty("outcome").GetString());

        // Shipped 90 minutes after it was paid, by a manager signed in then (tokens are checked against the app's clock).
        clock.Advance(TimeSpan.FromMinutes(90));
        var manager = factory.CreateUserClient(Roles.OrderManager);
        await (await ShipmentKit.ShipAsync(manager, pendingId, warehouse, ShipmentKit.Tracking(), (OrderKit.Line(pending, part.Id), 1)))
            .AssertJsonAsync(HttpStatusCode.Created);

        // A stock level applied 42 s after the supplier's event time (what a push or pull records per changed level).
        factory.Services.GetRequiredService<SupplierMetrics>().UpdateDelay.Record(42);
        customer = factory.CreateUserClient(customerId);
        await (await customer.GetAsync($"{OrderKit.OrdersUrl}/{Guid.NewGuid()}", Ct)).AssertProblemAsync(HttpStatusCode.NotFound);

        var report = await ReportAsync(factory, factory.CreateAdminClient(), start, clock.GetUtcNow().AddHours(1),
            r => Endpoint(r, "GET", "/api/v1/orders/{id:guid}") is not null);

        var orders = report.GetProperty("orders");
        Assert.Equal(3, orders.GetProperty("placed").GetInt64());
        var byStatus = orders.GetProperty("byStatus");
        Assert.Equal(3, byStatus.GetProperty("pending_payment").GetInt64());
        Assert.Equal(2, byStatus.GetProperty("paid").GetInt64());
        Assert.Equal(1, byStatus.GetProperty("cancelled").GetInt64());
        Assert.Equal(1, byStatus.GetProperty("picking").GetInt64());
        Assert.Equal(1, byStatus.GetProperty("shipped").GetInt64());
        Assert.Equal(0, byStatus.GetProperty("delivered").GetInt64());

        var revenue = Assert.Single(report.GetProperty("revenue").EnumerateArray());
        Assert.Equal("USD", revenue.GetProperty("currency").GetString());
        Assert.Equal(OrderKit.Amount(instant, "total") + OrderKit.Amount(pending, "total"), revenue.GetProperty("amount").GetDecimal());

        // Placed → paid: ~0 s and 100 s; the estimate stays inside the bucket each observation fell in.
        var placedToPaid = report.GetProperty("processingTimes").GetProperty("placedToPaid");
        Assert.Equal(2, placedToPaid.GetProperty("count").GetInt64());
        Assert.InRange(placedToPaid.GetProperty("p50Seconds").GetDouble(), 0, 0.05);
        Assert.InRange(placedToPaid.GetProperty("p95Seconds").GetDouble(), 60, 120);
        var paidToShipped = report.GetProperty("processingTimes").GetProperty("paidToShipped");
        Assert.Equal(1, paidToShipped.GetProperty("count").GetInt64());
        Assert.InRange(paidToShipped.GetProperty("p50Seconds").GetDouble(), 3600, 7200);
        var delay = report.GetProperty("inventoryUpdateDelay");
        Assert.Equal(1, delay.GetProperty("count").GetInt64());
        Assert.InRange(delay.GetProperty("p95Seconds").GetDouble(), 30, 60);

        var checkout = Endpoint(report, "POST", "/api/v1/orders/")!.Value;
        Assert.Equal(3, checkout.GetProperty("requests").GetInt64());
        Assert.Equal(1, checkout.GetProperty("clientErrors").GetInt64());
        Assert.Equal(0, checkout.GetProperty("serverErrors").GetInt64());
        Assert.Equal(0.3333, checkout.GetProperty("errorRate").GetDouble());
        var read = Endpoint(report, "GET", "/api/v1/orders/{id:guid}")!.Value;
        Assert.Equal(1, read.GetProperty("requests").GetInt64());
        Assert.Equal(1.0, read.GetProperty("errorRate").GetDouble());
    }

    [Fact]
    public async Task A_range_with_more_endpoints_and_currencies_than_the_report_lists_shows_the_first_and_counts_them_all()
    {
        // An hour long before the other tests' traffic, filled straight into the rollup table.
        var hour = new DateTime(2021, 3, 1, 10, 0, 0, DateTimeKind.Utc);
        var endpoints = GetOrderAnalytics.MaxEndpoints + 3;
        var currencies = GetOrderAnalytics.MaxCurrencies + 2;
        var counts = Enumerable.Range(0, endpoints)
            .SelectMany(i => new[]
            {
                KeyValuePair.Create(new RollupKey(hour, AnalyticsRecorder.Requests, $"GET /api/v1/route{i:D3}"), 10L),
                KeyValuePair.Create(new RollupKey(hour, AnalyticsRecorder.ClientErrors, $"GET /api/v1/route{i:D3}"), (long)i),
            })
            .Concat(Enumerable.Range(0, currencies).Select(i =>
                KeyValuePair.Create(new RollupKey(hour, AnalyticsRecorder.Revenue, $"{(char)('A' + (i / 26))}{(char)('A' + (i % 26))}X"), 100L)))
            .ToList();
        await using (var scope = factory.Services.CreateAsyncScope())
        {
            await AnalyticsRollups.AddAsync(scope.ServiceProvider.GetRequiredService<AppDbContext>(), counts, Ct);
        }

        var response = await factory.CreateAdminClient().GetAsync($"{Url}?from={Iso(hour)}&to={Iso(hour.AddHours(1))}", Ct);

        var report = await response.AssertJsonAsync(HttpStatusCode.OK);
        var routes = report.GetProperty("endpoints").EnumerateArray().Select(e => e.GetProperty("route").GetString()).ToList();
        Assert.Equal(GetOrderAnalytics.MaxEndpoints, routes.Count);
        Assert.Equal($"/api/v1/route{endpoints - 1:D3}", routes[0]);
        Assert.Equal(endpoints, report.GetProperty("endpointCount").GetInt32());
        var codes = report.GetProperty("revenue").EnumerateArray().Select(m => m.GetProperty("currency").GetString()).ToList();
        Assert.Equal(GetOrderAnalytics.MaxCurrencies, codes.Count);
        Assert.Equal("AAX", codes[0]);
        Assert.Equal(currencies, report.GetProperty("revenueCurrencyCount").GetInt32());
    }
}
