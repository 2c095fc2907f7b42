using System.Net;
using System.Text.Json;
using Axle.Tests.Carts;
using Axle.Tests.Infrastructure;
using static Axle.Tests.Promotions.PromotionKit;

namespace Axle.Tests.Promotions;

/// <summary>With <see cref="CartFactory"/>'s rules: US 5 %; shipping 5.00 + 1.50/kg, free from 500.00.</summary>
public sealed class CartPromotionTests(CartFactory factory) : IClassFixture<CartFactory>
{
    private readonly PromotionKit _kit = new(factory);

    [Fact]
    public async Task A_percentage_code_in_any_case_takes_its_discount_before_tax()
    {
        var part = await _kit.Carts.PartAsync(priceMinor: 10000, weightGrams: 1000);
        var code = Code();
        await _kit.CreateAsync(code, t => t["percentOff"] = 12.5m);
        var userId = Guid.NewGuid();
        var client = factory.CreateUserClient(userId);
        await CartKit.AddOkAsync(client, userId, part.Id, 2);
        await (await CartKit.WriteAsync(client, HttpMethod.Put, userId, "/shipping-address", new { country = "US" }))
            .AssertJsonAsync(HttpStatusCode.OK);

        var response = await ApplyAsync(client, userId, $" {code.ToLowerInvariant()} ");
        var cart = await response.AssertJsonAsync(HttpStatusCode.OK);
        var (read, etag) = await CartKit.GetAsync(client, userId);

        // 200.00 − 25.00 = 175.00; tax 5 % = 8.75; shipping 5.00 + 2 × 1.50 = 8.00.
        Assert.Equal((200m, 25m, 8.75m, 8m, 191.75m),
            (Total(cart, "subtotal"), Total(cart, "discount"), Total(cart, "tax"), Total(cart, "shipping"), Total(cart, "total")));
        Assert.Equal(code, Promotion(cart).GetProperty("code").GetString());
        Assert.True(Promotion(cart).GetProperty("applied").GetBoolean());
        Assert.Equal(25m, CartKit.Amount(Promotion(cart).GetProperty("discount")));
        Assert.Equal(response.Headers.ETag!.ToString(), etag);
        Assert.Equal(25m, Total(read, "discount"));
        Assert.Equal(code, (await _kit.Carts.CartInDbAsync(userId))!.PromotionCode);
    }

    [Fact]
    public async Task A_fixed_code_is_capped_at_the_eligible_lines_of_its_brand()
    {
        var brand = await _kit.Carts.Catalog.BrandAsync();
        var other = await _kit.Carts.Catalog.BrandAsync("Other " + _kit.Carts.Catalog.Tag);
        var category = await _kit.Carts.Catalog.CategoryAsync("Filters");
        var cheap = await _kit.PartAsync(brand, category, 800);
        var pricey = await _kit.PartAsync(other, category, 9000);
        var code = Code();
        await _kit.CreateAsync(code, t =>
        {
            t["kind"] = "fixed";
            t["percentOff"] = null;
            t["amountOff"] = Usd(20m);
            t["brandIds"] = new[] { brand.Id };
        });
        var userId = Guid.NewGuid();
        var client = factory.CreateUserClient(userId);
        await CartKit.AddOkAsync(client, userId, pricey.Id, 1);

        await (await ApplyAsync(client, userId, code)).AssertProblemAsync(HttpStatusCode.BadRequest, "promotion_not_applicable");
        await CartKit.AddOkAsync(client, userId, cheap.Id, 1);
        var cart = await (await ApplyAsync(client, userId, code)).AssertJsonAsync(HttpStatusCode.OK);

        Assert.Equal((98m, 8m, 90m), (Total(cart, "subtotal"), Total(cart, "discount"), Total(cart, "subtotal") - Total(cart, "discount")));
    }

    [Fact]
    public async Task A_category_restriction_covers_its_sub_categories()
    {
        var brand = await _kit.Carts.Catalog.BrandAsync();
        var brakes = await _kit.Carts.Catalog.CategoryAsync("Brakes");
        var pads = await _kit.Carts.Catalog.CategoryAsync("Pads", brakes.Id);
        var wipers = await _kit.Carts.Catalog.CategoryAsync("Wipers");
        var pad = await _kit.PartAsync(brand, pads, 4000);
        var wiper = await _kit.PartAsync(brand, wipers, 2000);
        var code = Code();
        await _kit.CreateAsync(code, t =>
        {
            t["percentOff"] = 50m;
            t["categoryIds"] = new[] { brakes.Id };
        });
        var userId = Guid.NewGuid();
        var client = factory.CreateUserClient(userId);
        await CartKit.AddOkAsync(client, userId, pad.Id, 1);
        await CartKit.AddOkAsync(client, userId, wiper.Id, 1);

        var cart = await (await ApplyAsync(client, userId, code)).AssertJsonAsync(HttpStatusCode.OK);

        Assert.Equal((60m, 20m), (Total(cart, "subtotal"), Total(cart, "discount")));
    }

    [Fact]
    public async Task Codes_that_do_not_apply_are_400_with_their_code_and_leave_the_cart_unchanged()
    {
        var part = await _kit.Carts.PartAsync(priceMinor: 5000);
        var now = DateTime.UtcNow;
        var expired = Code();
        var future = Code();
        var minimum = Code();
        var personal = Code();
        var inactive = Code();
        await _kit.CreateAsync(expired, t => (t["startsAt"], t["endsAt"]) = (now.AddDays(-10), now.AddDays(-1)));
        await _kit.CreateAsync(future, t => t["startsAt"] = now.AddDays(1));
        await _kit.CreateAsync(minimum, t => t["minSubtotal"] = Usd(50.01m));
        await _kit.CreateAsync(personal, t => t["personalized"] = true);
        await _kit.CreateAsync(inactive, t => t["active"] = false);
        var userId = Guid.NewGuid();
        var client = factory.CreateUserClient(userId);
        await CartKit.AddOkAsync(client, userId, part.Id, 1);

        foreach (var (code, problem) in new[]
        {
            (expired, "promotion_expired"), (future, "promotion_not_started"), (minimum, "promotion_minimum_not_met"),
            (personal, "promotion_not_assigned"), (inactive, "promotion_inactive"), ("NO-SUCH-CODE", "promotion_not_found"),
            (new string('A', 60), "promotion_not_found"),
        })
        {
            var body = await (await ApplyAsync(client, userId, code)).AssertProblemAsync(HttpStatusCode.BadRequest, problem);
            Assert.Equal($"https://axle.example/problems/{problem.Replace('_', '-')}", body.GetProperty("type").GetString());
        }

        await (await ApplyAsync(client, userId, "")).AssertProblemAsync(HttpStatusCode.BadRequest, "validation_failed");
        await (await ApplyAsync(client, userId, new string('A', 65))).AssertProblemAsync(HttpStatusCode.BadRequest, "validation_failed");
        var (cart, _) = await CartKit.GetAsync(client, userId);
        Assert.Equal(JsonValueKind.Null, Promotion(cart).ValueKind);
        Assert.Equal(0m, Total(cart, "discount"));
        Assert.Null((await _kit.Carts.CartInDbAsync(userId))!.PromotionCode);
    }

    [Fact]
    public async Task A_code_that_stops_applying_stays_on_the_cart_without_discount_until_removed()
    {
        var part = await _kit.Carts.PartAsync(priceMinor: 10000);
        var code = Code();
        await _kit.CreateAsync(code, t => t["minSubtotal"] = Usd(150m));
        var userId = Guid.NewGuid();
        var client = factory.CreateUserClient(userId);
        var added = await CartKit.AddOkAsync(client, userId, part.Id, 2);
        await (await ApplyAsync(client, userId, code)).AssertJsonAsync(HttpStatusCode.OK);
        var itemId = CartKit.Line(added, part.Id).GetProperty("id").GetGuid();

        var shrunk = await (await CartKit.WriteAsync(client, HttpMethod.Patch, userId, $"/items/{itemId}", new { quantity = 1 }))
            .AssertJsonAsync(HttpStatusCode.OK);

        Assert.False(Promotion(shrunk).GetProperty("applied").GetBoolean());
        Assert.Equal("promotion_minimum_not_met", Promotion(shrunk).GetProperty("reason").GetString());
        Assert.Equal((0m, 0m), (CartKit.Amount(Promotion(shrunk).GetProperty("discount")), Total(shrunk, "discount")));
        await (await CartKit.SendAsync(client, HttpMethod.Delete, CartKit.CartUrl(userId) + "/promotions", null, null))
            .AssertProblemAsync(HttpStatusCode.PreconditionRequired);
        var removed = await (await CartKit.WriteAsync(client, HttpMethod.Delete, userId, "/promotions", null)).AssertJsonAsync(HttpStatusCode.OK);
        Assert.Equal(JsonValueKind.Null, Promotion(removed).ValueKind);
        Assert.Null((await _kit.Carts.CartInDbAsync(userId))!.PromotionCode);
    }

    [Fact]
    public async Task Another_customers_cart_is_404_and_staff_may_apply_a_code()
    {
        var part = await _kit.Carts.PartAsync(priceMinor: 3000);
        var code = Code();
        await _kit.CreateAsync(code);
        var owner = Guid.NewGuid();
        var ownerClient = factory.CreateUserClient(owner);
        await CartKit.AddOkAsync(ownerClient, owner, part.Id, 1);
        var stranger = factory.CreateUserClient();

        await (await ApplyAsync(stranger, owner, code)).AssertProblemAsync(HttpStatusCode.NotFound);
        await (await CartKit.SendAsync(stranger, HttpMethod.Delete, CartKit.CartUrl(owner) + "/promotions", null, "*"))
            .AssertProblemAsync(HttpStatusCode.NotFound);
        await (await ApplyAsync(factory.CreateClient(), owner, code)).AssertProblemAsync(HttpStatusCode.Unauthorized);
        var byStaff = await (await ApplyAsync(_kit.Admin, owner, code)).AssertJsonAsync(HttpStatusCode.OK);
        Assert.Equal(3m, Total(byStaff, "discount"));
    }
}
