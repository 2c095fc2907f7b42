using System.Net.Http.Json;
using System.Text.Json;

namespace Axle.Bench.Load;

/// <summary>Signs in to the server under test as a staff user (the bootstrap admin in the bench scripts).</summary>
internal static class ApiSignIn
{
    /// <summary>An access token from <c>POST /api/v1/auth/login</c>; <paramref name="client"/> has the server as its base address.</summary>
    public static async Task<string> AccessTokenAsync(HttpClient client, string email, string password, CancellationToken ct)
    {
        using var response = await client.PostAsJsonAsync("/api/v1/auth/login", new { email, password }, ct);
        if (!response.IsSuccessStatusCode)
        {
            throw new HttpRequestException(
                $"login answered {(int)response.StatusCode}; start the server with Bootstrap__AdminEmail/Bootstrap__AdminPassword");
        }

        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync(ct));
        return json.RootElement.GetProperty("accessToken").GetString()!;
    }
}
