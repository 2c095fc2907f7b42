using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Axle.Api.Platform.Security;
using Axle.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Axle.Tests.ScaleOut;

/// <summary>Two instances with tight per-identity and auth limits (the per-IP limit stays loose).</summary>
public sealed class TightlyLimitedInstances : TwoInstances
{
    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["RateLimiting:PerIdentityPermits"] = "4",
        ["RateLimiting:AuthPermits"] = "3",
        ["RateLimiting:WindowSeconds"] = "600",
    };
}

/// <summary>With Redis, a caller's budget is one across instances: what it spends on one is gone on the other.</summary>
public sealed class SharedRateLimitTests(TightlyLimitedInstances instances) : IClassFixture<TightlyLimitedInstances>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_callers_requests_on_both_instances_count_against_one_limit()
    {
        Needs.Redis();
        // A token from A's issuer works on B: the instances share their signing key.
        var token = instances.A.Services.GetRequiredService<AccessTokenIssuer>()
            .IssueForUser(Guid.NewGuid(), "rate@axle.test", "Rate", [Roles.Customer]).Token;
        var clients = instances.Both.Select(f =>
        {
            var client = f.CreateClient();
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
            return client;
        }).ToList();

        foreach (var client in clients.Concat(clients))
        {
            Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/api/v1/anything", Ct)).StatusCode);
        }

        foreach (var client in clients)
        {
            var limited = await client.GetAsync("/api/v1/anything", Ct);
            var problem = await limited.AssertProblemAsync(HttpStatusCode.TooManyRequests, "rate_limited");
            Assert.InRange(limited.Headers.RetryAfter!.Delta!.Value.TotalSeconds, 1, 600);
            Assert.InRange(problem.GetProperty("retryAfterSeconds").GetInt32(), 1, 600);
        }
    }

    [Fact]
    public async Task Sign_in_attempts_on_both_instances_count_against_one_auth_limit()
    {
        Needs.Redis();
        var email = $"nobody-{Guid.NewGuid():N}@axle.test";
        var a = instances.A.CreateClient();
        var b = instances.B.CreateClient();

        foreach (var client in new[] { a, b, a })
        {
            var attempt = await client.PostAsJsonAsync("/api/v1/auth/login", new { email, password = "Wrong-password-123" }, Ct);
            Assert.Equal(HttpStatusCode.Unauthorized, attempt.StatusCode);
        }

        var limited = await b.PostAsJsonAsync("/api/v1/auth/login", new { email, password = "Wrong-password-123" }, Ct);
        await limited.AssertProblemAsync(HttpStatusCode.TooManyRequests, "rate_limited");
    }
}
