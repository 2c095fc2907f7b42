using System.Net;
using Axle.Tests.Infrastructure;

namespace Axle.Tests.Identity;

/// <summary>
/// The resource-server side of RFC 9068 tokens (STANDARDS.md §7). Forged, expired and foreign tokens are refused in
/// <see cref="Security.Api02AuthenticationTests"/>.
/// </summary>
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
