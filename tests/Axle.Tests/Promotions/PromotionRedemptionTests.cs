using System.Net;
using Axle.Tests.Carts;
using Axle.Tests.Infrastructure;
using static Axle.Tests.Promotions.PromotionKit;

namespace Axle.Tests.Promotions;

/// <summary><see cref="Axle.Api.Features.Promotions.PromotionEngine"/>'s counters under parallel checkouts, each in its own scope and transaction.</summary>
public sealed class PromotionRedemptionTests(CartFactory factory) : IClassFixture<CartFactory>
{
    private const int Attempts = 12;
    private readonly PromotionKit _kit = new(factory);

    [Fact]
    public async Task Parallel_redemptions_never_exceed_the_global_limit()
    {
        var promotion = Id(await _kit.CreateAsync(Code(), t => t["maxRedemptions"] = 3));

        var results = await Task.WhenAll(Enumerable.Range(0, Attempts)
            .Select(_ => Task.Run(() => _kit.RedeemAsync(promotion, Guid.NewGuid(), Guid.NewGuid()), Ct)));

        Assert.Equal(3, results.Count(r => r));
        var (global, _, rows) = await _kit.CountersAsync(promotion, Guid.Empty);
        Assert.Equal((3, 3), (global, rows));
    }

    [Fact]
    public async Task Parallel_redemptions_by_one_customer_never_exceed_the_per_customer_limit()
    {
        var promotion = Id(await _kit.CreateAsync(Code(), t => t["maxPerCustomer"] = 2));
        var customer = Guid.NewGuid();

        var results = await Task.WhenAll(Enumerable.Range(0, Attempts)
            .Select(_ => Task.Run(() => _kit.RedeemAsync(promotion, customer, Guid.NewGuid()), Ct)));

        Assert.Equal(2, results.Count(r => r));
        Assert.Equal((2, 2, 2), await _kit.CountersAsync(promotion, customer));
        Assert.True(await _kit.RedeemAsync(promotion, Guid.NewGuid(), Guid.NewGuid()));
    }

    [Fact]
    public async Task Redeeming_an_order_twice_counts_once_and_releasing_it_gives_the_use_back_once()
    {
        var created = await _kit.CreateAsync(Code(), t => (t["maxRedemptions"], t["maxPerCustomer"]) = (1, 1));
        var promotion = Id(created);
        var customer = Guid.NewGuid();
        var order = Guid.NewGuid();

        Assert.True(await _kit.RedeemAsync(promotion, customer, order));
        Assert.True(await _kit.RedeemAsync(promotion, customer, order));
        Assert.False(await _kit.RedeemAsync(promotion, customer, Guid.NewGuid()));
        Assert.Equal((1, 1, 1), await _kit.CountersAsync(promotion, customer));
        var stored = await _kit.RedemptionAsync(promotion, order);
        Assert.Equal((customer, 100L), (stored.UserId, stored.AmountMinor));
        Assert.InRange(stored.RedeemedAt, DateTime.UtcNow.AddMinutes(-5), DateTime.UtcNow.AddMinutes(1));

        // A used-up code is refused when a cart applies it.
        var part = await _kit.Carts.PartAsync(priceMinor: 2000);
        var client = factory.CreateUserClient(customer);
        await CartKit.AddOkAsync(client, customer, part.Id, 1);
        await (await ApplyAsync(client, customer, created.GetProperty("code").GetString()!))
            .AssertProblemAsync(HttpStatusCode.BadRequest, "promotion_exhausted");

        await _kit.ReleaseAsync(order);
        await _kit.ReleaseAsync(order);
        Assert.Equal((0, 0, 0), await _kit.CountersAsync(promotion, customer));
        await (await ApplyAsync(client, customer, created.GetProperty("code").GetString()!)).AssertJsonAsync(HttpStatusCode.OK);
        Assert.True(await _kit.RedeemAsync(promotion, customer, Guid.NewGuid()));
    }

    [Fact]
    public async Task An_unknown_promotion_is_never_redeemed()
    {
        Assert.False(await _kit.RedeemAsync(Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid()));
    }
}
