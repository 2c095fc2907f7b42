using System.Net;
using Axle.Api.Features.Payments;
using Axle.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using static Axle.Tests.Orders.OrderKit;

namespace Axle.Tests.Orders;

/// <summary>A gateway that approves only when the test lets it, so a checkout can be held in flight.</summary>
public sealed class GatedGateway : IPaymentGateway
{
    private readonly TaskCompletionSource _gate = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public TaskCompletionSource Entered { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public string Name => "gated";

    public void Open() => _gate.TrySetResult();

    public async Task<GatewayResult> AuthorizeAsync(ChargeRequest request, CancellationToken ct)
    {
        Entered.TrySetResult();
        await _gate.Task.WaitAsync(TimeSpan.FromSeconds(30), ct);
        return new GatewayResult(GatewayOutcome.Approved, "pi_gated_" + request.IdempotencyKey);
    }

    public Task<GatewayResult> CaptureAsync(string reference, long amountMinor, string idempotencyKey, CancellationToken ct) =>
        Task.FromResult(new GatewayResult(GatewayOutcome.Approved, reference));

    public Task<GatewayResult> RefundAsync(string reference, long amountMinor, string idempotencyKey, CancellationToken ct) =>
        Task.FromResult(new GatewayResult(GatewayOutcome.Approved, "re_gated"));

    public Task<GatewayResult> VoidAsync(string reference, string idempotencyKey, CancellationToken ct) =>
        Task.FromResult(new GatewayResult(GatewayOutcome.Approved, reference));

    public Task<GatewayResult> LookupAsync(string idempotencyKey, CancellationToken ct) =>
        Task.FromResult(new GatewayResult(GatewayOutcome.Pending, null));
}

public sealed class GatedOrderFactory : OrderFactory
{
    public GatedGateway Gateway { get; } = new();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureTestServices(s => s.AddSingleton<IPaymentGateway>(Gateway));
    }
}

public sealed class CheckoutInFlightTests(GatedOrderFactory factory) : IClassFixture<GatedOrderFactory>
{
    private readonly OrderKit _kit = new(factory);

    [Fact]
    public async Task A_retry_while_the_first_checkout_is_still_running_is_a_409_and_never_a_second_order()
    {
        var part = await _kit.Carts.PartAsync(stock: 5);
        var userId = Guid.NewGuid();
        var customer = factory.CreateUserClient(userId);
        var key = Guid.NewGuid().ToString();
        var body = Body(part.Id, 1);

        var first = PlaceAsync(customer, body, key);
        await factory.Gateway.Entered.Task.WaitAsync(TimeSpan.FromSeconds(30), Ct);
        var retry = await PlaceAsync(customer, body, key);
        factory.Gateway.Open();
        var placed = await (await first).AssertJsonAsync(HttpStatusCode.Created);
        var replay = await (await PlaceAsync(customer, body, key)).AssertJsonAsync(HttpStatusCode.Created);

        var problem = await retry.AssertProblemAsync(HttpStatusCode.Conflict);
        Assert.Equal("idempotency_key_in_use", Text(problem, "code"));
        Assert.Equal(placed.GetProperty("id").GetGuid(), replay.GetProperty("id").GetGuid());
        Assert.Equal(1, await _kit.OrderCountAsync(userId));
        Assert.Equal((5, 1), await _kit.StockAsync(part.Id));
    }
}
