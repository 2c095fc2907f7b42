using System.Net;
using System.Text;
using System.Text.Json;
using Axle.Api.Platform.Security;
using Axle.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Axle.Tests.Identity;

/// <summary>The resource-server side of RFC 9068 tokens (STANDARDS.md §7, OWASP API2).</summary>
public sealed class AccessTokenTests(AxleFactory factory) : IClassFixture<AxleFactory>
{
    private const string Me = "/api/v1/users/me";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_valid_token_is_accepted()
    {
        var client = await factory.CreateCustomerClientAsync();

        var response = await client.GetAsync(Me, Ct);

        await response.AssertJsonAsync(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Anonymous_request_is_a_401_problem_with_a_bearer_challenge()
    {
        var response = await factory.CreateClient().GetAsync(Me, Ct);

        await response.AssertProblemAsync(HttpStatusCode.Unauthorized, "unauthorized");
        Assert.Equal("Bearer", response.Headers.WwwAuthenticate.Single().Scheme);
    }

    [Fact]
    public async Task A_token_with_a_flipped_signature_character_is_401()
    {
        var (_, user) = await factory.CreateCustomerAsync();
        var token = (await factory.CreateClient().LoginAsync(user)).AccessToken;
        var signatureStart = token.LastIndexOf('.') + 1;
        var position = signatureStart + 10;
        var flipped = token[position] == 'A' ? 'B' : 'A';
        var tampered = token[..position] + flipped + token[(position + 1)..];

        var response = await factory.CreateClientWithToken(tampered).GetAsync(Me, Ct);

        await response.AssertProblemAsync(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task A_token_with_a_changed_payload_is_401()
    {
        var (_, user) = await factory.CreateCustomerAsync();
        var parts = (await factory.CreateClient().LoginAsync(user)).AccessToken.Split('.');
        var payload = Encoding.UTF8.GetString(Base64UrlEncoder.DecodeBytes(parts[1])).Replace("\"customer\"", "\"admin\"", StringComparison.Ordinal);
        var forged = $"{parts[0]}.{Base64UrlEncoder.Encode(payload)}.{parts[2]}";

        var response = await factory.CreateClientWithToken(forged).GetAsync(Me, Ct);

        await response.AssertProblemAsync(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task An_alg_none_token_is_401()
    {
        var (_, user) = await factory.CreateCustomerAsync();
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var header = Base64UrlEncoder.Encode("""{"alg":"none","typ":"at+jwt"}""");
        var payload = Base64UrlEncoder.Encode(JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["iss"] = "axle", ["aud"] = "axle-api", ["sub"] = user.Id.ToString(), ["client_id"] = "axle",
            ["iat"] = now, ["nbf"] = now, ["exp"] = now + 600, ["jti"] = Guid.NewGuid().ToString("N"), ["role"] = "admin",
        }));

        var response = await factory.CreateClientWithToken($"{header}.{payload}.").GetAsync(Me, Ct);

        await response.AssertProblemAsync(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task An_expired_token_is_401()
    {
        var (_, user) = await factory.CreateCustomerAsync();
        var past = new FakeTimeProvider(DateTimeOffset.UtcNow.AddHours(-2));
        var issuer = new AccessTokenIssuer(
            factory.Services.GetRequiredService<SigningKeys>(), factory.Services.GetRequiredService<IOptions<JwtOptions>>(), past);
        var expired = issuer.IssueForUser(user.Id, user.Email, user.Name, ["customer"]).Token;

        var response = await factory.CreateClientWithToken(expired).GetAsync(Me, Ct);

        await response.AssertProblemAsync(HttpStatusCode.Unauthorized);
    }

    [Theory]
    [InlineData("someone-else", "axle-api", "at+jwt")]
    [InlineData("axle", "another-api", "at+jwt")]
    [InlineData("axle", "axle-api", "JWT")]
    public async Task A_token_with_the_wrong_issuer_audience_or_type_is_401(string issuer, string audience, string type)
    {
        var (_, user) = await factory.CreateCustomerAsync();
        var keys = factory.Services.GetRequiredService<SigningKeys>();
        var now = DateTime.UtcNow;
        var token = new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = issuer,
            Audience = audience,
            IssuedAt = now,
            NotBefore = now,
            Expires = now.AddMinutes(5),
            TokenType = type,
            SigningCredentials = keys.Credentials,
            Claims = new Dictionary<string, object> { ["sub"] = user.Id.ToString(), ["client_id"] = "axle", ["role"] = "customer" },
        });

        var response = await factory.CreateClientWithToken(token).GetAsync(Me, Ct);

        await response.AssertProblemAsync(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task A_token_signed_by_another_key_is_401()
    {
        var (_, user) = await factory.CreateCustomerAsync();
        using var ecdsa = System.Security.Cryptography.ECDsa.Create(System.Security.Cryptography.ECCurve.NamedCurves.nistP256);
        var foreignKey = new ECDsaSecurityKey(ecdsa) { KeyId = factory.Services.GetRequiredService<SigningKeys>().Key.KeyId };
        var now = DateTime.UtcNow;
        var token = new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = "axle",
            Audience = "axle-api",
            IssuedAt = now,
            NotBefore = now,
            Expires = now.AddMinutes(5),
            TokenType = "at+jwt",
            SigningCredentials = new SigningCredentials(foreignKey, SecurityAlgorithms.EcdsaSha256),
            Claims = new Dictionary<string, object> { ["sub"] = user.Id.ToString(), ["client_id"] = "axle", ["role"] = "admin" },
        });

        var response = await factory.CreateClientWithToken(token).GetAsync(Me, Ct);

        await response.AssertProblemAsync(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Identity_routes_are_in_the_openapi_document()
    {
        var doc = await (await factory.CreateClient().GetAsync("/openapi/v1.json", Ct)).AssertJsonAsync(HttpStatusCode.OK);
        var paths = doc.GetProperty("paths");

        foreach (var path in new[]
        {
            "/api/v1/auth/register", "/api/v1/auth/login", "/api/v1/auth/refresh", "/api/v1/auth/logout", "/api/v1/users/me",
            "/api/v1/users/me/vehicles", "/api/v1/users/me/vehicles/{id}", "/api/v1/admin/users", "/api/v1/admin/users/{id}/roles",
        })
        {
            Assert.True(paths.TryGetProperty(path, out _), $"{path} missing from OpenAPI");
        }
    }
}
