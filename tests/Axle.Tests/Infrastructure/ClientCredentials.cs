using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using Axle.Api.Platform.Security;
using Microsoft.Extensions.DependencyInjection;

namespace Axle.Tests.Infrastructure;

public sealed record TestClient(string ClientId, string ClientSecret, string Name, string[] Scopes);

/// <summary>Machine clients for tests: create one through the admin API, then fetch tokens at <c>/oauth/token</c>.</summary>
public static class ClientCredentials
{
    public const string TokenPath = "/oauth/token";

    /// <summary>An HTTP client carrying a freshly issued user access token with the given roles.</summary>
    public static HttpClient CreateUserClient(this AxleFactory factory, params string[] roles)
    {
        var issuer = factory.Services.GetRequiredService<AccessTokenIssuer>();
        var token = issuer.IssueForUser(Guid.NewGuid(), "user@axle.test", "Test User", roles);
        var client = factory.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token.Token);
        return client;
    }

    public static HttpClient CreateAdminClient(this AxleFactory factory) => factory.CreateUserClient(Roles.Admin);

    /// <summary>An HTTP client carrying the given bearer token.</summary>
    public static HttpClient CreateBearerClient(this AxleFactory factory, string accessToken)
    {
        var client = factory.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
        return client;
    }

    public static async Task<TestClient> CreateMachineClientAsync(
        this HttpClient admin, string name, params string[] scopes)
    {
        var response = await admin.PostAsJsonAsync("/api/v1/admin/clients", new { name, scopes });
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"Creating a client failed: {(int)response.StatusCode} {body}");
        return (await response.Content.ReadFromJsonAsync<TestClient>())!;
    }

    /// <summary>Posts a client credentials request with HTTP Basic client authentication (RFC 6749 §2.3.1).</summary>
    public static async Task<HttpResponseMessage> RequestTokenAsync(
        this HttpClient http, string clientId, string clientSecret, string? scope = null, string grantType = "client_credentials")
    {
        var form = new Dictionary<string, string> { ["grant_type"] = grantType };
        if (scope is not null)
        {
            form["scope"] = scope;
        }

        using var request = new HttpRequestMessage(HttpMethod.Post, TokenPath) { Content = new FormUrlEncodedContent(form) };
        var credentials = Uri.EscapeDataString(clientId) + ":" + Uri.EscapeDataString(clientSecret);
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(credentials)));
        return await http.SendAsync(request);
    }

    /// <summary>Fetches an access token for the client and returns it, failing the test if the server refuses.</summary>
    public static async Task<string> GetAccessTokenAsync(this HttpClient http, TestClient client, string? scope = null)
    {
        var response = await http.RequestTokenAsync(client.ClientId, client.ClientSecret, scope);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"Token request failed: {(int)response.StatusCode} {body}");
        using var json = System.Text.Json.JsonDocument.Parse(body);
        return json.RootElement.GetProperty("access_token").GetString()!;
    }
}
