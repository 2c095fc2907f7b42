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
}
