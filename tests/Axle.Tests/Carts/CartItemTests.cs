using System.Net;
using Axle.Api.Features.Catalog;
using Axle.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using static Axle.Tests.Carts.CartKit;

namespace Axle.Tests.Carts;

public sealed class CartItemTests(CartFactory factory) : IClassFixture<CartFactory>
{
    private readonly CartKit _kit = new(factory);

    private (Guid Id, HttpClient Client) Customer()
    {
        var id = Guid.NewGuid();
        return (id, factory.CreateUserClient(id));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(100)]
    public async Task A_quantity_outside_1_to_99_is_400_and_adds_nothing(int quantity)
    {
        var part = await _kit.PartAsync(stock: 200);
        var (id, client) = Customer();

        var problem = await (await AddAsync(client, id, part.Id, quantity)).AssertProblemAsync(HttpStatusCode.BadRequest, "validation_failed");

        Assert.True(problem.GetProperty("errors").TryGetProperty("quantity", out _));
        Assert.Empty((await _kit.CartInDbAsync(id))?.Items ?? []);
    }

    [Fact]
    public async Task An_unknown_part_is_404_and_a_discontinued_one_409()
    {
        var part = await _kit.PartAsync();
        await _kit.WithDbAsync(db => db.Set<Part>().Where(p => p.Id == part.Id)
            .ExecuteUpdateAsync(s => s.SetProperty(p => p.Status, PartStatus.Discontinued), Ct));
        var (id, client) = Customer();

        await (await AddAsync(client, id, 987_654_321, 1)).AssertProblemAsync(HttpStatusCode.NotFound, "part_not_found");
        await (await AddAsync(client, id, part.Id, 1)).AssertProblemAsync(HttpStatusCode.Conflict, "part_discontinued");
        Assert.Empty((await _kit.CartInDbAsync(id))?.Items ?? []);
    }

    [Fact]
    public async Task Adding_a_part_again_adds_to_its_line_up_to_99()
    {
        var part = await _kit.PartAsync(priceMinor: 1250, stock: 200);
        var (id, client) = Customer();

        var created = await AddAsync(client, id, part.Id, 60);
        var body = await created.AssertJsonAsync(HttpStatusCode.Created);
        var full = await AddOkAsync(client, id, part.Id, 39);
        var over = await (await AddAsync(client, id, part.Id, 1)).AssertProblemAsync(HttpStatusCode.Conflict, "cart_quantity_limit");

        Assert.Equal($"/api/v1/carts/{id}", created.Headers.Location?.ToString());
        Assert.NotNull(created.Headers.ETag);
        Assert.Equal(60, Line(body, part.Id).GetProperty("quantity").GetInt32());
        var line = Line(full, part.Id);
        Assert.Equal(99, line.GetProperty("quantity").GetInt32());
        Assert.Equal(12.50m, Amount(line.GetProperty("unitPrice")));
        Assert.Equal(1237.50m, Amount(line.GetProperty("lineTotal")));
        Assert.Equal(99, over.GetProperty("maxQuantity").GetInt32());
        var stored = Assert.Single((await _kit.CartInDbAsync(id))!.Items);
        Assert.Equal((part.Id, 99, 1250L, "USD"), (stored.PartId, stored.Quantity, stored.UnitPriceMinor, stored.Currency));
    }

    [Fact]
    public async Task More_than_available_is_409_with_the_available_quantity_and_in_stock_alternatives()
    {
        var shortPart = await _kit.PartAsync(priceMinor: 4000, stock: 2, partNumber: "SHORT-" + _kit.Catalog.Tag);
        var interchangeable = await _kit.PartAsync(priceMinor: 3800, stock: 5, partNumber: "OEM-" + _kit.Catalog.Tag);
        var superseding = await _kit.PartAsync(priceMinor: 4200, stock: 3);
        var soldOut = await _kit.PartAsync(stock: 0);
        await _kit.Catalog.AddRangeAsync([
            new Interchange(shortPart.Id, "OEM-" + _kit.Catalog.Tag, "OEM", InterchangeKind.Oem),
            new Interchange(soldOut.Id, "SHORT-" + _kit.Catalog.Tag, null, InterchangeKind.Aftermarket),
            new Supersession(shortPart.PartNumber, shortPart.Id, superseding.Id, null, null),
        ]);
        var (id, client) = Customer();

        var problem = await (await AddAsync(client, id, shortPart.Id, 3)).AssertProblemAsync(HttpStatusCode.Conflict, "insufficient_stock");

        Assert.Equal(2, problem.GetProperty("availableQuantity").GetInt32());
        Assert.Equal(3, problem.GetProperty("requestedQuantity").GetInt32());
        var alternatives = problem.GetProperty("alternatives").EnumerateArray()
            .ToDictionary(a => a.GetProperty("partId").GetInt64());
        Assert.Equal([interchangeable.Id, superseding.Id], alternatives.Keys.Order());
        Assert.Equal(5, alternatives[interchangeable.Id].GetProperty("availableQuantity").GetInt32());
        Assert.Equal("interchange", alternatives[interchangeable.Id].GetProperty("relation").GetString());
        Assert.Equal(interchangeable.PartNumber, alternatives[interchangeable.Id].GetProperty("partNumber").GetString());
        Assert.Equal(38.00m, Amount(alternatives[interchangeable.Id].GetProperty("price")));
        Assert.Equal("supersedes", alternatives[superseding.Id].GetProperty("relation").GetString());
        Assert.Empty((await _kit.CartInDbAsync(id))?.Items ?? []);

        // Two fit; when stock later drops below the line (a reservation takes one), the cart shows it short with alternatives.
        await AddOkAsync(client, id, shortPart.Id, 2);
        await (await Inventory.InventoryKit.ReserveAsync(_kit.Inventory.Manager, (shortPart, 1))).AssertJsonAsync(HttpStatusCode.Created);
        var line = Line((await GetAsync(client, id)).Cart, shortPart.Id);
        Assert.False(line.GetProperty("inStock").GetBoolean());
        Assert.Equal(1, line.GetProperty("available").GetInt32());
        Assert.Equal(2, line.GetProperty("alternatives").GetArrayLength());
    }

    [Fact]
    public async Task Patch_and_delete_need_a_current_if_match_and_change_the_line()
    {
        var part = await _kit.PartAsync(stock: 20);
        var (id, client) = Customer();
        var added = await AddOkAsync(client, id, part.Id, 2);
        var itemId = Line(added, part.Id).GetProperty("id").GetGuid();
        var url = $"{CartUrl(id)}/items/{itemId}";
        var (_, etag) = await GetAsync(client, id);

        await (await SendAsync(client, HttpMethod.Patch, url, new { quantity = 5 }, null)).AssertProblemAsync((HttpStatusCode)428);
        await (await SendAsync(client, HttpMethod.Patch, url, new { quantity = 5 }, "\"stale\"")).AssertProblemAsync(HttpStatusCode.PreconditionFailed);
        await (await SendAsync(client, HttpMethod.Patch, url, new { quantity = 100 }, etag)).AssertProblemAsync(HttpStatusCode.BadRequest);
        await (await SendAsync(client, HttpMethod.Patch, url, new { quantity = 21 }, etag)).AssertProblemAsync(HttpStatusCode.Conflict, "insufficient_stock");
        var patched = await SendAsync(client, HttpMethod.Patch, url, new { quantity = 5 }, etag);
        var body = await patched.AssertJsonAsync(HttpStatusCode.OK);
        Assert.Equal(5, Line(body, part.Id).GetProperty("quantity").GetInt32());
        Assert.Equal(5, Assert.Single((await _kit.CartInDbAsync(id))!.Items).Quantity);

        // The old ETag is spent by the change.
        await (await SendAsync(client, HttpMethod.Delete, url, null, etag)).AssertProblemAsync(HttpStatusCode.PreconditionFailed);
        var deleted = await SendAsync(client, HttpMethod.Delete, url, null, patched.Headers.ETag!.ToString());
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        Assert.Empty((await _kit.CartInDbAsync(id))!.Items);
        await (await WriteAsync(client, HttpMethod.Delete, id, $"/items/{itemId}", null)).AssertProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Reading_the_cart_reprices_lines_whose_catalog_price_changed_and_keeps_the_snapshot()
    {
        var steady = await _kit.PartAsync(priceMinor: 1000);
        var moving = await _kit.PartAsync(priceMinor: 2000);
        var (id, client) = Customer();
        await AddOkAsync(client, id, steady.Id, 1);
        await AddOkAsync(client, id, moving.Id, 2);

        await _kit.WithDbAsync(db => db.Set<Part>().Where(p => p.Id == moving.Id)
            .ExecuteUpdateAsync(s => s.SetProperty(p => p.PriceMinor, 2250), Ct));
        var (cart, _) = await GetAsync(client, id);

        var line = Line(cart, moving.Id);
        Assert.True(line.GetProperty("priceChanged").GetBoolean());
        Assert.Equal(22.50m, Amount(line.GetProperty("unitPrice")));
        Assert.Equal(20.00m, Amount(line.GetProperty("previousUnitPrice")));
        Assert.Equal(45.00m, Amount(line.GetProperty("lineTotal")));
        Assert.False(Line(cart, steady.Id).GetProperty("priceChanged").GetBoolean());
        Assert.True(cart.GetProperty("priceChanged").GetBoolean());
        Assert.Equal(55.00m, Amount(cart.GetProperty("totals").GetProperty("subtotal")));
        var stored = (await _kit.CartInDbAsync(id))!.Items.Single(i => i.PartId == moving.Id);
        Assert.Equal(2000, stored.UnitPriceMinor);
    }

    [Fact]
    public async Task Concurrent_adds_to_one_cart_lose_no_units()
    {
        var part = await _kit.PartAsync(stock: 90);
        var others = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => _kit.PartAsync(stock: 90)));
        var (id, client) = Customer();
        await GetAsync(client, id);

        var responses = await Task.WhenAll(
            Enumerable.Range(0, 8).Select(_ => AddAsync(client, id, part.Id, 2))
                .Concat(others.Select(o => AddAsync(client, id, o.Id, 1))));

        Assert.All(responses, r => Assert.True(r.StatusCode is HttpStatusCode.Created or HttpStatusCode.PreconditionFailed,
            $"unexpected {(int)r.StatusCode}"));
        var stored = (await _kit.CartInDbAsync(id))!;
        var addedSame = responses.Take(8).Count(r => r.StatusCode == HttpStatusCode.Created);
        Assert.Equal(addedSame * 2, stored.Items.SingleOrDefault(i => i.PartId == part.Id)?.Quantity ?? 0);
        foreach (var (other, response) in others.Zip(responses.Skip(8)))
        {
            Assert.Equal(response.StatusCode == HttpStatusCode.Created ? 1 : 0, stored.Items.Count(i => i.PartId == other.Id));
        }

        Assert.True(addedSame >= 1);
    }
}
