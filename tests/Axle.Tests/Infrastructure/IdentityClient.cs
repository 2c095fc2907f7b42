using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Mvc.Testing;

namespace Axle.Tests.Infrastructure;

/// <summary>A registered test user and the password it was registered with.</summary>
public sealed record TestUser(Guid Id, string Email, string Password, string Name);

/// <summary>The token pair from <c>/auth/login</c> or <c>/auth/refresh</c>.</summary>
public sealed record TokenPair(string AccessToken, string RefreshToken, int ExpiresIn, string TokenType);

/// <summary>Sign-up and sign-in helpers for tests of every feature.</summary>
public static class IdentityTestExtensions
{
    /// <summary>A fresh email that no other test uses.</summary>
    public static string UniqueEmail(string prefix = "user") => $"{prefix}-{Guid.NewGuid():N}@axle.test";

    /// <summary>A password that passes the policy and contains nothing of the email.</summary>
    public static string StrongPassword() => "Tr4ck-" + Guid.NewGuid().ToString("N")[..20];

    /// <summary>Registers a user (unique email and strong password unless given) and asserts 201.</summary>
    public static async Task<TestUser> RegisterAsync(
        this HttpClient client, string? email = null, string? password = null, string name = "Test Customer")
    {
        email ??= UniqueEmail();
        password ??= StrongPassword();
        var response = await client.PostAsJsonAsync("/api/v1/auth/register", new { email, password, name });
        var body = await response.AssertJsonAsync(HttpStatusCode.Created);
        return new TestUser(body.GetProperty("id").GetGuid(), email, password, name);
    }

    /// <summary>Signs in and asserts 200.</summary>
    public static async Task<TokenPair> LoginAsync(this HttpClient client, string email, string password)
    {
        var response = await client.PostAsJsonAsync("/api/v1/auth/login", new { email, password });
        await response.AssertJsonAsync(HttpStatusCode.OK);
        return (await response.Content.ReadFromJsonAsync<TokenPair>())!;
    }

    public static Task<TokenPair> LoginAsync(this HttpClient client, TestUser user) =>
        client.LoginAsync(user.Email, user.Password);

    /// <summary>A client carrying <paramref name="accessToken"/> as its bearer token.</summary>
    public static HttpClient CreateClientWithToken(this WebApplicationFactory<Program> factory, string accessToken)
    {
        var client = factory.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
        return client;
    }

    /// <summary>Registers a new customer and returns a client signed in as them.</summary>
    public static async Task<HttpClient> CreateCustomerClientAsync(this AxleFactory factory) =>
        (await factory.CreateCustomerAsync()).Client;

    /// <summary>Registers a new customer; returns the signed-in client and the user behind it.</summary>
    public static async Task<(HttpClient Client, TestUser User)> CreateCustomerAsync(this AxleFactory factory)
    {
        var anonymous = factory.CreateClient();
        var user = await anonymous.RegisterAsync();
        var tokens = await anonymous.LoginAsync(user);
        return (factory.CreateClientWithToken(tokens.AccessToken), user);
    }

    /// <summary>A client signed in as the bootstrap admin of this factory.</summary>
    public static async Task<HttpClient> CreateAdminClientAsync(this AxleFactory factory)
    {
        var tokens = await factory.CreateClient().LoginAsync(AxleFactory.AdminEmail, factory.AdminPassword);
        return factory.CreateClientWithToken(tokens.AccessToken);
    }

    /// <summary>Signs in as the given user and returns a client with their bearer token.</summary>
    public static async Task<HttpClient> CreateClientForAsync(this AxleFactory factory, TestUser user)
    {
        var tokens = await factory.CreateClient().LoginAsync(user);
        return factory.CreateClientWithToken(tokens.AccessToken);
    }
}
