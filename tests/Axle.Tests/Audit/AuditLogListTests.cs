using System.Net;
using System.Text.Json;
using Axle.Tests.Infrastructure;

namespace Axle.Tests.Audit;

/// <summary>Tests share one database and isolate themselves by filtering on an action name of their own.</summary>
public sealed class AuditLogListTests(AxleFactory factory) : IClassFixture<AxleFactory>
{
    private const string Url = "/api/v1/admin/audit-log";

    [Fact]
    public async Task List_pages_newest_first_through_next_cursor_and_link_until_the_cursor_is_null()
    {
        var action = UniqueAction();
        var created = await factory.AppendAsync(action, 7);
        await factory.ChainAsync();
        var client = factory.AdminClient();

        var seen = new List<JsonElement>();
        var pages = 0;
        string? next = $"{Url}?action={action}&limit=3";
        while (next is not null)
        {
            var response = await client.GetAsync(next, TestContext.Current.CancellationToken);
            var page = await response.AssertJsonAsync(HttpStatusCode.OK);
            pages++;
            var items = page.GetProperty("items").EnumerateArray().ToList();
            Assert.InRange(items.Count, 1, 3);
            seen.AddRange(items);

            var cursor = page.GetProperty("nextCursor");
            if (cursor.ValueKind == JsonValueKind.Null)
            {
                Assert.False(response.Headers.Contains("Link"));
                next = null;
            }
            else
            {
                var link = Assert.Single(response.Headers.GetValues("Link"));
                Assert.EndsWith("; rel=\"next\"", link, StringComparison.Ordinal);
                next = link[1..link.IndexOf('>', StringComparison.Ordinal)];
                Assert.StartsWith(Url + "?", next, StringComparison.Ordinal);
                Assert.Contains($"action={action}", next, StringComparison.Ordinal);
                Assert.Contains("limit=3", next, StringComparison.Ordinal);
                Assert.Contains("cursor=" + cursor.GetString(), next, StringComparison.Ordinal);
            }
        }

        Assert.Equal(3, pages);
        var ids = seen.Select(i => i.GetProperty("id").GetInt64()).ToList();
        Assert.Equal(ids.Count, ids.Distinct().Count());
        Assert.Equal(created.OrderDescending(), ids);
        var times = seen.Select(i => i.GetProperty("occurredAt").GetDateTime()).ToList();
        Assert.Equal(times.OrderDescending(), times);
    }

    [Fact]
    public async Task List_items_carry_the_entry_its_details_as_json_and_its_chain_position()
    {
        var action = UniqueAction();
        await factory.AppendAsync(action, target: "part/BRK-4471", details: new { sku = "BRK-4471", delta = -2 });
        await factory.ChainAsync();

        var response = await factory.AdminClient().GetAsync($"{Url}?action={action}", TestContext.Current.CancellationToken);

        var item = Assert.Single((await response.AssertJsonAsync(HttpStatusCode.OK)).GetProperty("items").EnumerateArray());
        Assert.Equal(action, item.GetProperty("action").GetString());
        Assert.Equal("part/BRK-4471", item.GetProperty("target").GetString());
        Assert.Equal("user", item.GetProperty("actorType").GetString());
        Assert.Equal("tester", item.GetProperty("actorId").GetString());
        Assert.Equal("success", item.GetProperty("outcome").GetString());
        Assert.Equal(JsonValueKind.Object, item.GetProperty("details").ValueKind);
        Assert.Equal(-2, item.GetProperty("details").GetProperty("delta").GetInt32());
        Assert.True(item.GetProperty("sequence").GetInt64() > 0);
        Assert.Equal(64, item.GetProperty("hash").GetString()!.Length);
        Assert.EndsWith("Z", item.GetProperty("occurredAt").GetString(), StringComparison.Ordinal);
        Assert.True(item.TryGetProperty("ip", out _));
        Assert.True(item.TryGetProperty("traceId", out _));
    }

    [Fact]
    public async Task List_filters_by_actor_and_time_window()
    {
        var action = UniqueAction();
        await factory.AppendAsync(action, 2);
        var client = factory.AdminClient();
        var ct = TestContext.Current.CancellationToken;

        var future = DateTime.UtcNow.AddDays(1).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        var past = DateTime.UtcNow.AddHours(-1).ToString("O", System.Globalization.CultureInfo.InvariantCulture);
        var inWindow = await (await client.GetAsync($"{Url}?action={action}&actorId=tester&from={Uri.EscapeDataString(past)}&to={future}", ct))
            .AssertJsonAsync(HttpStatusCode.OK);
        Assert.Equal(2, inWindow.GetProperty("items").GetArrayLength());

        var afterwards = await (await client.GetAsync($"{Url}?action={action}&from={future}", ct)).AssertJsonAsync(HttpStatusCode.OK);
        Assert.Equal(0, afterwards.GetProperty("items").GetArrayLength());
        Assert.Equal(JsonValueKind.Null, afterwards.GetProperty("nextCursor").ValueKind);

        var otherActor = await (await client.GetAsync($"{Url}?action={action}&actorId=someone-else", ct)).AssertJsonAsync(HttpStatusCode.OK);
        Assert.Equal(0, otherActor.GetProperty("items").GetArrayLength());
    }

    [Fact]
    public async Task List_caps_a_huge_limit_at_100_items()
    {
        var action = UniqueAction();
        await factory.AppendAsync(action, 105);

        var response = await factory.AdminClient().GetAsync($"{Url}?action={action}&limit=100000", TestContext.Current.CancellationToken);

        var page = await response.AssertJsonAsync(HttpStatusCode.OK);
        Assert.Equal(100, page.GetProperty("items").GetArrayLength());
        Assert.Equal(JsonValueKind.String, page.GetProperty("nextCursor").ValueKind);
    }

    [Fact]
    public async Task List_uses_25_items_when_limit_is_absent_or_zero()
    {
        var action = UniqueAction();
        await factory.AppendAsync(action, 30);
        var client = factory.AdminClient();

        foreach (var query in new[] { "", "&limit=0" })
        {
            var page = await (await client.GetAsync($"{Url}?action={action}{query}", TestContext.Current.CancellationToken))
                .AssertJsonAsync(HttpStatusCode.OK);
            Assert.Equal(25, page.GetProperty("items").GetArrayLength());
        }
    }

    [Theory]
    [InlineData("limit=-1", "limit")]
    [InlineData("limit=ten", "limit")]
    [InlineData("from=yesterday", "from")]
    [InlineData("to=2025-13-45", "to")]
    [InlineData("from=2025-02-01&to=2025-01-01", "to")]
    public async Task List_rejects_invalid_parameters_with_a_validation_problem(string query, string field)
    {
        var response = await factory.AdminClient().GetAsync($"{Url}?{query}", TestContext.Current.CancellationToken);

        var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest, "validation_failed");
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), $"no error for {field}");
    }

    [Theory]
    [InlineData("not-a-cursor")]
    [InlineData("Q2ZESjhBQUFBQUFBQUFBQUFBQUFBQUFBQUFB")]
    public async Task List_rejects_a_garbage_cursor_as_invalid_cursor(string cursor)
    {
        var response = await factory.AdminClient().GetAsync($"{Url}?cursor={cursor}", TestContext.Current.CancellationToken);

        await response.AssertProblemAsync(HttpStatusCode.BadRequest, "invalid_cursor");
    }

    [Fact]
    public async Task List_rejects_a_tampered_cursor_as_invalid_cursor()
    {
        var cursor = await FirstCursorAsync(UniqueAction());
        var chars = cursor.ToCharArray();
        var middle = chars.Length / 2;
        chars[middle] = chars[middle] == 'A' ? 'B' : 'A';
        var tampered = new string(chars);

        var response = await factory.AdminClient().GetAsync($"{Url}?cursor={tampered}", TestContext.Current.CancellationToken);

        await response.AssertProblemAsync(HttpStatusCode.BadRequest, "invalid_cursor");
    }

    [Fact]
    public async Task List_rejects_a_cursor_reused_with_other_filters_as_cursor_mismatch()
    {
        var action = UniqueAction();
        var cursor = await FirstCursorAsync(action);
        var client = factory.AdminClient();
        var ct = TestContext.Current.CancellationToken;

        var otherAction = await client.GetAsync($"{Url}?action={action}x&limit=2&cursor={cursor}", ct);
        await otherAction.AssertProblemAsync(HttpStatusCode.BadRequest, "cursor_mismatch");

        var addedFilter = await client.GetAsync($"{Url}?action={action}&actorId=tester&limit=2&cursor={cursor}", ct);
        await addedFilter.AssertProblemAsync(HttpStatusCode.BadRequest, "cursor_mismatch");

        // Only the page size may change between pages.
        var otherLimit = await client.GetAsync($"{Url}?action={action}&limit=5&cursor={cursor}", ct);
        await otherLimit.AssertJsonAsync(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Customers_are_forbidden()
    {
        var response = await factory.CustomerClient().GetAsync(Url, TestContext.Current.CancellationToken);
        await response.AssertProblemAsync(HttpStatusCode.Forbidden);

        var verify = await factory.CustomerClient().GetAsync(Url + "/verify", TestContext.Current.CancellationToken);
        await verify.AssertProblemAsync(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task Anonymous_callers_get_a_401_problem()
    {
        var response = await factory.CreateClient().GetAsync(Url, TestContext.Current.CancellationToken);
        await response.AssertProblemAsync(HttpStatusCode.Unauthorized);

        var verify = await factory.CreateClient().GetAsync(Url + "/verify", TestContext.Current.CancellationToken);
        await verify.AssertProblemAsync(HttpStatusCode.Unauthorized);
    }

    private async Task<string> FirstCursorAsync(string action)
    {
        await factory.AppendAsync(action, 3);
        var response = await factory.AdminClient().GetAsync($"{Url}?action={action}&limit=2", TestContext.Current.CancellationToken);
        var page = await response.AssertJsonAsync(HttpStatusCode.OK);
        return page.GetProperty("nextCursor").GetString()!;
    }

    private static string UniqueAction() => "test." + Guid.NewGuid().ToString("N")[..12];
}
