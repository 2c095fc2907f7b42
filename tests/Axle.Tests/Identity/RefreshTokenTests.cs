using System.Net;
using System.Net.Http.Json;
using Axle.Api.Features.Identity;
using Axle.Api.Platform.Data;
using Axle.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Axle.Tests.Identity;

public sealed class RefreshTokenTests(AxleFactory factory) : IClassFixture<AxleFactory>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Refresh_rotates_the_pair_and_the_old_token_no_longer_works()
    {
        var client = factory.CreateClient();
        var user = await client.RegisterAsync();
        var first = await client.LoginAsync(user);

        var second = await RefreshAsync(client, first.RefreshToken);

        Assert.NotEqual(first.RefreshToken, second.RefreshToken);
        var me = await factory.CreateClientWithToken(second.AccessToken).GetAsync("/api/v1/users/me", Ct);
        await me.AssertJsonAsync(HttpStatusCode.OK);
        await using var scope = factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        var tokens = await db.Set<RefreshToken>().Where(t => t.UserId == user.Id).ToListAsync(Ct);
        var old = tokens.Single(t => t.TokenHash == RefreshToken.Hash(first.RefreshToken));
        var fresh = tokens.Single(t => t.TokenHash == RefreshToken.Hash(second.RefreshToken));
        Assert.NotNull(old.UsedAt);
        Assert.Equal(old.FamilyId, fresh.FamilyId);
        Assert.Equal(old.Id, fresh.ParentId);
        Assert.Null(fresh.UsedAt);
    }

    [Theory]
    [InlineData("not-a-token")]
    [InlineData("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    public async Task Unknown_refresh_tokens_get_401(string token)
    {
        var response = await factory.CreateClient().PostAsJsonAsync("/api/v1/auth/refresh", new { refreshToken = token }, Ct);

        await response.AssertProblemAsync(HttpStatusCode.Unauthorized, "invalid_refresh_token");
    }

    [Fact]
    public async Task An_expired_refresh_token_gets_401()
    {
        var client = factory.CreateClient();
        var user = await client.RegisterAsync();
        var pair = await client.LoginAsync(user);
        await using (var scope = factory.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
            var past = DateTime.UtcNow.AddMinutes(-1);
            await db.Set<RefreshToken>().Where(t => t.UserId == user.Id)
                .ExecuteUpdateAsync(s => s.SetProperty(t => t.ExpiresAt, past), Ct);
        }

        var response = await client.PostAsJsonAsync("/api/v1/auth/refresh", new { refreshToken = pair.RefreshToken }, Ct);

        await response.AssertProblemAsync(HttpStatusCode.Unauthorized, "invalid_refresh_token");
    }

    [Fact]
    public async Task Logout_revokes_the_family_so_its_refresh_token_fails()
    {
        var anonymous = factory.CreateClient();
        var user = await anonymous.RegisterAsync();
        var pair = await anonymous.LoginAsync(user);
        var rotated = await RefreshAsync(anonymous, pair.RefreshToken);
        var client = factory.CreateClientWithToken(rotated.AccessToken);

        var logout = await client.PostAsJsonAsync("/api/v1/auth/logout", new { refreshToken = rotated.RefreshToken }, Ct);

        Assert.Equal(HttpStatusCode.NoContent, logout.StatusCode);
        var refresh = await anonymous.PostAsJsonAsync("/api/v1/auth/refresh", new { refreshToken = rotated.RefreshToken }, Ct);
        await refresh.AssertProblemAsync(HttpStatusCode.Unauthorized);
        await using var scope = factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        Assert.All(await db.Set<RefreshToken>().Where(t => t.UserId == user.Id).ToListAsync(Ct), t => Assert.NotNull(t.RevokedAt));
    }

    [Fact]
    public async Task Logout_cannot_revoke_another_users_session()
    {
        var anonymous = factory.CreateClient();
        var victim = await anonymous.RegisterAsync();
        var victimTokens = await anonymous.LoginAsync(victim);
        var attacker = await factory.CreateCustomerClientAsync();

        var logout = await attacker.PostAsJsonAsync("/api/v1/auth/logout", new { refreshToken = victimTokens.RefreshToken }, Ct);

        Assert.Equal(HttpStatusCode.NoContent, logout.StatusCode);
        await RefreshAsync(anonymous, victimTokens.RefreshToken);
    }

    [Fact]
    public async Task Logout_requires_authentication()
    {
        var response = await factory.CreateClient().PostAsJsonAsync("/api/v1/auth/logout", new { refreshToken = "x" }, Ct);

        await response.AssertProblemAsync(HttpStatusCode.Unauthorized);
    }

    private static async Task<TokenPair> RefreshAsync(HttpClient client, string refreshToken)
    {
        var response = await client.PostAsJsonAsync("/api/v1/auth/refresh", new { refreshToken }, Ct);
        await response.AssertJsonAsync(HttpStatusCode.OK);
        return (await response.Content.ReadFromJsonAsync<TokenPair>(Ct))!;
    }
}
