using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Axle.SupplierSim;
using Microsoft.Extensions.Time.Testing;
using static Axle.UnitTests.SupplierSim.SupplierSimKit;

namespace Axle.UnitTests.SupplierSim;

public sealed class SupplierSimAccessTests
{
    [Fact]
    public async Task Api_key_mode_needs_the_right_x_api_key()
    {
        await using var sim = await SupplierSimulator.StartAsync(new SimulatorOptions { Records = 5, Auth = SimAuthMode.ApiKey, ApiKey = "k-123" }, Ct);
        using var http = Client(sim);

        using var missing = await http.GetAsync("feed/stock", Ct);
        using var wrong = await http.SendAsync(Get("feed/stock", h => h.Add("X-Api-Key", "nope")), Ct);
        using var right = await http.SendAsync(Get("feed/stock", h => h.Add("X-Api-Key", "k-123")), Ct);
        using var orders = await http.PostAsync("orders", Json(new { reference = "PO-1", lines = new[] { new { partNo = "SP-000001", quantity = 1 } } }), Ct);

        Assert.Equal(HttpStatusCode.Unauthorized, missing.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        Assert.Equal(HttpStatusCode.OK, right.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, orders.StatusCode);
    }

    [Fact]
    public async Task Basic_mode_needs_the_right_user_and_password()
    {
        await using var sim = await SupplierSimulator.StartAsync(new SimulatorOptions
        {
            Records = 5, Auth = SimAuthMode.Basic, BasicUser = "acme", BasicPassword = "p@ss:word",
        }, Ct);
        using var http = Client(sim);

        using var missing = await http.GetAsync("feed/stock", Ct);
        using var wrong = await http.SendAsync(Get("feed/stock", h => h.Authorization = BasicHeader("acme", "nope")), Ct);
        using var right = await http.SendAsync(Get("feed/stock", h => h.Authorization = BasicHeader("acme", "p@ss:word")), Ct);

        Assert.Equal(HttpStatusCode.Unauthorized, missing.StatusCode);
        Assert.Equal("Basic", missing.Headers.WwwAuthenticate.Single().Scheme);
        Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        Assert.Equal(HttpStatusCode.OK, right.StatusCode);
    }

    [Fact]
    public async Task OAuth2_mode_issues_bearer_tokens_for_client_credentials_that_expire_and_can_be_revoked()
    {
        var clock = new FakeTimeProvider(Now);
        await using var sim = await SupplierSimulator.StartAsync(new SimulatorOptions
        {
            Records = 5, Auth = SimAuthMode.OAuth2, ClientId = "axle", ClientSecret = "s3cret", TokenLifetime = TimeSpan.FromMinutes(10), Clock = clock,
        }, Ct);
        using var http = Client(sim);

        using var noToken = await http.GetAsync("feed/stock", Ct);
        using var badClient = await http.PostAsync("oauth/token", Form("axle", "wrong"), Ct);
        using var wrongGrant = await http.PostAsync("oauth/token", new FormUrlEncodedContent([new("grant_type", "password")]), Ct);
        using var issued = await http.PostAsync("oauth/token", Form("axle", "s3cret"), Ct);
        var token = JsonNode.Parse(await issued.Content.ReadAsStringAsync(Ct))!;
        var bearer = new AuthenticationHeaderValue("Bearer", token["access_token"]!.GetValue<string>());
        using var withToken = await http.SendAsync(Get("feed/stock", h => h.Authorization = bearer), Ct);
        clock.Advance(TimeSpan.FromMinutes(11));
        using var expired = await http.SendAsync(Get("feed/stock", h => h.Authorization = bearer), Ct);

        using var basicClient = new HttpRequestMessage(HttpMethod.Post, "oauth/token")
        {
            Content = new FormUrlEncodedContent([new("grant_type", "client_credentials")]),
            Headers = { Authorization = BasicHeader("axle", "s3cret") },
        };
        using var issuedBasic = await http.SendAsync(basicClient, Ct);
        var second = new AuthenticationHeaderValue("Bearer", JsonNode.Parse(await issuedBasic.Content.ReadAsStringAsync(Ct))!["access_token"]!.GetValue<string>());
        using var beforeRevoke = await http.SendAsync(Get("feed/stock", h => h.Authorization = second), Ct);
        sim.RevokeTokens();
        using var afterRevoke = await http.SendAsync(Get("feed/stock", h => h.Authorization = second), Ct);

        Assert.Equal(HttpStatusCode.Unauthorized, noToken.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, badClient.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, wrongGrant.StatusCode);
        Assert.Equal(HttpStatusCode.OK, issued.StatusCode);
        Assert.Equal("Bearer", token["token_type"]!.GetValue<string>());
        Assert.Equal(600, token["expires_in"]!.GetValue<long>());
        Assert.Equal(HttpStatusCode.OK, withToken.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, expired.StatusCode);
        Assert.Equal(HttpStatusCode.OK, beforeRevoke.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, afterRevoke.StatusCode);
    }

    [Fact]
    public async Task Fixed_window_rate_limit_answers_429_with_retry_after_until_the_next_minute()
    {
        var clock = new FakeTimeProvider(Now.AddSeconds(20));
        await using var sim = await SupplierSimulator.StartAsync(new SimulatorOptions { Records = 5, RequestsPerMinute = 3, Clock = clock }, Ct);
        using var http = Client(sim);

        for (var i = 0; i < 3; i++)
        {
            using var ok = await http.GetAsync("feed/stock", Ct);
            Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        }

        using var limited = await http.GetAsync("feed/stock", Ct);
        clock.Advance(TimeSpan.FromSeconds(40));
        using var nextWindow = await http.GetAsync("feed/stock", Ct);

        Assert.Equal(HttpStatusCode.TooManyRequests, limited.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(40), limited.Headers.RetryAfter!.Delta);
        Assert.Equal(HttpStatusCode.OK, nextWindow.StatusCode);
        Assert.Equal(1, sim.Stats.ResponsesByStatus[429]);
    }

    [Fact]
    public async Task Sliding_window_rate_limit_frees_a_slot_sixty_seconds_after_the_oldest_request()
    {
        var clock = new FakeTimeProvider(Now);
        await using var sim = await SupplierSimulator.StartAsync(new SimulatorOptions { Records = 5, Clock = clock }, Ct);
        sim.SetRateLimit(2, RateLimitWindow.Sliding);
        using var http = Client(sim);

        using var first = await http.GetAsync("feed/stock", Ct);
        clock.Advance(TimeSpan.FromSeconds(30));
        using var second = await http.GetAsync("feed/stock", Ct);
        using var limited = await http.GetAsync("feed/stock", Ct);
        clock.Advance(TimeSpan.FromSeconds(30));
        using var freed = await http.GetAsync("feed/stock", Ct);
        using var limitedAgain = await http.GetAsync("feed/stock", Ct);

        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, limited.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(30), limited.Headers.RetryAfter!.Delta);
        Assert.Equal(HttpStatusCode.OK, freed.StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, limitedAgain.StatusCode);
    }

    private static AuthenticationHeaderValue BasicHeader(string user, string password) =>
        new("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{password}")));

    private static FormUrlEncodedContent Form(string id, string secret) => new(
    [
        new("grant_type", "client_credentials"), new("client_id", id), new("client_secret", secret),
    ]);
}
