using Axle.Api.Features.Payments;
using Axle.Api.Platform.Data;
using Axle.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using static Axle.Tests.Orders.OrderKit;

namespace Axle.Tests.Orders;

/// <summary>A gateway that approves everything and counts refund calls, each taking a moment (so racing callers overlap).</summary>
public sealed class CountingGateway : IPaymentGateway
{
    private int _refunds;

    public int Refunds => _refunds;

    public string Name => "counting";

    public Task<GatewayResult> AuthorizeAsync(ChargeRequest request, CancellationToken ct) =>
        Task.FromResult(new GatewayResult(GatewayOutcome.Approved, "pi_count_" + request.IdempotencyKey));

    public Task<GatewayResult> CaptureAsync(string reference, long amountMinor, string idempotencyKey, CancellationToken ct) =>
        Task.FromResult(new GatewayResult(GatewayOutcome.Approved, reference));

    public async Task<GatewayResult> RefundAsync(string reference, long amountMinor, string idempotencyKey, CancellationToken ct)
    {
        Interlocked.Increment(ref _refunds);
        await Task.Delay(200, ct);
        return new GatewayResult(GatewayOutcome.Approved, "re_" + idempotencyKey);
    }

    public Task<GatewayResult> VoidAsync(string reference, string idempotencyKey, CancellationToken ct) =>
        Task.FromResult(new GatewayResult(GatewayOutcome.Approved, reference));

    public Task<GatewayResult> LookupAsync(string idempotencyKey, CancellationToken ct) =>
        Task.FromResult(new GatewayResult(GatewayOutcome.Pending, null));
}

public sealed class CountingGatewayFactory : OrderFactory
{
    public CountingGateway Gateway { get; } = new();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureTestServices(s => s.AddSingleton<IPaymentGateway>(Gateway));
    }
}

public sealed class RefundClaimTests(CountingGatewayFactory factory) : IClassFixture<CountingGatewayFactory>
{
    private readonly OrderKit _kit = new(factory);

    [Fact]
    public async Task Workers_racing_over_one_pending_refund_call_the_gateway_once()
    {
        var part = await _kit.Carts.PartAsync(stock: 5);
        var order = await PlacePaidAsync(factory.CreateUserClient(Guid.NewGuid()), "TX", (part, 1));
        var orderId = order.GetProperty("id").GetGuid();
        Guid refundId;
        await using (var scope = factory.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
            var refund = await PaymentRefunds.Request(db, orderId, 100, "test", "refund-" + Guid.NewGuid(), DateTime.UtcNow, Ct);
            await db.SaveChangesAsync(Ct);
            refundId = refund!.Id;
        }

        var before = factory.Gateway.Refunds;
        var outcomes = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(async () =>
        {
            await using var scope = factory.Services.CreateAsyncScope();
            return await scope.ServiceProvider.GetRequiredService<PaymentRefunds>().ProcessAsync(refundId, Ct);
        }, Ct)));

        Assert.Equal(1, factory.Gateway.Refunds - before);
        Assert.Contains(RefundStatus.Succeeded, outcomes);
        var stored = await _kit.DbAsync(db => db.Set<PaymentRefund>().AsNoTracking().FirstAsync(r => r.Id == refundId, Ct));
        Assert.Equal(RefundStatus.Succeeded, stored.Status);
    }
}
