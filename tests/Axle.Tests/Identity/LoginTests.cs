using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Axle.Api.Features.Audit;
using Axle.Api.Features.Identity;
using Axle.Api.Platform.Data;
using Axle.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.JsonWebTokens;

namespace Axle.Tests.Identity;

public sealed class LoginTests(AxleFactory factory) : IClassFixture<AxleFactory>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_nul_character_in_the_email_is_a_4xx_problem_on_every_provider()
    {
        // Found by the fuzzer on PostgreSQL, which cannot store U+0000 in text (SQLSTATE 22021): the lookup failed as a 500.
        var response = await factory.CreateClient().PostAsJsonAsync("/api/v1/auth/login", new { email = "a\u0000@axle.test", password = "whatever-long-enough" }, TestContext.Current.CancellationToken);

        await response.AssertProblemAsync(AxleFactory.IsPostgres ? HttpStatusCode.BadRequest : HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Login_returns_a_bearer_token_pair_for_the_right_password()
    {
        var client = factory.CreateClient();
        var user = await client.RegisterAsync();

        var response = await client.PostAsJsonAsync("/api/v1/auth/login", new { email = user.Email, password = user.Password }, Ct);

        var body = await response.AssertJsonAsync(HttpStatusCode.OK);
        Assert.Equal("Bearer", body.GetProperty("tokenType").GetString());
        Assert.Equal(900, body.GetProperty("expiresIn").GetInt32());
        Assert.Equal(43, body.GetProperty("refreshToken").GetString()!.Length);
        Assert.Equal("no-store", response.Headers.CacheControl?.ToString());
        var jwt = new JsonWebToken(body.GetProperty("accessToken").GetString());
        Assert.Equal("at+jwt", jwt.Typ);
        Assert.Equal("ES256", jwt.Alg);
        Assert.Equal(user.Id.ToString(), jwt.Subject);
        Assert.Equal("customer", jwt.GetClaim("role").Value);

        await using var scope = factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        var stored = await db.Set<RefreshToken>().SingleAsync(t => t.UserId == user.Id, Ct);
        Assert.NotEqual(body.GetProperty("refreshToken").GetString(), stored.TokenHash);
        Assert.Equal(RefreshToken.Hash(body.GetProperty("refreshToken").GetString()!), stored.TokenHash);
        Assert.True(await db.Set<AuditEntry>().AnyAsync(
            a => a.Action == "auth.login" && a.Target == user.Id.ToString() && a.Outcome == AuditOutcome.Success, Ct));
    }

    [Fact]
    public async Task Login_is_case_insensitive_on_the_email()
    {
        var client = factory.CreateClient();
        var user = await client.RegisterAsync();

        var tokens = await client.LoginAsync(user.Email.ToUpperInvariant(), user.Password);

        Assert.NotEmpty(tokens.AccessToken);
    }

    [Fact]
    public async Task Unknown_email_and_wrong_password_get_identical_401_bodies()
    {
        var client = factory.CreateClient();
        var user = await client.RegisterAsync();

        var wrongPassword = await client.PostAsJsonAsync("/api/v1/auth/login", new { email = user.Email, password = "Wrong-password-123" }, Ct);
        var unknownEmail = await client.PostAsJsonAsync("/api/v1/auth/login",
            new { email = IdentityTestExtensions.UniqueEmail(), password = "Wrong-password-123" }, Ct);

        await wrongPassword.AssertProblemAsync(HttpStatusCode.Unauthorized, "invalid_credentials");
        await unknownEmail.AssertProblemAsync(HttpStatusCode.Unauthorized, "invalid_credentials");
        // Byte for byte, except the per-request traceId that API.md requires in every problem.
        Assert.Equal(WithoutTraceId(await wrongPassword.Content.ReadAsStringAsync(Ct)), WithoutTraceId(await unknownEmail.Content.ReadAsStringAsync(Ct)));
        Assert.Equal(wrongPassword.Content.Headers.ContentType, unknownEmail.Content.Headers.ContentType);
    }

    [Fact]
    public async Task Four_failures_then_the_right_password_signs_in_and_resets_the_count()
    {
        var client = factory.CreateClient();
        var user = await client.RegisterAsync();
        for (var i = 0; i < 4; i++)
        {
            await client.PostAsJsonAsync("/api/v1/auth/login", new { email = user.Email, password = "Wrong-password-123" }, Ct);
        }

        await client.LoginAsync(user);

        await using var scope = factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        Assert.False(await db.Set<LoginThrottle>().AnyAsync(t => t.NormalizedEmail == user.Email.ToUpperInvariant(), Ct));
    }

    [Fact]
    public async Task Login_without_a_password_is_a_400_validation_problem()
    {
        var response = await factory.CreateClient().PostAsJsonAsync("/api/v1/auth/login", new { email = "a@axle.test" }, Ct);

        var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest, "validation_failed");
        Assert.True(problem.GetProperty("errors").TryGetProperty("password", out _));
    }

    private static string WithoutTraceId(string json)
    {
        var node = JsonNode.Parse(json)!.AsObject();
        node["traceId"] = "-";
        return node.ToJsonString(JsonSerializerOptions.Default);
    }
}
