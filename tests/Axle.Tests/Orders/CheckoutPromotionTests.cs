using System.Net;
using Axle.Api.Features.Orders;
using Axle.Api.Features.Promotions;
using Axle.Tests.Infrastructure;
using Axle.Tests.Promotions;
using Microsoft.EntityFrameworkCore;
using static Axle.Tests.Orders.OrderKit;

namespace Axle.Tests.Orders;

public sealed class CheckoutPromotionTests(OrderFactory factory) : IClassFixture<OrderFactory>
{
    private readonly OrderKit _kit = new(factory);
    private readonly PromotionKit _promotions = new(factory);

    private static object WithCode(long partId, int quantity, string code, string token = "tok_visa") => new
    {
        items = new[] { new { partId, quantity } },
        shippingAddress = Address(),
        payment = new { method = "card", token },
        promotionCode = code,
    };

    private Task<int> RedemptionsAsync(Guid promotionId) =>
        _kit.DbAsync(db => db.Set<Promotion>().Where(p => p.Id == promotionId).Select(p => p.RedemptionCount).SingleAsync(Ct));

    [Fact]
    public async Task A_promotion_code_discounts_the_order_before_tax_and_counts_one_use()
    {
        var part = await _kit.Carts.PartAsync(priceMinor: 10000, stock: 5, weightGrams: 1000);
        var code = PromotionKit.Code();
        var promotion = PromotionKit.Id(await _promotions.CreateAsync(code));
        var customer = factory.CreateUserClient(Guid.NewGuid());

        var order = await PlaceOkAsync(customer, WithCode(part.Id, 2, code.ToLowerInvariant()));

        // 200.00 − 10 % = 180.00; tax 5 % of 180 = 9.00; shipping 5 + 1.5 × 2 = 8.00; total 197.00.
        Assert.Equal(20.00m, Amount(order, "discount"));
        Assert.Equal(9.00m, Amount(order, "tax"));
        Assert.Equal(197.00m, Amount(order, "total"));
        Assert.Equal(code, Text(order, "promotionCode"));
        Assert.Equal(1, await RedemptionsAsync(promotion));
    }

    [Fact]
    public async Task A_code_that_does_not_apply_is_a_400_and_nothing_is_ordered()
    {
        var part = await _kit.Carts.PartAsync(priceMinor: 1000, stock: 5);
        var code = PromotionKit.Code();
        await _promotions.CreateAsync(code, t => t["minSubtotal"] = PromotionKit.Usd(500m));
        var userId = Guid.NewGuid();
        var customer = factory.CreateUserClient(userId);

        var minimum = await (await PlaceAsync(customer, WithCode(part.Id, 1, code))).AssertProblemAsync(HttpStatusCode.BadRequest);
        var unknown = await (await PlaceAsync(customer, WithCode(part.Id, 1, "NOSUCHCODE"))).AssertProblemAsync(HttpStatusCode.BadRequest);

        Assert.Equal(PromotionRefusals.MinimumNotMet, Text(minimum, "code"));
        Assert.Equal(PromotionRefusals.NotFound, Text(unknown, "code"));
        Assert.Equal(0, await _kit.OrderCountAsync(userId));
        Assert.Equal((5, 0), await _kit.StockAsync(part.Id));
    }

    [Fact]
    public async Task A_global_limit_holds_under_concurrent_checkouts_and_losers_keep_their_stock()
    {
        const int Limit = 2;
        const int Buyers = 8;
        var part = await _kit.Carts.PartAsync(priceMinor: 1000, stock: 50);
        var code = PromotionKit.Code();
        var promotion = PromotionKit.Id(await _promotions.CreateAsync(code, t => t["maxRedemptions"] = Limit));
        var clients = Enumerable.Range(0, Buyers).Select(_ => factory.CreateUserClient(Guid.NewGuid())).ToList();

        var responses = await Task.WhenAll(clients.Select(c => PlaceAsync(c, WithCode(part.Id, 1, code))));

        Assert.Equal(Limit, responses.Count(r => r.StatusCode == HttpStatusCode.Created));
        foreach (var refused in responses.Where(r => r.StatusCode != HttpStatusCode.Created))
        {
            var problem = await refused.AssertProblemAsync(refused.StatusCode);
            Assert.Equal(PromotionRefusals.Exhausted, Text(problem, "code"));
            Assert.Contains(refused.StatusCode, new[] { HttpStatusCode.BadRequest, HttpStatusCode.Conflict });
        }

        Assert.Equal(Limit, await RedemptionsAsync(promotion));
        Assert.Equal((50, Limit), await _kit.StockAsync(part.Id));
        await _kit.Carts.Inventory.AssertLedgerMatchesAsync(part.Id);
    }

    [Fact]
    public async Task A_declined_payment_or_a_cancellation_gives_the_use_back()
    {
        var part = await _kit.Carts.PartAsync(priceMinor: 1000, stock: 10);
        var code = PromotionKit.Code();
        var promotion = PromotionKit.Id(await _promotions.CreateAsync(code, t => t["maxRedemptions"] = 1));
        var customer = factory.CreateUserClient(Guid.NewGuid());

        await (await PlaceAsync(customer, WithCode(part.Id, 1, code, "tok_declined"))).AssertProblemAsync(HttpStatusCode.PaymentRequired);
        var afterDecline = await RedemptionsAsync(promotion);
        var order = await PlaceOkAsync(customer, WithCode(part.Id, 1, code));
        var afterOrder = await RedemptionsAsync(promotion);
        await (await customer.PostAsync($"{OrdersUrl}/{order.GetProperty("id").GetGuid()}/cancel", Json("{}"), Ct)).AssertJsonAsync(HttpStatusCode.OK);

        Assert.Equal(0, afterDecline);
        Assert.Equal(1, afterOrder);
        Assert.Equal(0, await RedemptionsAsync(promotion));
        Assert.Equal(OrderStatus.Cancelled, (await _kit.OrderAsync(order.GetProperty("id").GetGuid()))!.Status);
    }
}
