using System.Net;
using Axle.Api.Features.Inventory;
using Axle.Api.Features.Webhooks;
using Axle.Api.Platform.Http;
using Axle.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Axle.Tests.Webhooks;

/// <summary>A DNS server under an attacker's control: answers a public address until told to answer loopback.</summary>
public sealed class RebindingResolver : IHostAddressResolver
{
    public volatile string Address = "93.184.216.34";

    public Task<IPAddress[]> ResolveAsync(string host, CancellationToken ct) => Task.FromResult(new[] { IPAddress.Parse(Address) });
}

/// <summary>The default guard (no allow-list) with the attacker's DNS.</summary>
public sealed class RebindingFactory : AxleFactory
{
    public RebindingResolver Resolver { get; } = new();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureTestServices(services => services.Replace(ServiceDescriptor.Singleton<IHostAddressResolver>(Resolver)));
    }
}

public sealed class WebhookRebindingTests(RebindingFactory factory) : IClassFixture<RebindingFactory>
{
    private readonly WebhookKit _kit = new(factory);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_host_that_resolves_to_loopback_after_it_was_saved_is_refused_at_connect_and_dead_lettered()
    {
        await _kit.ResetAsync();
        await using var receiver = await WebhookReceiver.StartAsync();
        factory.Resolver.Address = "93.184.216.34";
        var subscription = await _kit.SubscribeAsync($"https://hooks.rebind.test:{receiver.BaseUrl.Port}/x", StockLedger.ChangedEvent);

        factory.Resolver.Address = "127.0.0.1";
        await _kit.StockEventAsync();
        await _kit.RelayAsync();
        Assert.Equal(1, await _kit.SendAsync());

        Assert.Empty(receiver.Received);
        var delivery = Assert.Single(await _kit.DeliveriesAsync(subscription.Id));
        Assert.Equal(WebhookDeliveryStatus.Failed, delivery.Status);
        Assert.Contains("loopback", delivery.LastError);
        var letters = await _kit.Admin.GetAsync($"/api/v1/dead-letters?source=webhook_delivery&reference={delivery.Id}", Ct);
        var letter = Assert.Single((await letters.AssertJsonAsync(HttpStatusCode.OK)).GetProperty("items").EnumerateArray());
        Assert.Equal("url_refused", letter.GetProperty("code").GetString());
    }
}
