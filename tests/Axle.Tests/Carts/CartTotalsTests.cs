using System.Net;
using System.Text.Json;
using Axle.Tests.Infrastructure;
using static Axle.Tests.Carts.CartKit;

namespace Axle.Tests.Carts;

/// <summary>With <see cref="CartFactory"/>'s rules: US 5 %, US-TX 8.25 %; shipping 5.00 + 1.50/kg, free from 500.00, hazmat +10.00.</summary>
public sealed class CartTotalsTests(CartFactory factory) : IClassFixture<CartFactory>
{
    private readonly CartKit _kit = new(factory);

    private static decimal Total(JsonElement cart, string name) => Amount(cart.GetProperty("totals").GetProperty(name));

    [Fact]
    public async Task Totals_use_the_regional_tax_rate_weight_based_shipping_and_core_charges()
    {
        var rotors = await _kit.PartAsync(priceMinor: 10000, weightGrams: 1500);
        var battery = await _kit.PartAsync(priceMinor: 1999, coreCharge: 1500, hazmat: true);
        var userId = Guid.NewGuid();
        var client = factory.CreateUserClient(userId);
        await AddOkAsync(client, userId, rotors.Id, 2);
        var noDestination = await AddOkAsync(client, userId, battery.Id, 1);

        var texas = await (await WriteAsync(client, HttpMethod.Put, userId, "/shipping-address", new { country = "us", region = "tx" }))
            .AssertJsonAsync(HttpStatusCode.OK);
        var oregon = await (await WriteAsync(client, HttpMethod.Put, userId, "/shipping-address", new { country = "US", region = "OR" }))
            .AssertJsonAsync(HttpStatusCode.OK);
        var germany = await (await WriteAsync(client, HttpMethod.Put, userId, "/shipping-address", new { country = "DE" }))
            .AssertJsonAsync(HttpStatusCode.OK);

        // 2 × 100.00 + 19.99; 3,000 g + 1,000 g (no weight: the default) = 4 kg → 5.00 + 4 × 1.50 + 10.00 hazmat.
        Assert.Equal((219.99m, 0m, 0m, 21.00m, 15.00m, 255.99m),
            (Total(noDestination, "subtotal"), Total(noDestination, "discount"), Total(noDestination, "tax"), Total(noDestination, "shipping"),
                Total(noDestination, "coreCharges"), Total(noDestination, "total")));
        Assert.Null(noDestination.GetProperty("estimate").GetProperty("taxJurisdiction").GetString());
        Assert.Equal(4, noDestination.GetProperty("estimate").GetProperty("billedKilograms").GetInt32());
        // 219.99 × 8.25 % = 18.149175 → 18.15
        Assert.Equal((18.15m, 274.14m), (Total(texas, "tax"), Total(texas, "total")));
        Assert.Equal("US-TX", texas.GetProperty("estimate").GetProperty("taxJurisdiction").GetString());
        // 219.99 × 5 % = 10.9995 → 11.00
        Assert.Equal((11.00m, 266.99m), (Total(oregon, "tax"), Total(oregon, "total")));
        Assert.Equal(0m, Total(germany, "tax"));
        var line = Line(texas, battery.Id);
        Assert.Equal(15.00m, Amount(line.GetProperty("coreCharge")));
        Assert.True(line.GetProperty("hazmat").GetBoolean());
        Assert.True(texas.GetProperty("containsHazmat").GetBoolean());
        Assert.False(Line(texas, rotors.Id).GetProperty("hazmat").GetBoolean());
        Assert.Equal(JsonValueKind.Null, Line(texas, rotors.Id).GetProperty("coreCharge").ValueKind);
        var stored = (await _kit.CartInDbAsync(userId))!;
        Assert.Equal(("DE", null), (stored.ShipCountry, stored.ShipRegion));
    }

    [Fact]
    public async Task Merchandise_from_the_threshold_ships_free_and_clearing_the_destination_drops_the_tax()
    {
        var engine = await _kit.PartAsync(priceMinor: 50000, weightGrams: 40000);
        var userId = Guid.NewGuid();
        var client = factory.CreateUserClient(userId);
        await AddOkAsync(client, userId, engine.Id, 1);
        await (await WriteAsync(client, HttpMethod.Put, userId, "/shipping-address", new { country = "US" })).AssertJsonAsync(HttpStatusCode.OK);

        var (taxed, _) = await GetAsync(client, userId);
        var cleared = await (await WriteAsync(client, HttpMethod.Delete, userId, "/shipping-address", null)).AssertJsonAsync(HttpStatusCode.OK);

        Assert.Equal((0m, 25.00m, 525.00m), (Total(taxed, "shipping"), Total(taxed, "tax"), Total(taxed, "total")));
        Assert.True(taxed.GetProperty("estimate").GetProperty("freeShipping").GetBoolean());
        Assert.Equal((0m, 500.00m), (Total(cleared, "tax"), Total(cleared, "total")));
        Assert.Null((await _kit.CartInDbAsync(userId))!.ShipCountry);
    }

    [Fact]
    public async Task A_bad_country_is_400_and_a_write_without_if_match_is_428()
    {
        var userId = Guid.NewGuid();
        var client = factory.CreateUserClient(userId);
        await GetAsync(client, userId);

        await (await WriteAsync(client, HttpMethod.Put, userId, "/shipping-address", new { country = "USA" }))
            .AssertProblemAsync(HttpStatusCode.BadRequest, "validation_failed");
        await (await SendAsync(client, HttpMethod.Put, CartUrl(userId) + "/shipping-address", new { country = "US" }, null))
            .AssertProblemAsync((HttpStatusCode)428, "precondition_required");
        Assert.Null((await _kit.CartInDbAsync(userId))!.ShipCountry);
    }
}
