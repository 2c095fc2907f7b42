using System.Net;
using Axle.Api.Features.Promotions;
using Axle.Tests.Carts;
using Axle.Tests.Infrastructure;
using Axle.Tests.Orders;
using Axle.Tests.Promotions;
using Microsoft.EntityFrameworkCore;

namespace Axle.Tests.Security;

/// <summary>The order app with small business caps: two unpaid orders per customer, three parts per cart.</summary>
public sealed class BusinessCapsFactory : OrderFactory
{
    protected override IDictionary<string, string?> Overrides => new Dictionary<string, string?>(base.Overrides)
    {
        ["Orders:MaxPendingPerCustomer"] = "2",
        ["Carts:MaxLines"] = "3",
    };
}

/// <summary>
/// OWASP API6:2023 Unrestricted Access to Sensitive Business Flows: a script cannot hoard a scarce part (at most 99 units
/// of a part per order, however the lines are split, and a cap on unpaid orders, each of which holds stock), cannot replay
/// a one-use promotion code, and cannot spam a cart with the catalog. Each refusal is a 4xx problem that changes nothing.
/// </summary>
public sealed class Api06SensitiveBusinessFlowTests(BusinessCapsFactory factory) : IClassFixture<BusinessCapsFactory>
{
    private readonly OrderKit _orders = new(factory);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Unpaid_checkouts_that_hold_a_scarce_part_are_capped_per_customer_with_a_409()
    {
        var part = await _orders.Carts.PartAsync(stock: 10);
        var (hoarder, user) = await factory.CreateCustomerAsync();
        for (var i = 0; i < 2; i++)
        {
            var held = await OrderKit.PlaceOkAsync(hoarder, OrderKit.Body(part.Id, 3, "tok_timeout"), HttpStatusCode.Accepted);
            Assert.Equal("pending_payment", held.GetProperty("status").GetString());
        }

        var third = await OrderKit.PlaceAsync(hoarder, OrderKit.Body(part.Id, 3, "tok_timeout"));

        var problem = await third.AssertProblemAsync(HttpStatusCode.Conflict, "too_many_pending_orders");
        Assert.Equal(2, problem.GetProperty("maxPendingOrders").GetInt32());
        Assert.Equal(2, await _orders.OrderCountAsync(user.Id));
        Assert.Equal((10, 6), await _orders.StockAsync(part.Id));

        // Another customer still buys what is left; the cap is the hoarder's alone.
        var other = await factory.CreateCustomerClientAsync();
        await OrderKit.PlaceOkAsync(other, OrderKit.Body(part.Id, 4));
        Assert.Equal((10, 10), await _orders.StockAsync(part.Id));
    }

    [Fact]
    public async Task Paying_or_cancelling_an_unpaid_order_frees_its_place_under_the_cap()
    {
        var part = await _orders.Carts.PartAsync(stock: 10);
        var (customer, _) = await factory.CreateCustomerAsync();
        var first = await OrderKit.PlaceOkAsync(customer, OrderKit.Body(part.Id, 1, "tok_timeout"), HttpStatusCode.Accepted);
        await OrderKit.PlaceOkAsync(customer, OrderKit.Body(part.Id, 1, "tok_timeout"), HttpStatusCode.Accepted);
        await (await OrderKit.PlaceAsync(customer, OrderKit.Body(part.Id, 1))).AssertProblemAsync(HttpStatusCode.Conflict, "too_many_pending_orders");

        var cancel = await customer.PostAsync($"{OrderKit.OrdersUrl}/{first.GetProperty("id").GetGuid()}/cancel", null, Ct);
        await cancel.AssertJsonAsync(HttpStatusCode.OK);

        await OrderKit.PlaceOkAsync(customer, OrderKit.Body(part.Id, 1));
    }

    [Fact]
    public async Task One_order_may_not_take_more_than_99_of_a_part_however_its_lines_are_split()
    {
        var part = await _orders.Carts.PartAsync(stock: 500);
        var (customer, user) = await factory.CreateCustomerAsync();

        var split = await OrderKit.PlaceAsync(customer, new
        {
            items = new[] { new { partId = part.Id, quantity = 60 }, new { partId = part.Id, quantity = 60 } },
            shippingAddress = OrderKit.Address(),
            payment = new { method = "card", token = "tok_visa" },
        });

        await split.AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.Equal(0, await _orders.OrderCountAsync(user.Id));
        Assert.Equal((500, 0), await _orders.StockAsync(part.Id));
    }

    [Fact]
    public async Task A_one_use_promotion_code_cannot_be_replayed_by_the_same_customer_or_used_past_its_limit()
    {
        var promotions = new PromotionKit(factory);
        var part = await _orders.Carts.PartAsync(priceMinor: 10_000, stock: 20);
        var code = PromotionKit.Code("ONCE");
        var promotion = PromotionKit.Id(await promotions.CreateAsync(code, t =>
        {
            t["maxPerCustomer"] = 1;
            t["maxRedemptions"] = 2;
        }));
        var (first, firstUser) = await factory.CreateCustomerAsync();

        await OrderKit.PlaceOkAsync(first, WithCode(part.Id, code));
        var replay = await OrderKit.PlaceAsync(first, WithCode(part.Id, code));
        var replayInCart = await CartKit.WriteAsync(first, HttpMethod.Post, firstUser.Id, "/promotions", new { code });

        await replay.AssertProblemAsync(HttpStatusCode.BadRequest, PromotionRefusals.CustomerLimit);
        await replayInCart.AssertProblemAsync(HttpStatusCode.BadRequest, PromotionRefusals.CustomerLimit);
        Assert.Equal(1, await _orders.OrderCountAsync(firstUser.Id));

        await OrderKit.PlaceOkAsync(await factory.CreateCustomerClientAsync(), WithCode(part.Id, code));
        var (third, thirdUser) = await factory.CreateCustomerAsync();
        var exhausted = await OrderKit.PlaceAsync(third, WithCode(part.Id, code));

        await exhausted.AssertProblemAsync(HttpStatusCode.BadRequest, PromotionRefusals.Exhausted);
        Assert.Equal(0, await _orders.OrderCountAsync(thirdUser.Id));
        Assert.Equal(2, await _orders.DbAsync(db => db.Set<Promotion>().Where(p => p.Id == promotion).Select(p => p.RedemptionCount).SingleAsync(Ct)));
    }

    [Fact]
    public async Task A_cart_holds_a_bounded_number_of_parts_and_units_and_spam_past_it_is_refused_without_change()
    {
        var (customer, user) = await factory.CreateCustomerAsync();
        var parts = new List<Api.Features.Catalog.Part>();
        for (var i = 0; i < 4; i++)
        {
            parts.Add(await _orders.Carts.PartAsync(stock: 200));
        }

        for (var i = 0; i < 3; i++)
        {
            await CartKit.AddOkAsync(customer, user.Id, parts[i].Id, 1);
        }

        var fourth = await CartKit.AddAsync(customer, user.Id, parts[3].Id, 1);
        var tooMany = await CartKit.AddAsync(customer, user.Id, parts[0].Id, 99);

        await fourth.AssertProblemAsync(HttpStatusCode.Conflict, "cart_full");
        await tooMany.AssertProblemAsync(HttpStatusCode.Conflict, "cart_quantity_limit");
        var cart = (await _orders.Carts.CartInDbAsync(user.Id))!;
        Assert.Equal(3, cart.Items.Count);
        Assert.All(cart.Items, item => Assert.Equal(1, item.Quantity));
    }

    private static object WithCode(long partId, string code) => new
    {
        items = new[] { new { partId, quantity = 1 } },
        shippingAddress = OrderKit.Address(),
        payment = new { method = "card", token = "tok_visa" },
        promotionCode = code,
    };
}
