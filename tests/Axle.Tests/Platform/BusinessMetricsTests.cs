using System.Net;
using Axle.Api.Platform.Data;
using Axle.Api.Platform.Messaging;
using Axle.Api.Platform.Observability;
using Axle.Tests.Infrastructure;
using Axle.Tests.Orders;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using static Axle.Tests.Platform.PrometheusText;

namespace Axle.Tests.Platform;

/// <summary>Business metrics at <c>/metrics</c> after real actions: the difference between a scrape before and one after.</summary>
public sealed class BusinessMetricsTests(OrderFactory factory) : IClassFixture<OrderFactory>
{
    private readonly OrderKit _kit = new(factory);

    [Fact]
    public async Task Placing_paying_declining_and_refusing_orders_is_counted_with_currency_status_and_reference_labels()
    {
        var scraper = factory.CreateClient();
        var part = await _kit.Carts.PartAsync(stock: 3);
        var customer = factory.CreateUserClient(Guid.NewGuid());
        var before = await ScrapeAsync(scraper);

        var paid = await OrderKit.PlaceOkAsync(customer, OrderKit.Body(part.Id, 1));
        await (await OrderKit.PlaceAsync(customer, OrderKit.Body(part.Id, 1, "tok_declined"))).AssertProblemAsync(HttpStatusCode.PaymentRequired);
        await (await OrderKit.PlaceAsync(customer, OrderKit.Body(part.Id, 50))).AssertProblemAsync(HttpStatusCode.Conflict, "insufficient_stock");
        var after = await ScrapeAsync(scraper);

        double Delta(string name, params (string, string)[] labels) => Sum(after, name, labels) - Sum(before, name, labels);
        Assert.Equal(2, Delta("axle_orders_placed_total", ("currency", "USD")));
        Assert.Equal(1, Delta("axle_orders_status_changes_total", ("from", "pending_payment"), ("to", "paid")));
        Assert.Equal(1, Delta("axle_orders_status_changes_total", ("from", "pending_payment"), ("to", "cancelled")));
        Assert.Equal((double)OrderKit.Amount(paid, "total"), Delta("axle_orders_revenue_total", ("currency", "USD")), 6);
        Assert.Equal(1, Delta("axle_payments_declined_total", ("currency", "USD")));
        Assert.Equal(1, Delta("axle_inventory_reservation_conflicts_total", ("reference", "order")));
        Assert.Equal(1, Delta("axle_orders_processing_time_seconds_count", ("stage", "placed_to_paid")));
        Assert.Contains(Samples(after, "axle_orders_processing_time_seconds_bucket"), s => s.Labels.GetValueOrDefault("le") == "604800");
    }

    [Fact]
    public async Task Queue_depths_are_sampled_by_the_worker_and_read_by_the_scrape()
    {
        await using (var scope = factory.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
            Outbox.Add(db, "test.depth", new { n = 1 }, DateTime.UtcNow.AddMinutes(-5));
            await db.SaveChangesAsync(TestContext.Current.CancellationToken);
        }

        await factory.Services.GetRequiredService<QueueDepthSampler>().RunOnceAsync(TestContext.Current.CancellationToken);
        var sample = factory.Services.GetRequiredService<QueueDepths>().Last!;
        var text = await ScrapeAsync(factory.CreateClient());

        var expected = await CountAsync(db => db.Set<OutboxMessage>().LongCountAsync(m => m.DeliveredAt == null, TestContext.Current.CancellationToken));
        Assert.Equal(expected, sample.OutboxPending);
        Assert.True(sample.OutboxOldestAgeSeconds >= 300);
        Assert.Contains("axle_outbox_pending", Families(text));
        Assert.Contains("axle_outbox_oldest_pending_age_seconds", Families(text));
        Assert.Contains("axle_inbox_pending", Families(text));
        Assert.Contains("axle_dead_letters_open", Families(text));
        Assert.Contains(Samples(text, "axle_outbox_pending"), s => s.Value >= 1);
    }

    private async Task<long> CountAsync(Func<AppDbContext, Task<long>> count)
    {
        await using var scope = factory.Services.CreateAsyncScope();
        return await count(scope.ServiceProvider.GetRequiredService<AppDbContext>());
    }
}
