using System.Net;
using Axle.Api.Features.Catalog;
using Axle.Api.Platform.Data;
using Axle.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Axle.Tests.Vehicles;

public sealed class VinDecodeTests(AxleFactory factory) : IClassFixture<AxleFactory>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_valid_vin_is_decoded_with_the_catalog_vehicles_its_pattern_matches()
    {
        var vehicles = await VehicleSeed.AddAsync(factory, Ct,
            new Vehicle(2003, "Honda", "Accord", "EX", "3.0L V6", null),
            new Vehicle(2004, "Honda", "Accord", "EX", "3.0L V6", null));
        await using (var scope = factory.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
            db.Add(new VinPattern("1HGCM826", 2003, vehicles[0].Id));
            db.Add(new VinPattern("1HGCM826", 2004, vehicles[1].Id));
            await db.SaveChangesAsync(Ct);
        }

        var response = await factory.CreateClient().GetAsync("/api/v1/vehicles/vin/1hgcm82633a004352", Ct);

        var body = await response.AssertJsonAsync(HttpStatusCode.OK);
        Assert.Equal("1HGCM82633A004352", body.GetProperty("vin").GetString());
        Assert.Equal("1HG", body.GetProperty("wmi").GetString());
        Assert.Equal("Honda", body.GetProperty("make").GetString());
        Assert.Equal(2003, body.GetProperty("modelYear").GetInt32());
        Assert.Equal("3", body.GetProperty("checkDigit").GetString());
        Assert.Equal("A", body.GetProperty("plantCode").GetString());
        Assert.Equal("004352", body.GetProperty("serialNumber").GetString());
        Assert.False(string.IsNullOrEmpty(body.GetProperty("region").GetString()));
        var match = Assert.Single(body.GetProperty("vehicles").EnumerateArray());
        Assert.Equal(vehicles[0].Id, match.GetProperty("id").GetInt32());
        Assert.Equal("Accord", match.GetProperty("model").GetString());
        Assert.Equal("3.0L V6", match.GetProperty("engine").GetString());
        Assert.NotNull(response.Headers.ETag);
    }

    [Fact]
    public async Task A_valid_vin_the_catalog_does_not_know_has_no_vehicles()
    {
        var response = await factory.CreateClient().GetAsync("/api/v1/vehicles/vin/1M8GDM9AXKP042788", Ct);

        var body = await response.AssertJsonAsync(HttpStatusCode.OK);
        Assert.Equal(1989, body.GetProperty("modelYear").GetInt32());
        Assert.Empty(body.GetProperty("vehicles").EnumerateArray());
    }

    [Theory]
    [InlineData("1HGCM82643A004352", "invalid_check_digit")]
    [InlineData("1HGCM82633A00435", "invalid_length")]
    [InlineData("1HGCM82633AOO4352", "invalid_characters")]
    [InlineData("1HGCM82633A00435!", "invalid_characters")]
    public async Task An_invalid_vin_gets_400_naming_the_reason(string vin, string reason)
    {
        var response = await factory.CreateClient().GetAsync("/api/v1/vehicles/vin/" + Uri.EscapeDataString(vin), Ct);

        var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest, "invalid_vin");
        Assert.Contains(reason, problem.GetProperty("reasons").EnumerateArray().Select(r => r.GetString()));
        Assert.NotEmpty(problem.GetProperty("errors").GetProperty("vin").EnumerateArray());
    }
}

/// <summary>A database of its own: its many vehicles for one VIN pattern must not meet the other VIN tests.</summary>
public sealed class VinDecodeBoundTests(AxleFactory factory) : IClassFixture<AxleFactory>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_vin_that_matches_more_vehicles_than_an_answer_lists_shows_the_first_ones_and_says_so()
    {
        var make = VehicleSeed.UniqueMake();
        var vehicles = await VehicleSeed.AddAsync(factory, Ct, [.. Enumerable.Range(0, Api.Features.Vehicles.DecodeVin.MaxVehicles + 1)
            .Select(i => new Vehicle(2003, make, "Accord", $"Trim {i:D3}", "3.0L V6", null))]);
        await using (var scope = factory.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
            db.AddRange(vehicles.Select(v => new VinPattern("1HGCM826", 2003, v.Id)));
            await db.SaveChangesAsync(Ct);
        }

        await CatalogCache.InvalidateAsync(factory.Services, Ct);
        var response = await factory.CreateClient().GetAsync("/api/v1/vehicles/vin/1HGCM82633A004352", Ct);

        var body = await response.AssertJsonAsync(HttpStatusCode.OK);
        var ids = body.GetProperty("vehicles").EnumerateArray().Select(v => v.GetProperty("id").GetInt32()).ToList();
        Assert.Equal(Api.Features.Vehicles.DecodeVin.MaxVehicles, ids.Count);
        Assert.True(body.GetProperty("vehiclesTruncated").GetBoolean());
        Assert.DoesNotContain(vehicles.Max(v => v.Id), ids);
    }
}
