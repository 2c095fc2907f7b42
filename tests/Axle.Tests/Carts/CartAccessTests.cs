using System.Net;
using Axle.Api.Platform.Security;
using Axle.Tests.Infrastructure;
using static Axle.Tests.Carts.CartKit;

namespace Axle.Tests.Carts;

public sealed class CartAccessTests(CartFactory factory) : IClassFixture<CartFactory>
{
    private readonly CartKit _kit = new(factory);

    [Fact]
    public async Task The_owner_gets_an_empty_cart_started_on_first_read_and_the_same_cart_afterwards()
    {
        var userId = Guid.NewGuid();
        var owner = factory.CreateUserClient(userId);

        var (first, etag) = await GetAsync(owner, userId);
        var (second, _) = await GetAsync(owner, userId);

        Assert.Equal(first.GetProperty("id").GetGuid(), second.GetProperty("id").GetGuid());
        Assert.Equal(userId, first.GetProperty("userId").GetGuid());
        Assert.Empty(first.GetProperty("items").EnumerateArray());
        Assert.Equal(0m, Amount(first.GetProperty("totals").GetProperty("total")));
        Assert.Equal("USD", first.GetProperty("totals").GetProperty("total").GetProperty("currency").GetString());
        Assert.StartsWith("\"", etag, StringComparison.Ordinal);
        var stored = await _kit.CartInDbAsync(userId);
        Assert.NotNull(stored);
        Assert.Equal(first.GetProperty("id").GetGuid(), stored.Id);
    }

    [Fact]
    public async Task Another_customer_gets_404_for_every_cart_operation_and_nothing_changes()
    {
        var part = await _kit.PartAsync();
        var ownerId = Guid.NewGuid();
        var owner = factory.CreateUserClient(ownerId);
        var added = await AddOkAsync(owner, ownerId, part.Id, 1);
        var itemId = added.GetProperty("items")[0].GetProperty("id").GetGuid();
        var (_, etag) = await GetAsync(owner, ownerId);
        var stranger = factory.CreateUserClient(Guid.NewGuid());

        await (await stranger.GetAsync(CartUrl(ownerId), Ct)).AssertProblemAsync(HttpStatusCode.NotFound, "not_found");
        await (await AddAsync(stranger, ownerId, part.Id, 1)).AssertProblemAsync(HttpStatusCode.NotFound);
        await (await SendAsync(stranger, HttpMethod.Patch, $"{CartUrl(ownerId)}/items/{itemId}", new { quantity = 5 }, etag))
            .AssertProblemAsync(HttpStatusCode.NotFound);
        await (await SendAsync(stranger, HttpMethod.Delete, $"{CartUrl(ownerId)}/items/{itemId}", null, etag))
            .AssertProblemAsync(HttpStatusCode.NotFound);
        await (await SendAsync(stranger, HttpMethod.Put, $"{CartUrl(ownerId)}/shipping-address", new { country = "US" }, etag))
            .AssertProblemAsync(HttpStatusCode.NotFound);

        var stored = await _kit.CartInDbAsync(ownerId);
        var line = Assert.Single(stored!.Items);
        Assert.Equal(1, line.Quantity);
        Assert.Null(stored.ShipCountry);
    }

    [Fact]
    public async Task Staff_read_and_change_a_customers_cart_but_never_start_one()
    {
        var part = await _kit.PartAsync();
        var ownerId = Guid.NewGuid();
        var owner = factory.CreateUserClient(ownerId);
        var staff = factory.CreateUserClient(Guid.NewGuid(), Roles.OrderManager);
        var noCartYet = Guid.NewGuid();

        await (await staff.GetAsync(CartUrl(noCartYet), Ct)).AssertProblemAsync(HttpStatusCode.NotFound);
        await AddOkAsync(owner, ownerId, part.Id, 2);
        var (cart, _) = await GetAsync(staff, ownerId);
        await AddOkAsync(staff, ownerId, part.Id, 1);

        Assert.Equal(2, Line(cart, part.Id).GetProperty("quantity").GetInt32());
        Assert.Null(await _kit.CartInDbAsync(noCartYet));
        Assert.Equal(3, Assert.Single((await _kit.CartInDbAsync(ownerId))!.Items).Quantity);
    }

    [Fact]
    public async Task Anonymous_callers_get_401()
    {
        var anonymous = factory.CreateClient();

        await (await anonymous.GetAsync(CartUrl(Guid.NewGuid()), Ct)).AssertProblemAsync(HttpStatusCode.Unauthorized);
        await (await AddAsync(anonymous, Guid.NewGuid(), 1, 1)).AssertProblemAsync(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Two_first_reads_at_once_start_one_cart()
    {
        var userId = Guid.NewGuid();
        var owner = factory.CreateUserClient(userId);

        var carts = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => GetAsync(owner, userId)));

        Assert.Single(carts.Select(c => c.Cart.GetProperty("id").GetGuid()).Distinct());
    }
}
