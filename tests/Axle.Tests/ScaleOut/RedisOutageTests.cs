using System.Net;
using System.Text.Json;
using Axle.Tests.Catalog;
using Axle.Tests.Infrastructure;
using Axle.Tests.Inventory;

namespace Axle.Tests.ScaleOut;

/// <summary>The app configured for a Redis that is not there (nothing listens on port 1).</summary>
public sealed class RedisDownFactory : AxleFactory
{
    protected override IDictionary<string, string?> Overrides => new Dictionary<string, string?>
    {
        ["Redis:Configuration"] = "127.0.0.1:1,connectTimeout=500",
        ["RateLimiting:PerIdentityPermits"] = "3",
        ["RateLimiting:WindowSeconds"] = "600",
    };
}

/// <summary>
/// Redis going down degrades the app, never breaks it: rate limits fall back to each instance's memory (still enforced,
/// per instance), catalog reads run uncached, writes succeed without the evictions they cannot deliver, and readiness
/// says degraded (still 200).
/// </summary>
public sealed class RedisOutageTests(RedisDownFactory factory) : IClassFixture<RedisDownFactory>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Rate_limits_fall_back_to_this_instance_and_still_answer_429()
    {
        var client = factory.CreateUserClient();
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/api/v1/anything", Ct)).StatusCode);
        }

        var limited = await client.GetAsync("/api/v1/anything", Ct);
        await limited.AssertProblemAsync(HttpStatusCode.TooManyRequests, "rate_limited");
        Assert.True(limited.Headers.RetryAfter!.Delta!.Value.TotalSeconds >= 1);
    }

    [Fact]
    public async Task Catalog_reads_and_stock_writes_work_uncached_and_readiness_reports_redis_degraded()
    {
        var kit = new InventoryKit(factory);
        var part = await kit.PartAsync("Hose");
        var warehouse = await kit.WarehouseAsync();
        var anonymous = factory.CreateClient();
        var url = $"{CatalogHttp.Parts}/{part.Id}";

        Assert.Equal(0, (await (await anonymous.GetAsync(url, Ct)).AssertJsonAsync(HttpStatusCode.OK)).GetProperty("availableQuantity").GetInt32());
        await kit.StockAsync(part, warehouse, 4);
        Assert.Equal(4, (await (await anonymous.GetAsync(url, Ct)).AssertJsonAsync(HttpStatusCode.OK)).GetProperty("availableQuantity").GetInt32());
        Assert.NotEmpty((await anonymous.GetPageAsync($"{CatalogHttp.Parts}?q={Uri.EscapeDataString(part.Name)}")).Items());

        var ready = await anonymous.GetAsync("/health/ready", Ct);
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        var health = JsonDocument.Parse(await ready.Content.ReadAsStringAsync(Ct)).RootElement;
        Assert.Equal("degraded", health.GetProperty("status").GetString());
        Assert.Equal("degraded", health.GetProperty("checks").GetProperty("redis").GetProperty("status").GetString());
        Assert.Equal("healthy", health.GetProperty("checks").GetProperty("database").GetProperty("status").GetString());
    }
}
