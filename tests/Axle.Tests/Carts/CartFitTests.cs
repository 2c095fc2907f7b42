using System.Net;
using System.Net.Http.Json;
using Axle.Api.Features.Carts;
using Axle.Api.Features.Catalog;
using Axle.Tests.Infrastructure;
using Axle.Tests.Vehicles;
using static Axle.Tests.Carts.CartKit;

namespace Axle.Tests.Carts;

public sealed class CartFitTests(CartFactory factory) : IClassFixture<CartFactory>
{
    private readonly CartKit _kit = new(factory);

    private sealed record Setup(Part FitsY, Part FitsZ, Part NoData, string Make);

    /// <summary>Model Y and Model Z of a fresh make, 2018; one part fits each, one has no fitment data at all.</summary>
    private async Task<Setup> SetupAsync()
    {
        var make = VehicleSeed.UniqueMake();
        var y = await _kit.Catalog.VehicleAsync(2018, make, "Model Y");
        var z = await _kit.Catalog.VehicleAsync(2018, make, "Model Z");
        var fitsY = await _kit.PartAsync();
        var fitsZ = await _kit.PartAsync();
        var noData = await _kit.PartAsync();
        await _kit.Catalog.FitAsync(fitsY, y);
        await _kit.Catalog.FitAsync(fitsZ, z);
        return new Setup(fitsY, fitsZ, noData, make);
    }

    private static async Task AddAllAsync(HttpClient client, Guid userId, Setup s)
    {
        foreach (var part in new[] { s.FitsY, s.FitsZ, s.NoData })
        {
            await AddOkAsync(client, userId, part.Id, 1);
        }
    }

    private static string Fit(System.Text.Json.JsonElement cart, Part part) => Line(cart, part.Id).GetProperty("fits").GetString()!;

    [Fact]
    public async Task By_year_make_model_lines_fit_yes_no_or_unknown_and_clearing_the_vehicle_makes_all_unknown()
    {
        var s = await SetupAsync();
        var userId = Guid.NewGuid();
        var client = factory.CreateUserClient(userId);
        await AddAllAsync(client, userId, s);
        var (before, _) = await GetAsync(client, userId);

        var set = await WriteAsync(client, HttpMethod.Put, userId, "/vehicle", new { year = 2018, make = s.Make.ToLowerInvariant(), model = "model y" });
        var cart = await set.AssertJsonAsync(HttpStatusCode.OK);

        Assert.All(new[] { s.FitsY, s.FitsZ, s.NoData }, p => Assert.Equal(Fits.Unknown, Fit(before, p)));
        Assert.Equal(Fits.Yes, Fit(cart, s.FitsY));
        Assert.Equal(Fits.No, Fit(cart, s.FitsZ));
        Assert.Equal(Fits.Unknown, Fit(cart, s.NoData));
        Assert.Equal("ymm", cart.GetProperty("vehicle").GetProperty("source").GetString());
        var stored = (await _kit.CartInDbAsync(userId))!;
        Assert.Equal((CartVehicleSource.YearMakeModel, 2018, "model y"), (stored.VehicleSource!.Value, stored.VehicleYear!.Value, stored.VehicleModel!));

        var cleared = await (await WriteAsync(client, HttpMethod.Delete, userId, "/vehicle", null)).AssertJsonAsync(HttpStatusCode.OK);
        Assert.Equal(Fits.Unknown, Fit(cleared, s.FitsY));
        Assert.Null((await _kit.CartInDbAsync(userId))!.VehicleSource);
    }

    [Fact]
    public async Task By_vin_lines_are_checked_against_the_vehicle_its_pattern_names()
    {
        var s = await SetupAsync();
        var accord = await _kit.Catalog.VehicleAsync(2003, VehicleSeed.UniqueMake("Honda"), "Accord");
        var fitsAccord = await _kit.PartAsync();
        await _kit.Catalog.FitAsync(fitsAccord, accord);
        await _kit.Catalog.AddAsync(new VinPattern("1HGCM826", 2003, accord.Id));
        var userId = Guid.NewGuid();
        var client = factory.CreateUserClient(userId);
        await AddAllAsync(client, userId, s);
        await AddOkAsync(client, userId, fitsAccord.Id, 1);

        var cart = await (await WriteAsync(client, HttpMethod.Put, userId, "/vehicle", new { vin = " 1hgcm82633a004352 " }))
            .AssertJsonAsync(HttpStatusCode.OK);

        Assert.Equal(Fits.Yes, Fit(cart, fitsAccord));
        Assert.Equal(Fits.No, Fit(cart, s.FitsY));
        Assert.Equal(Fits.Unknown, Fit(cart, s.NoData));
        var vehicle = cart.GetProperty("vehicle");
        Assert.Equal(("vin", "1HGCM82633A004352", 2003, true),
            (vehicle.GetProperty("source").GetString(), vehicle.GetProperty("vin").GetString(), vehicle.GetProperty("year").GetInt32(),
                vehicle.GetProperty("identified").GetBoolean()));
        Assert.Equal("1HGCM82633A004352", (await _kit.CartInDbAsync(userId))!.VehicleVin);
    }

    [Fact]
    public async Task A_vin_the_catalog_has_no_pattern_for_leaves_every_fit_unknown()
    {
        var s = await SetupAsync();
        var userId = Guid.NewGuid();
        var client = factory.CreateUserClient(userId);
        await AddAllAsync(client, userId, s);

        var cart = await (await WriteAsync(client, HttpMethod.Put, userId, "/vehicle", new { vin = "1M8GDM9AXKP042788" }))
            .AssertJsonAsync(HttpStatusCode.OK);

        Assert.False(cart.GetProperty("vehicle").GetProperty("identified").GetBoolean());
        Assert.All(new[] { s.FitsY, s.FitsZ, s.NoData }, p => Assert.Equal(Fits.Unknown, Fit(cart, p)));
    }

    [Fact]
    public async Task An_invalid_vin_is_400_naming_the_reason_and_the_cart_keeps_no_vehicle()
    {
        var userId = Guid.NewGuid();
        var client = factory.CreateUserClient(userId);

        var problem = await (await WriteAsync(client, HttpMethod.Put, userId, "/vehicle", new { vin = "1HGCM82643A004352" }))
            .AssertProblemAsync(HttpStatusCode.BadRequest, "invalid_vin");
        var ambiguous = await WriteAsync(client, HttpMethod.Put, userId, "/vehicle", new { vin = "1HGCM82633A004352", year = 2003 });
        var incomplete = await WriteAsync(client, HttpMethod.Put, userId, "/vehicle", new { year = 2018, make = "Toyota" });

        Assert.Contains("invalid_check_digit", problem.GetProperty("reasons").EnumerateArray().Select(r => r.GetString()));
        await ambiguous.AssertProblemAsync(HttpStatusCode.BadRequest, "validation_failed");
        var missing = await incomplete.AssertProblemAsync(HttpStatusCode.BadRequest, "validation_failed");
        Assert.True(missing.GetProperty("errors").TryGetProperty("model", out _));
        Assert.Null((await _kit.CartInDbAsync(userId))!.VehicleSource);
    }

    [Fact]
    public async Task By_garage_vehicle_the_owners_saved_vehicle_is_used_and_another_customers_is_404()
    {
        var s = await SetupAsync();
        var (client, user) = await factory.CreateCustomerAsync();
        var (otherClient, _) = await factory.CreateCustomerAsync();
        var saved = await (await client.PostAsJsonAsync("/api/v1/users/me/vehicles",
            new { year = 2018, make = s.Make, model = "Model Z" }, Ct)).AssertJsonAsync(HttpStatusCode.Created);
        var othersVehicle = await (await otherClient.PostAsJsonAsync("/api/v1/users/me/vehicles",
            new { year = 2018, make = s.Make, model = "Model Y" }, Ct)).AssertJsonAsync(HttpStatusCode.Created);
        await AddAllAsync(client, user.Id, s);

        var foreign = await WriteAsync(client, HttpMethod.Put, user.Id, "/vehicle",
            new { garageVehicleId = othersVehicle.GetProperty("id").GetGuid() });
        var cart = await (await WriteAsync(client, HttpMethod.Put, user.Id, "/vehicle",
            new { garageVehicleId = saved.GetProperty("id").GetGuid() })).AssertJsonAsync(HttpStatusCode.OK);

        await foreign.AssertProblemAsync(HttpStatusCode.NotFound, "garage_vehicle_not_found");
        Assert.Equal(Fits.Yes, Fit(cart, s.FitsZ));
        Assert.Equal(Fits.No, Fit(cart, s.FitsY));
        Assert.Equal("garage", cart.GetProperty("vehicle").GetProperty("source").GetString());
        Assert.Equal(saved.GetProperty("id").GetGuid(), (await _kit.CartInDbAsync(user.Id))!.VehicleGarageId);
    }
}
