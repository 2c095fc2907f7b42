using System.Net;
using System.Net.Http.Json;
using Axle.Api.Features.Identity;
using Axle.Api.Platform.Data;
using Axle.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Axle.Tests.Identity;

public sealed class ProfileTests(AxleFactory factory) : IClassFixture<AxleFactory>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static readonly object Address = new
    {
        name = "Ada Lovelace", line1 = "12 Crank St", line2 = (string?)null, city = "Detroit", region = "MI",
        postalCode = "48201", country = "us", phone = "+1 313 555 0100",
    };

    [Fact]
    public async Task Me_returns_the_profile_without_secrets()
    {
        var (client, user) = await factory.CreateCustomerAsync();

        var response = await client.GetAsync("/api/v1/users/me", Ct);

        var body = await response.AssertJsonAsync(HttpStatusCode.OK);
        Assert.Equal(user.Id, body.GetProperty("id").GetGuid());
        Assert.Equal(user.Email, body.GetProperty("email").GetString());
        Assert.Equal(["customer"], body.GetProperty("roles").EnumerateArray().Select(r => r.GetString()));
        Assert.Equal("no-store", response.Headers.CacheControl?.ToString());
        var text = body.ToString();
        Assert.DoesNotContain("hash", text, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(user.Password, text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Me_has_an_etag_that_answers_304_and_guards_patch_against_stale_copies()
    {
        var (client, _) = await factory.CreateCustomerAsync();
        var first = await client.GetAsync("/api/v1/users/me", Ct);
        var etag = first.Headers.ETag!.Tag;

        using var conditional = new HttpRequestMessage(HttpMethod.Get, "/api/v1/users/me");
        conditional.Headers.TryAddWithoutValidation("If-None-Match", etag);
        var notModified = await client.SendAsync(conditional, Ct);
        Assert.Equal(HttpStatusCode.NotModified, notModified.StatusCode);

        using var patch = new HttpRequestMessage(HttpMethod.Patch, "/api/v1/users/me") { Content = JsonContent.Create(new { name = "Renamed" }) };
        patch.Headers.TryAddWithoutValidation("If-Match", etag);
        var patched = await client.SendAsync(patch, Ct);
        Assert.Equal(HttpStatusCode.OK, patched.StatusCode);
        Assert.NotEqual(etag, patched.Headers.ETag!.Tag);

        using var stale = new HttpRequestMessage(HttpMethod.Patch, "/api/v1/users/me") { Content = JsonContent.Create(new { name = "Lost update" }) };
        stale.Headers.TryAddWithoutValidation("If-Match", etag);
        await (await client.SendAsync(stale, Ct)).AssertProblemAsync(HttpStatusCode.PreconditionFailed, "precondition_failed");
        var me = await (await client.GetAsync("/api/v1/users/me", Ct)).AssertJsonAsync(HttpStatusCode.OK);
        Assert.Equal("Renamed", me.GetProperty("name").GetString());
    }

    [Fact]
    public async Task Patch_me_changes_name_phone_and_default_addresses()
    {
        var (client, user) = await factory.CreateCustomerAsync();
        var versionBefore = await VersionOfAsync(user.Id);

        var response = await client.PatchAsJsonAsync("/api/v1/users/me",
            new { name = "Ada King", phone = "+44 20 7946 0000", defaultShippingAddress = Address }, Ct);

        var body = await response.AssertJsonAsync(HttpStatusCode.OK);
        Assert.Equal("Ada King", body.GetProperty("name").GetString());
        Assert.Equal("US", body.GetProperty("defaultShippingAddress").GetProperty("country").GetString());
        Assert.Equal(System.Text.Json.JsonValueKind.Null, body.GetProperty("defaultBillingAddress").ValueKind);
        var again = await (await client.GetAsync("/api/v1/users/me", Ct)).AssertJsonAsync(HttpStatusCode.OK);
        Assert.Equal("+44 20 7946 0000", again.GetProperty("phone").GetString());
        Assert.Equal("48201", again.GetProperty("defaultShippingAddress").GetProperty("postalCode").GetString());

        await using var scope = factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        var stored = await db.Set<User>().AsNoTracking().SingleAsync(u => u.Id == user.Id, Ct);
        Assert.Equal("Detroit", stored.DefaultShippingAddress!.City);
        Assert.Null(stored.DefaultBillingAddress);
        Assert.Equal(versionBefore + 1, stored.Version);
    }

    [Fact]
    public async Task Patch_me_with_an_invalid_address_names_the_field()
    {
        var client = await factory.CreateCustomerClientAsync();

        var response = await client.PatchAsJsonAsync("/api/v1/users/me", new
        {
            defaultBillingAddress = new { name = "A", line1 = "1 Road", city = "Paris", region = "IDF", postalCode = "75001", country = "XX" },
        }, Ct);

        var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest, "validation_failed");
        Assert.True(problem.GetProperty("errors").TryGetProperty("defaultBillingAddress.country", out _), problem.ToString());
    }

    [Fact]
    public async Task Anonymous_me_is_a_401_problem()
    {
        var response = await factory.CreateClient().GetAsync("/api/v1/users/me", Ct);

        await response.AssertProblemAsync(HttpStatusCode.Unauthorized);
    }

    private async Task<long> VersionOfAsync(Guid userId)
    {
        await using var scope = factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        return await db.Set<User>().Where(u => u.Id == userId).Select(u => u.Version).SingleAsync(Ct);
    }
}
