using System.Net;
using System.Text.Json;
using Axle.Tests.Infrastructure;
using static Axle.Tests.Analytics.AnalyticsKit;

namespace Axle.Tests.Analytics;

public sealed class AnalyticsAccessTests(AxleFactory factory) : IClassFixture<AxleFactory>
{
    [Fact]
    public async Task Anonymous_callers_get_401_and_customers_and_other_staff_403()
    {
        await (await factory.CreateClient().GetAsync(Url, Ct)).AssertProblemAsync(HttpStatusCode.Unauthorized);
        await (await factory.CreateUserClient(Guid.NewGuid()).GetAsync(Url, Ct)).AssertProblemAsync(HttpStatusCode.Forbidden);
        await (await factory.CreateUserClient("order_manager").GetAsync(Url, Ct)).AssertProblemAsync(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task A_machine_client_needs_the_analytics_read_scope()
    {
        var admin = factory.CreateAdminClient();
        var reporting = await admin.CreateMachineClientAsync("BI export", "analytics:read");
        var other = await admin.CreateMachineClientAsync("ERP", "orders:read");
        var anonymous = factory.CreateClient();

        var allowed = factory.CreateBearerClient(await anonymous.GetAccessTokenAsync(reporting));
        var refused = factory.CreateBearerClient(await anonymous.GetAccessTokenAsync(other));

        await (await allowed.GetAsync(Url, Ct)).AssertJsonAsync(HttpStatusCode.OK);
        await (await refused.GetAsync(Url, Ct)).AssertProblemAsync(HttpStatusCode.Forbidden);
    }

    [Theory]
    [InlineData("from=yesterday", "from")]
    [InlineData("from=2026-01-01&to=31.01.2026", "to")]
    [InlineData("from=2026-02-01&to=2026-01-01", "to")]
    [InlineData("from=2026-01-01T10:00:00Z&to=2026-01-01T10:00:00Z", "to")]
    [InlineData("from=2024-01-01&to=2026-01-01", "to")]
    public async Task A_malformed_empty_reversed_or_too_long_range_is_400_naming_the_field(string query, string field)
    {
        var problem = await (await factory.CreateAdminClient().GetAsync($"{Url}?{query}", Ct))
            .AssertProblemAsync(HttpStatusCode.BadRequest, "validation_failed");

        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _));
    }

    [Fact]
    public async Task A_range_of_hours_without_activity_reports_zeros_and_no_percentiles()
    {
        var admin = factory.CreateAdminClient();
        var from = new DateTimeOffset(2001, 1, 1, 0, 0, 0, TimeSpan.Zero);

        var report = await (await admin.GetAsync($"{Url}?from=2001-01-01&to=2001-01-02T00:00:00Z", Ct)).AssertJsonAsync(HttpStatusCode.OK);

        Assert.Equal(from.UtcDateTime, report.GetProperty("from").GetDateTime());
        Assert.Equal(from.UtcDateTime.AddDays(1), report.GetProperty("to").GetDateTime());
        Assert.Equal(0, report.GetProperty("orders").GetProperty("placed").GetInt64());
        Assert.Empty(report.GetProperty("revenue").EnumerateArray());
        Assert.Empty(report.GetProperty("endpoints").EnumerateArray());
        var placedToPaid = report.GetProperty("processingTimes").GetProperty("placedToPaid");
        Assert.Equal(0, placedToPaid.GetProperty("count").GetInt64());
        Assert.Equal(JsonValueKind.Null, placedToPaid.GetProperty("p50Seconds").ValueKind);
    }

    [Fact]
    public async Task Without_a_range_the_report_covers_the_last_30_days_in_whole_hours()
    {
        var now = DateTime.UtcNow;

        var report = await (await factory.CreateAdminClient().GetAsync(Url, Ct)).AssertJsonAsync(HttpStatusCode.OK);

        var to = report.GetProperty("to").GetDateTime();
        Assert.InRange(to, now, now.AddHours(1));
        Assert.Equal(TimeSpan.Zero, TimeSpan.FromTicks(to.Ticks % TimeSpan.TicksPerHour));
        Assert.InRange(to - report.GetProperty("from").GetDateTime(), TimeSpan.FromDays(30), TimeSpan.FromDays(30).Add(TimeSpan.FromHours(1)));
    }

    [Fact]
    public async Task The_report_is_described_in_the_openapi_document_with_its_query_and_response()
    {
        var doc = await (await factory.CreateClient().GetAsync("/openapi/v1.json", Ct)).AssertJsonAsync(HttpStatusCode.OK);

        var get = doc.GetProperty("paths").GetProperty(Url).GetProperty("get");
        Assert.Equal("GetOrderAnalytics", get.GetProperty("operationId").GetString());
        Assert.Equal(["from", "to"], get.GetProperty("parameters").EnumerateArray().Select(p => p.GetProperty("name").GetString()!));
        Assert.True(get.GetProperty("responses").TryGetProperty("400", out _));
        var schema = get.GetProperty("responses").GetProperty("200").GetProperty("content").GetProperty("application/json")
            .GetProperty("schema").GetProperty("$ref").GetString()!.Split('/')[^1];
        var properties = doc.GetProperty("components").GetProperty("schemas").GetProperty(schema).GetProperty("properties");
        foreach (var name in new[] { "orders", "revenue", "processingTimes", "inventoryUpdateDelay", "endpoints" })
        {
            Assert.True(properties.TryGetProperty(name, out _), name);
        }
    }
}
