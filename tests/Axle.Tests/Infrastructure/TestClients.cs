using System.Net.Http.Headers;
using Axle.Api.Platform.Security;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Axle.Tests.Infrastructure;

public static class TestClients
{
    /// <summary>A client signed in as a fresh customer (or <paramref name="userId"/>), with a token from the app's own issuer.</summary>
    public static HttpClient CreateUserClient(this WebApplicationFactory<Program> factory, Guid? userId = null, params string[] roles)
    {
        var issuer = factory.Services.GetRequiredService<AccessTokenIssuer>();
        var token = issuer.IssueForUser(userId ?? Guid.NewGuid(), "u@axle.test", "U", roles.Length == 0 ? ["customer"] : roles);
        var client = factory.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token.Token);
        return client;
    }
}
