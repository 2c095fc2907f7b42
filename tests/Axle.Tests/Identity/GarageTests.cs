using System.Net;
using System.Net.Http.Json;
using Axle.Api.Features.Identity;
using Axle.Api.Platform.Data;
using Axle.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Axle.Tests.Identity;

public sealed class GarageTests(AxleFactory factory) : IClassFixture<AxleFactory>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Adding_a_vehicle_with_the_token_of_a_user_that_no_longer_exists_is_a_401_problem()
    {
        // Found by the fuzzer: the garage row's owner was missing and the foreign key failed as a 500.
        var orphan = factory.CreateUserClient(Guid.NewGuid(), "customer");

        var response = await orphan.PostAsJsonAsync("/api/v1/users/me/vehicles", new { year = 2018, make = "Toyota", model = "Camry" }, Ct);

        await response.AssertProblemAsync(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Customer_adds_lists_and_deletes_garage_vehicles()
    {
        var (client, user) = await factory.CreateCustomerAsync();

        var camry = await client.PostAsJsonAsync("/api/v1/users/me/vehicles",
            new { year = 2018, make = "Toyota", model = "Camry", engine = "2.5L I4", nickname = "Daily" }, Ct);
        var byVin = await client.PostAsJsonAsync("/api/v1/users/me/vehicles", new { vin = " 1hgcm82633a004352 " }, Ct);

        var created = await camry.AssertJsonAsync(HttpStatusCode.Created);
        var vinBody = await byVin.AssertJsonAsync(HttpStatusCode.Created);
        Assert.Equal("1HGCM82633A004352", vinBody.GetProperty("vin").GetString());
        Assert.Equal(2003, vinBody.GetProperty("year").GetInt32());
        Assert.Equal("Honda", vinBody.GetProperty("make").GetString());
        var id = created.GetProperty("id").GetGuid();
        Assert.Equal($"/api/v1/users/me/vehicles/{id}", camry.Headers.Location?.ToString());

        var list = await (await client.GetAsync("/api/v1/users/me/vehicles", Ct)).AssertJsonAsync(HttpStatusCode.OK);
        Assert.Equal(2, list.GetProperty("items").GetArrayLength());
        Assert.Equal("Camry", list.GetProperty("items")[0].GetProperty("model").GetString());

        var delete = await client.DeleteAsync($"/api/v1/users/me/vehicles/{id}", Ct);
        Assert.Equal(HttpStatusCode.NoContent, delete.StatusCode);
        await using var scope = factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        var remaining = await db.Set<GarageVehicle>().Where(v => v.UserId == user.Id).ToListAsync(Ct);
        Assert.Equal("1HGCM82633A004352", Assert.Single(remaining).Vin);
    }

    [Fact]
    public async Task Another_users_vehicle_is_404_and_stays_put()
    {
        var owner = await factory.CreateCustomerClientAsync();
        var other = await factory.CreateCustomerClientAsync();
        var created = await (await owner.PostAsJsonAsync("/api/v1/users/me/vehicles",
            new { year = 2012, make = "Ford", model = "Focus" }, Ct)).AssertJsonAsync(HttpStatusCode.Created);
        var id = created.GetProperty("id").GetGuid();

        var get = await other.GetAsync($"/api/v1/users/me/vehicles/{id}", Ct);
        var delete = await other.DeleteAsync($"/api/v1/users/me/vehicles/{id}", Ct);
        var missing = await other.DeleteAsync($"/api/v1/users/me/vehicles/{Guid.NewGuid()}", Ct);

        var notYours = await delete.AssertProblemAsync(HttpStatusCode.NotFound, "not_found");
        var notThere = await missing.AssertProblemAsync(HttpStatusCode.NotFound, "not_found");
        await get.AssertProblemAsync(HttpStatusCode.NotFound, "not_found");
        Assert.Equal(notThere.GetProperty("detail").GetString(), notYours.GetProperty("detail").GetString());
        var otherList = await (await other.GetAsync("/api/v1/users/me/vehicles", Ct)).AssertJsonAsync(HttpStatusCode.OK);
        Assert.Equal(0, otherList.GetProperty("items").GetArrayLength());
        await using var scope = factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        Assert.True(await db.Set<GarageVehicle>().AnyAsync(v => v.Id == id, Ct));
    }

    [Theory]
    [InlineData(1899, "Ford", "Model T", null, "year")]
    [InlineData(3000, "Ford", "Focus", null, "year")]
    [InlineData(2015, null, "Focus", null, "make")]
    [InlineData(2015, "Ford", null, null, "model")]
    [InlineData(null, "Ford", "Focus", null, "year")]
    [InlineData(null, null, null, "1HGCM82633A00435", "vin")]
    [InlineData(null, null, null, "1HGCM82633AOO4352", "vin")]
    [InlineData(null, null, null, "1HGCM82643A004352", "vin")]
    public async Task Invalid_vehicles_are_400_naming_the_field(int? year, string? make, string? model, string? vin, string field)
    {
        var client = await factory.CreateCustomerClientAsync();

        var response = await client.PostAsJsonAsync("/api/v1/users/me/vehicles", new { year, make, model, vin }, Ct);

        var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest, "validation_failed");
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), problem.ToString());
    }

    [Fact]
    public async Task Clearing_the_garage_removes_only_the_callers_vehicles()
    {
        var (client, user) = await factory.CreateCustomerAsync();
        var (other, otherUser) = await factory.CreateCustomerAsync();
        await client.PostAsJsonAsync("/api/v1/users/me/vehicles", new { year = 2020, make = "Honda", model = "Civic" }, Ct);
        await other.PostAsJsonAsync("/api/v1/users/me/vehicles", new { year = 2020, make = "Honda", model = "Fit" }, Ct);

        var response = await client.DeleteAsync("/api/v1/users/me/vehicles", Ct);

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        await using var scope = factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        Assert.False(await db.Set<GarageVehicle>().AnyAsync(v => v.UserId == user.Id, Ct));
        Assert.True(await db.Set<GarageVehicle>().AnyAsync(v => v.UserId == otherUser.Id, Ct));
    }

    [Fact]
    public async Task Anonymous_garage_access_is_401()
    {
        var response = await factory.CreateClient().GetAsync("/api/v1/users/me/vehicles", Ct);

        await response.AssertProblemAsync(HttpStatusCode.Unauthorized);
    }
}
