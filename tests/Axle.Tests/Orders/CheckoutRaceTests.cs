using System.Net;
using Axle.Tests.Infrastructure;
using static Axle.Tests.Orders.OrderKit;

namespace Axle.Tests.Orders;

public sealed class CheckoutRaceTests(OrderFactory factory) : IClassFixture<OrderFactory>
{
    private readonly OrderKit _kit = new(factory);

    [Fact]
    public async Task Concurrent_checkouts_of_a_scarce_part_never_oversell()
    {
        const int Stock = 5;
        const int Buyers = 16;
        var part = await _kit.Carts.PartAsync(stock: Stock);
        var clients = Enumerable.Range(0, Buyers).Select(_ => factory.CreateUserClient(Guid.NewGuid())).ToList();

        var responses = await Task.WhenAll(clients.Select(c => PlaceAsync(c, Body(part.Id, 1))));

        var statuses = responses.Select(r => r.StatusCode).ToList();
        Assert.Equal(Stock, statuses.Count(s => s == HttpStatusCode.Created));
        Assert.Equal(Buyers - Stock, statuses.Count(s => s == HttpStatusCode.Conflict));
        foreach (var refused in responses.Where(r => r.StatusCode == HttpStatusCode.Conflict))
        {
            Assert.Equal("insufficient_stock", Text(await refused.AssertProblemAsync(HttpStatusCode.Conflict), "code"));
        }

        Assert.Equal((Stock, Stock), await _kit.StockAsync(part.Id));
        await _kit.Carts.Inventory.AssertLedgerMatchesAsync(part.Id);
    }
}
