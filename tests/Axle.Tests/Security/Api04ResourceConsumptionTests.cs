using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Axle.Api.Features.Catalog;
using Axle.Api.Platform.Security;
using Axle.Tests.Catalog;
using Axle.Tests.Infrastructure;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Metadata;

namespace Axle.Tests.Security;

/// <summary>A small body limit (4 KiB) and a small import limit, so 413 is cheap to provoke on every operation.</summary>
public sealed class SmallBodyLimitFactory : AxleFactory
{
    protected override IDictionary<string, string?> Overrides => new Dictionary<string, string?>
    {
        ["Http:MaxRequestBodyBytes"] = "4096",
        ["CatalogImports:MaxFileBytes"] = "8192",
    };
}

/// <summary>Tight rate limits over a long window, so a flood is a handful of requests.</summary>
public sealed class FloodFactory : AxleFactory
{
    public const int PerIdentity = 5;
    public const int PerIp = 8;
    public const int Auth = 3;

    protected override IDictionary<string, string?> Overrides => new Dictionary<string, string?>
    {
        ["RateLimiting:PerIdentityPermits"] = PerIdentity.ToString(),
        ["RateLimiting:PerIpPermits"] = PerIp.ToString(),
        ["RateLimiting:AuthPermits"] = Auth.ToString(),
        ["RateLimiting:WindowSeconds"] = "600",
    };
}

/// <summary>
/// OWASP API4:2023 Unrestricted Resource Consumption: every list operation of the document caps a page at 100 items
/// whatever <c>limit</c> asks (and refuses a negative one); every operation that takes a body refuses one over its limit
/// with a 413 problem before reading it; floods by one identity, one address or one sign-in target get a 429 problem with
/// Retry-After, on every operation of the document.
/// </summary>
public sealed class Api04ResourceConsumptionTests(SmallBodyLimitFactory factory, FloodFactory flood)
    : IClassFixture<SmallBodyLimitFactory>, IClassFixture<FloodFactory>
{
    private const int MaxPage = 100;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Every_list_operation_caps_limit_100000_at_100_items_and_refuses_a_negative_limit()
    {
        // More parts than one page may hold, so the cap is observable on the catalog search.
        var seed = new CatalogSeed(factory);
        var brand = await seed.BrandAsync();
        var category = await seed.CategoryAsync("Filters");
        var now = DateTime.UtcNow;
        await seed.AddRangeAsync(Enumerable.Range(0, MaxPage + 20)
            .Select(i => new Part($"{seed.Tag}-{i:D4}", $"{seed.Tag}-{i:D4}", brand.Id, category.Id, "Filter " + i, 1000, "USD", now)));
        var admin = factory.CreateUserClient(Roles.Admin);
        var failures = new List<string>();
        var walked = 0;
        foreach (var operation in (await SecurityWalk.OperationsAsync(factory)).Where(o => o.Method == "GET" && o.HasQuery("limit")))
        {
            walked++;
            var url = SecurityWalk.Concrete(operation.Path, operation.Operation);
            var huge = await admin.GetAsync(url + "?limit=100000", Ct);
            var body = await huge.Content.ReadAsStringAsync(Ct);
            if (huge.StatusCode == HttpStatusCode.OK)
            {
                var items = JsonDocument.Parse(body).RootElement.TryGetProperty("items", out var i) ? i.GetArrayLength() : -1;
                if (items is < 0 or > MaxPage)
                {
                    failures.Add($"GET {operation.Path}?limit=100000: {items} items");
                }
            }
            else if (huge.StatusCode != HttpStatusCode.BadRequest && huge.StatusCode != HttpStatusCode.NotFound)
            {
                failures.Add($"GET {operation.Path}?limit=100000: {(int)huge.StatusCode}");
            }

            var negative = await admin.GetAsync(url + "?limit=-1", Ct);
            if (negative.StatusCode != HttpStatusCode.BadRequest && negative.StatusCode != HttpStatusCode.NotFound
                || negative.Content.Headers.ContentType?.MediaType != "application/problem+json")
            {
                failures.Add($"GET {operation.Path}?limit=-1: {(int)negative.StatusCode}");
            }
        }

        SecurityWalk.AssertWalk(failures, walked, 15, "List operations that answered more than 100 items or took a negative limit");
        var page = await admin.GetPageAsync($"/api/v1/parts?q={seed.Tag}&limit=100000");
        Assert.Equal(MaxPage, page.Items().Count);
        Assert.NotNull(page.NextCursor());
    }

    [Fact]
    public async Task Every_operation_taking_a_body_refuses_one_over_its_limit_with_a_413_problem()
    {
        var admin = factory.CreateUserClient(Roles.Admin);
        var anonymous = factory.CreateClient();
        var limits = SecurityWalk.Endpoints(factory)
            .SelectMany(e => e.Methods.Select(m => (Key: (m, e.Path), Limit: e.Endpoint.Metadata.GetMetadata<IRequestSizeLimitMetadata>()?.MaxRequestBodySize)))
            .GroupBy(x => x.Key).ToDictionary(g => g.Key, g => g.First().Limit);
        var failures = new List<string>();
        var walked = 0;
        foreach (var operation in (await SecurityWalk.OperationsAsync(factory)).Where(o => o.TakesBody))
        {
            walked++;
            var limit = limits.GetValueOrDefault((operation.Method, operation.Path)) ?? 4096;
            using var request = new HttpRequestMessage(new HttpMethod(operation.Method), SecurityWalk.Concrete(operation.Path, operation.Operation))
            {
                Content = new ByteArrayContent(Oversized(limit)) { Headers = { ContentType = new MediaTypeHeaderValue("application/json") } },
            };
            var response = await (operation.IsSecured ? admin : anonymous).SendAsync(request, Ct);
            var type = response.Content.Headers.ContentType?.MediaType;
            if (response.StatusCode != HttpStatusCode.RequestEntityTooLarge || type != "application/problem+json")
            {
                failures.Add($"{operation.Method} {operation.Path} (limit {limit}): {(int)response.StatusCode} {type}");
            }
        }

        SecurityWalk.AssertWalk(failures, walked, 40, "Operations that did not refuse a body over their limit with a 413 problem");
    }

    [Fact]
    public async Task One_identity_over_its_quota_gets_a_429_problem_with_Retry_After_on_every_operation()
    {
        var exhausted = flood.CreateUserClient(Roles.Admin);
        for (var i = 0; i < FloodFactory.PerIdentity; i++)
        {
            Assert.NotEqual(HttpStatusCode.TooManyRequests, (await exhausted.GetAsync("/api/v1/users/me", Ct)).StatusCode);
        }

        var failures = new List<string>();
        var walked = 0;
        // The token endpoint is not called with a bearer token: its own per-address quota is in the sign-in flood test.
        foreach (var operation in (await SecurityWalk.OperationsAsync(flood)).Where(o => o.Path != "/oauth/token"))
        {
            walked++;
            using var request = SecurityWalk.Request(operation);
            var response = await exhausted.SendAsync(request, Ct);
            if (await RateLimitedAsync(response) is { } why)
            {
                failures.Add($"{operation.Method} {operation.Path}: {why}");
            }
        }

        SecurityWalk.AssertWalk(failures, walked, 100, "Operations a flooding identity could still call");
        // Another identity from the same address keeps its own budget.
        Assert.Equal(HttpStatusCode.OK, (await flood.CreateUserClient(Roles.Customer).GetAsync("/api/v1/orders", Ct)).StatusCode);
    }

    [Fact]
    public async Task An_anonymous_address_over_its_quota_gets_a_429_problem_with_Retry_After_and_others_do_not()
    {
        var address = IPAddress.Parse("203.0.113." + Random.Shared.Next(1, 250));
        for (var i = 0; i < FloodFactory.PerIp; i++)
        {
            var allowed = await SendFromAsync(address, "GET", "/api/v1/vehicles/makes");
            Assert.Equal(StatusCodes.Status200OK, allowed.StatusCode);
        }

        var limited = await SendFromAsync(address, "GET", "/api/v1/vehicles/makes");

        Assert.Equal(StatusCodes.Status429TooManyRequests, limited.StatusCode);
        Assert.Equal("application/problem+json", limited.ContentType);
        Assert.True(int.Parse(limited.RetryAfter!) >= 1);
        Assert.Equal(StatusCodes.Status200OK, (await SendFromAsync(IPAddress.Parse("198.51.100.7"), "GET", "/api/v1/vehicles/makes")).StatusCode);
    }

    [Fact]
    public async Task Sign_in_floods_from_one_address_get_a_429_problem_before_the_general_quota()
    {
        // The test host's own address: no other test of this class signs in anonymously from it.
        var client = flood.CreateClient();
        var credentials = new { email = IdentityTestExtensions.UniqueEmail(), password = "Guess-password-123" };
        for (var i = 0; i < FloodFactory.Auth; i++)
        {
            await (await client.PostAsJsonAsync("/api/v1/auth/login", credentials, Ct)).AssertProblemAsync(HttpStatusCode.Unauthorized);
        }

        var limited = await client.PostAsJsonAsync("/api/v1/auth/login", credentials, Ct);
        var register = await client.PostAsJsonAsync("/api/v1/auth/register",
            new { email = IdentityTestExtensions.UniqueEmail(), password = IdentityTestExtensions.StrongPassword(), name = "Flood" }, Ct);

        await limited.AssertProblemAsync(HttpStatusCode.TooManyRequests, "rate_limited");
        Assert.True(limited.Headers.RetryAfter?.Delta?.TotalSeconds >= 1);
        await register.AssertProblemAsync(HttpStatusCode.TooManyRequests, "rate_limited");
    }

    private static async Task<string?> RateLimitedAsync(HttpResponseMessage response)
    {
        var type = response.Content.Headers.ContentType?.MediaType;
        if (response.StatusCode != HttpStatusCode.TooManyRequests || type != "application/problem+json")
        {
            return $"{(int)response.StatusCode} {type}";
        }

        if (response.Headers.RetryAfter?.Delta is not { TotalSeconds: >= 1 })
        {
            return "429 without Retry-After";
        }

        var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct)).RootElement;
        return problem.GetProperty("status").GetInt32() == 429 ? null : "status member " + problem.GetProperty("status");
    }

    private sealed record Answer(int StatusCode, string? ContentType, string? RetryAfter);

    /// <summary>Sends a request as if from <paramref name="address"/>, so each test floods an address of its own.</summary>
    private async Task<Answer> SendFromAsync(IPAddress address, string method, string path)
    {
        var context = await flood.Server.SendAsync(c =>
        {
            c.Connection.RemoteIpAddress = address;
            c.Request.Method = method;
            c.Request.Path = path;
        }, Ct);
        var type = context.Response.ContentType?.Split(';')[0];
        return new Answer(context.Response.StatusCode, type, context.Response.Headers.RetryAfter.FirstOrDefault());
    }

    /// <summary>A JSON body one byte over <paramref name="limit"/>.</summary>
    private static byte[] Oversized(long limit)
    {
        var bytes = new byte[limit + 1];
        Array.Fill(bytes, (byte)' ');
        bytes[0] = (byte)'{';
        bytes[^1] = (byte)'}';
        return bytes;
    }
}
