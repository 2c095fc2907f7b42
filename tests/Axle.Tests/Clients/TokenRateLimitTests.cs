using System.Net;
using Axle.Tests.Infrastructure;

namespace Axle.Tests.Clients;

/// <summary>The app with the strict auth quota at 3 requests per window.</summary>
public sealed class TightAuthLimitFactory : AxleFactory
{
    protected override IDictionary<string, string?> Overrides => new Dictionary<string, string?>
    {
        ["RateLimiting:AuthPermits"] = "3",
        // Windows are aligned to the clock: a long one keeps a window edge from falling inside the test.
        ["RateLimiting:WindowSeconds"] = "3600",
    };
}

public sealed class TokenRateLimitTests(TightAuthLimitFactory factory) : IClassFixture<TightAuthLimitFactory>
{
    [Fact]
    public async Task Token_requests_beyond_the_auth_quota_get_a_429_problem_with_retry_after()
    {
        var http = factory.CreateClient();
        for (var i = 0; i < 3; i++)
        {
            var allowed = await http.RequestTokenAsync("cli_guess", "guess-" + i);
            Assert.Equal(HttpStatusCode.Unauthorized, allowed.StatusCode);
        }

        var response = await http.RequestTokenAsync("cli_guess", "guess-4");

        await response.AssertProblemAsync(HttpStatusCode.TooManyRequests, "rate_limited");
        var retryAfter = response.Headers.RetryAfter?.Delta;
        Assert.NotNull(retryAfter);
        Assert.True(retryAfter > TimeSpan.Zero);
    }

    [Fact]
    public async Task The_token_quota_does_not_throttle_other_endpoints()
    {
        var http = factory.CreateClient();
        for (var i = 0; i < 5; i++)
        {
            var response = await http.GetAsync("/health/live", TestContext.Current.CancellationToken);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
    }
}
