using System.Net;
using System.Net.Http.Json;
using Axle.Api.Platform.Security;
using Axle.Tests.Carts;
using Axle.Tests.Infrastructure;
using static Axle.Tests.Promotions.PromotionKit;

namespace Axle.Tests.Promotions;

public sealed class PromotionAdminTests(CartFactory factory) : IClassFixture<CartFactory>
{
    private readonly PromotionKit _kit = new(factory);

    [Fact]
    public async Task Create_stores_the_code_upper_case_and_a_duplicate_code_is_409()
    {
        var code = Code();
        var response = await _kit.Admin.PostAsJsonAsync(Url, Terms($"  {code.ToLowerInvariant()} ", t =>
        {
            t["kind"] = "fixed";
            t["percentOff"] = null;
            t["amountOff"] = Usd(15.50m);
            t["minSubtotal"] = Usd(100m);
            t["maxRedemptions"] = 10;
            t["maxPerCustomer"] = 1;
        }), Ct);
        var created = await response.AssertJsonAsync(HttpStatusCode.Created);

        Assert.Equal(code, created.GetProperty("code").GetString());
        Assert.Equal("fixed", created.GetProperty("kind").GetString());
        Assert.Equal(15.50m, CartKit.Amount(created.GetProperty("amountOff")));
        Assert.Equal(100m, CartKit.Amount(created.GetProperty("minSubtotal")));
        Assert.Equal((10, 0, 1), (created.GetProperty("maxRedemptions").GetInt32(), created.GetProperty("redemptionCount").GetInt32(),
            created.GetProperty("maxPerCustomer").GetInt32()));
        Assert.True(created.GetProperty("active").GetBoolean());
        Assert.NotNull(response.Headers.ETag);
        Assert.Equal($"{Url}/{Id(created)}", response.Headers.Location!.OriginalString);
        await (await _kit.Admin.PostAsJsonAsync(Url, Terms(code.ToLowerInvariant()), Ct))
            .AssertProblemAsync(HttpStatusCode.Conflict, "promotion_code_taken");
    }

    [Fact]
    public async Task Invalid_terms_are_400_with_an_error_per_field()
    {
        var problem = await (await _kit.Admin.PostAsJsonAsync(Url, new Dictionary<string, object?>
        {
            ["code"] = "x",
            ["name"] = "",
            ["kind"] = "percent",
            ["percentOff"] = 150m,
            ["minSubtotal"] = Usd(-1m),
            ["startsAt"] = "2026-02-01T00:00:00Z",
            ["endsAt"] = "2026-01-01T00:00:00Z",
            ["maxRedemptions"] = 0,
            ["brandIds"] = new[] { int.MaxValue },
        }, Ct)).AssertProblemAsync(HttpStatusCode.BadRequest, "validation_failed");

        var errors = problem.GetProperty("errors");
        foreach (var field in new[] { "code", "name", "percentOff", "minSubtotal.amount", "endsAt", "maxRedemptions", "brandIds" })
        {
            Assert.True(errors.TryGetProperty(field, out _), $"no error for {field}: {errors}");
        }

        var fixedInEuros = await (await _kit.Admin.PostAsJsonAsync(Url, Terms(Code(), t =>
        {
            t["kind"] = "fixed";
            t["percentOff"] = null;
            t["amountOff"] = new { amount = 5m, currency = "EUR" };
        }), Ct)).AssertProblemAsync(HttpStatusCode.BadRequest, "validation_failed");
        Assert.True(fixedInEuros.GetProperty("errors").TryGetProperty("amountOff.currency", out _));
        await (await _kit.Admin.PostAsJsonAsync(Url, Terms(Code(), t => t["kind"] = "bogus"), Ct))
            .AssertProblemAsync(HttpStatusCode.BadRequest, "validation_failed");
        await (await _kit.Admin.PostAsync(Url, new StringContent("{\"code\": 12, \"percentOff\": \"x\"", System.Text.Encoding.UTF8,
            "application/json"), Ct)).AssertProblemAsync(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Get_sends_an_etag_and_put_replaces_the_terms_only_with_a_current_if_match()
    {
        var created = await _kit.CreateAsync(Code());
        var url = $"{Url}/{Id(created)}";
        var get = await _kit.Admin.GetAsync(url, Ct);
        await get.AssertJsonAsync(HttpStatusCode.OK);
        var etag = get.Headers.ETag!.ToString();
        var cached = new HttpRequestMessage(HttpMethod.Get, url);
        cached.Headers.TryAddWithoutValidation("If-None-Match", etag);
        Assert.Equal(HttpStatusCode.NotModified, (await _kit.Admin.SendAsync(cached, Ct)).StatusCode);

        var brand = await _kit.Carts.Catalog.BrandAsync();
        var terms = Terms(created.GetProperty("code").GetString()!, t => (t["percentOff"], t["brandIds"]) = (25m, new[] { brand.Id }));
        await (await CartKit.SendAsync(_kit.Admin, HttpMethod.Put, url, terms, null))
            .AssertProblemAsync(HttpStatusCode.PreconditionRequired, "precondition_required");
        await (await CartKit.SendAsync(_kit.Admin, HttpMethod.Put, url, terms, "\"stale\""))
            .AssertProblemAsync(HttpStatusCode.PreconditionFailed, "precondition_failed");
        await (await CartKit.SendAsync(_kit.Admin, HttpMethod.Put, url, Terms(Code()), etag))
            .AssertProblemAsync(HttpStatusCode.BadRequest, "validation_failed");
        var replaced = await (await CartKit.SendAsync(_kit.Admin, HttpMethod.Put, url, terms, etag)).AssertJsonAsync(HttpStatusCode.OK);

        Assert.Equal(25m, replaced.GetProperty("percentOff").GetDecimal());
        Assert.Equal(2, replaced.GetProperty("version").GetInt64());
        var reread = await (await _kit.Admin.GetAsync(url, Ct)).AssertJsonAsync(HttpStatusCode.OK);
        Assert.Equal([brand.Id], reread.GetProperty("brandIds").EnumerateArray().Select(b => b.GetInt32()));
        Assert.Equal(25m, reread.GetProperty("percentOff").GetDecimal());
        await (await _kit.Admin.GetAsync($"{Url}/{Guid.NewGuid()}", Ct)).AssertProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task The_list_is_cursor_paginated_newest_first()
    {
        await _kit.CreateAsync(Code(), t => t["active"] = false);
        await _kit.CreateAsync(Code());
        var newest = await _kit.CreateAsync(Code(), t => t["active"] = false);

        var first = await _kit.Admin.GetAsync($"{Url}?limit=1&active=false", Ct);
        var page = await first.AssertJsonAsync(HttpStatusCode.OK);
        var next = page.GetProperty("nextCursor").GetString();
        var all = await (await _kit.Admin.GetAsync($"{Url}?limit=2", Ct)).AssertJsonAsync(HttpStatusCode.OK);

        Assert.Equal(Id(newest), Id(page.GetProperty("items")[0]));
        Assert.True(first.Headers.Contains("Link"));
        Assert.NotNull(next);
        Assert.Equal(2, all.GetProperty("items").GetArrayLength());
        await (await _kit.Admin.GetAsync($"{Url}?limit=-1", Ct)).AssertProblemAsync(HttpStatusCode.BadRequest);
        await (await _kit.Admin.GetAsync($"{Url}?cursor={next}", Ct)).AssertProblemAsync(HttpStatusCode.BadRequest, "cursor_mismatch");
    }

    [Fact]
    public async Task Delete_removes_an_unredeemed_promotion_and_only_deactivates_a_redeemed_one()
    {
        var unused = await _kit.CreateAsync(Code());
        var used = await _kit.CreateAsync(Code());
        Assert.True(await _kit.RedeemAsync(Id(used), Guid.NewGuid(), Guid.NewGuid()));

        await (await CartKit.SendAsync(_kit.Admin, HttpMethod.Delete, $"{Url}/{Id(unused)}", null, null))
            .AssertProblemAsync(HttpStatusCode.PreconditionRequired);
        var deleted = await CartKit.SendAsync(_kit.Admin, HttpMethod.Delete, $"{Url}/{Id(unused)}", null, "\"AAAAAAAAAAE\"");
        var deactivated = await (await CartKit.SendAsync(_kit.Admin, HttpMethod.Delete, $"{Url}/{Id(used)}", null, "\"AAAAAAAAAAE\""))
            .AssertJsonAsync(HttpStatusCode.OK);

        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        await (await _kit.Admin.GetAsync($"{Url}/{Id(unused)}", Ct)).AssertProblemAsync(HttpStatusCode.NotFound);
        Assert.False(deactivated.GetProperty("active").GetBoolean());
        Assert.Equal(1, deactivated.GetProperty("redemptionCount").GetInt32());
    }

    [Fact]
    public async Task Customers_get_403_and_anonymous_callers_401_on_every_admin_route()
    {
        var promotion = await _kit.CreateAsync(Code());
        var customer = factory.CreateUserClient();
        var anonymous = factory.CreateClient();
        var staff = factory.CreateUserClient(Roles.OrderManager);

        foreach (var client in new[] { customer, staff })
        {
            await (await client.GetAsync(Url, Ct)).AssertProblemAsync(HttpStatusCode.Forbidden);
            await (await client.PostAsJsonAsync(Url, Terms(Code()), Ct)).AssertProblemAsync(HttpStatusCode.Forbidden);
            await (await client.PostAsJsonAsync($"{Url}/{Id(promotion)}/assignments", new { userIds = new[] { Guid.NewGuid() } }, Ct))
                .AssertProblemAsync(HttpStatusCode.Forbidden);
        }

        await (await anonymous.GetAsync($"{Url}/{Id(promotion)}", Ct)).AssertProblemAsync(HttpStatusCode.Unauthorized);
        await (await anonymous.PostAsJsonAsync(Url, Terms(Code()), Ct)).AssertProblemAsync(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Assignments_by_user_id_and_by_garage_vehicle_reach_exactly_the_matching_customers()
    {
        var make = "Make" + Guid.NewGuid().ToString("N")[..8];
        var match = await _kit.UserAsync((2015, make, "Outback"));
        var wrongYear = await _kit.UserAsync((2019, make, "Outback"));
        var wrongModel = await _kit.UserAsync((2015, make, "Forester"));
        var byId = await _kit.UserAsync();
        var promotion = await _kit.CreateAsync(Code(), t => t["personalized"] = true);
        var url = $"{Url}/{Id(promotion)}/assignments";

        var garage = await (await _kit.Admin.PostAsJsonAsync(url + ":garage",
            new { make = make.ToUpperInvariant(), model = "outback", yearFrom = 2014, yearTo = 2016 }, Ct)).AssertJsonAsync(HttpStatusCode.OK);
        var users = await (await _kit.Admin.PostAsJsonAsync(url, new { userIds = new[] { byId, match } }, Ct))
            .AssertJsonAsync(HttpStatusCode.OK);

        Assert.Equal((1, 1), (garage.GetProperty("matched").GetInt32(), garage.GetProperty("assigned").GetInt32()));
        Assert.Equal((2, 1), (users.GetProperty("matched").GetInt32(), users.GetProperty("assigned").GetInt32()));
        await (await _kit.Admin.PostAsJsonAsync(url, new { userIds = new[] { Guid.NewGuid() } }, Ct))
            .AssertProblemAsync(HttpStatusCode.BadRequest, "validation_failed");
        await (await _kit.Admin.PostAsJsonAsync(url, new { userIds = Array.Empty<Guid>() }, Ct))
            .AssertProblemAsync(HttpStatusCode.BadRequest, "validation_failed");
        await (await _kit.Admin.PostAsJsonAsync(url + ":garage", new { model = "Outback" }, Ct))
            .AssertProblemAsync(HttpStatusCode.BadRequest, "validation_failed");
        await (await _kit.Admin.PostAsJsonAsync($"{Url}/{Guid.NewGuid()}/assignments:garage", new { make }, Ct))
            .AssertProblemAsync(HttpStatusCode.NotFound);

        var part = await _kit.Carts.PartAsync(priceMinor: 5000);
        var code = promotion.GetProperty("code").GetString()!;
        foreach (var (user, expected) in new[] { (match, true), (byId, true), (wrongYear, false), (wrongModel, false) })
        {
            var client = factory.CreateUserClient(user);
            await CartKit.AddOkAsync(client, user, part.Id, 1);
            var response = await ApplyAsync(client, user, code);
            if (expected)
            {
                await response.AssertJsonAsync(HttpStatusCode.OK);
            }
            else
            {
                await response.AssertProblemAsync(HttpStatusCode.BadRequest, "promotion_not_assigned");
            }
        }
    }
}
