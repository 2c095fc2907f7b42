using System.Net;
using System.Net.Http.Headers;
using Axle.Api.Platform.Security;
using Axle.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Axle.Tests.Platform;

public sealed class TightRateLimitFactory : AxleFactory
{
    protected override IDictionary<string, string?> Overrides => new Dictionary<string, string?>
    {
        ["RateLimiting:PerIpPermits"] = "3",
        ["RateLimiting:PerIdentityPermits"] = "5",
        ["RateLimiting:WindowSeconds"] = "600",
    };
}

public sealed class RateLimitTests(TightRateLimitFactory factory) : IClassFixture<TightRateLimitFactory>
{
    [Fact]
    public async Task Anonymous_callers_over_the_per_ip_limit_get_429_with_retry_after()
    {
        var client = factory.CreateClient();
        var ct = TestContext.Current.CancellationToken;
        for (var i = 0; i < 3; i++)
        {
            var allowed = await client.GetAsync("/api/v1/anything", ct);
            Assert.Equal(HttpStatusCode.NotFound, allowed.StatusCode);
        }

        var limited = await client.GetAsync("/api/v1/anything", ct);
        var problem = await limited.AssertProblemAsync(HttpStatusCode.TooManyRequests, "rate_limited");
        Assert.NotNull(limited.Headers.RetryAfter?.Delta);
        Assert.True(limited.Headers.RetryAfter!.Delta!.Value.TotalSeconds >= 1);
        Assert.True(problem.GetProperty("retryAfterSeconds").GetInt32() >= 1);

        // Operations endpoints are never rate limited: probes must keep working under a flood.
        var live = await client.GetAsync("/health/live", ct);
        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
    }

    [Fact]
    public async Task Signed_in_callers_are_limited_per_identity_not_per_ip()
    {
        var ct = TestContext.Current.CancellationToken;
        var issuer = factory.Services.GetRequiredService<AccessTokenIssuer>();
        HttpClient ClientFor(Guid id)
        {
            var client = factory.CreateClient();
            var token = issuer.IssueForUser(id, $"{id:N}@axle.test", "Rate", [Roles.Customer]).Token;
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
            return client;
        }

        var first = ClientFor(Guid.NewGuid());
        for (var i = 0; i < 5; i++)
        {
            Assert.Equal(HttpStatusCode.NotFound, (await first.GetAsync("/api/v1/anything", ct)).StatusCode);
        }

        await (await first.GetAsync("/api/v1/anything", ct)).AssertProblemAsync(HttpStatusCode.TooManyRequests, "rate_limited");

        // Same IP, different identity: its own budget.
        var second = ClientFor(Guid.NewGuid());
        Assert.Equal(HttpStatusCode.NotFound, (await second.GetAsync("/api/v1/anything", ct)).StatusCode);
    }

    [Fact]
    public async Task Every_counted_answer_says_the_quota_what_remains_and_when_it_returns()
    {
        var ct = TestContext.Current.CancellationToken;
        var issuer = factory.Services.GetRequiredService<AccessTokenIssuer>();
        var client = factory.CreateClient();
        var id = Guid.NewGuid();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue(
            "Bearer", issuer.IssueForUser(id, $"{id:N}@axle.test", "Quota", [Roles.Customer]).Token);

        // 200, 404 and 400 answers alike carry the fields; remaining counts down by one per request.
        string[] paths = ["/api/v1/vehicles/makes", "/api/v1/anything", "/api/v1/parts?limit=abc"];
        var remaining = new List<int>();
        foreach (var path in paths)
        {
            var response = await client.GetAsync(path, ct);
            Assert.Equal("\"default\";q=5;w=600", Assert.Single(response.Headers.GetValues("RateLimit-Policy")));
            var state = Assert.Single(response.Headers.GetValues("RateLimit"));
            var match = System.Text.RegularExpressions.Regex.Match(state, "^\"default\";r=(\\d+);t=(\\d+)$");
            Assert.True(match.Success, state);
            Assert.InRange(int.Parse(match.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture), 1, 600);
            remaining.Add(int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture));
        }

        Assert.Equal([4, 3, 2], remaining);
        await client.GetAsync("/api/v1/anything", ct);
        await client.GetAsync("/api/v1/anything", ct);

        var limited = await client.GetAsync("/api/v1/anything", ct);
        await limited.AssertProblemAsync(HttpStatusCode.TooManyRequests, "rate_limited");
        var refused = System.Text.RegularExpressions.Regex.Match(Assert.Single(limited.Headers.GetValues("RateLimit")), "^\"default\";r=0;t=(\\d+)$");
        Assert.True(refused.Success);
        Assert.Equal(limited.Headers.RetryAfter!.Delta!.Value.TotalSeconds, int.Parse(refused.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture));
    }
}
