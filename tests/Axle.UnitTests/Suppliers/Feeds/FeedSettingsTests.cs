using System.Text.Json;
using Axle.Api.Features.Suppliers.Feeds;
using Axle.Api.Platform.Http;
using Microsoft.Extensions.Options;

namespace Axle.UnitTests.Suppliers.Feeds;

public sealed class FeedSettingsTests
{
    private static readonly JsonSerializerOptions Web = new(JsonSerializerDefaults.Web);

    private static FeedSettings Valid => new() { Url = "https://feeds.example.com/feed/stock" };

    [Fact]
    public void Defaults_with_a_url_are_valid_and_match_the_simulator()
    {
        var settings = Valid;

        Assert.Empty(settings.Validate());
        Assert.Equal(FeedFormat.JsonCursor, settings.Format);
        Assert.Equal(500, settings.PageSize);
        Assert.Equal(("cursor", "limit", "updated_since", "items", "nextCursor", "totalPages", "pageSize"),
            (settings.Pagination.CursorParam, settings.Pagination.LimitParam, settings.Pagination.UpdatedSinceParam,
             settings.Pagination.ItemsProperty, settings.Pagination.NextCursorProperty, settings.Pagination.TotalPagesProperty,
             settings.Pagination.PageSizeParam));
        Assert.Equal("X-Api-Key", settings.Auth.ApiKeyHeader);
    }

    [Fact]
    public void Settings_round_trip_as_camel_case_json_with_snake_case_kinds()
    {
        var settings = Valid with
        {
            Format = FeedFormat.CsvFile,
            Auth = new FeedAuth { Kind = FeedAuthKind.OAuth2ClientCredentials, TokenUrl = "https://feeds.example.com/oauth/token" },
            Schedule = new FeedScheduleSettings { Cron = "0 2 * * *", OffPeak = new FeedOffPeakWindow(new TimeOnly(22, 0), new TimeOnly(6, 0)) },
        };

        var json = JsonSerializer.Serialize(settings, Web);
        var back = JsonSerializer.Deserialize<FeedSettings>(json, Web)!;

        Assert.Contains("\"format\":\"csv_file\"", json, StringComparison.Ordinal);
        Assert.Contains("\"kind\":\"oauth2_client_credentials\"", json, StringComparison.Ordinal);
        Assert.Equal(settings.Schedule, back.Schedule);
        Assert.Equal(settings.Auth, back.Auth);
        Assert.Equal(settings.Format, back.Format);
    }

    [Fact]
    public void A_minimal_json_document_gets_the_defaults()
    {
        var settings = JsonSerializer.Deserialize<FeedSettings>(
            """{"url":"https://s.example.com/feed/stock/pages","format":"json_page","schedule":{"interval":"00:05:00"}}""", Web)!;

        Assert.Empty(settings.Validate());
        Assert.Equal(FeedFormat.JsonPage, settings.Format);
        Assert.Equal("page", settings.Pagination.PageParam);
        Assert.Equal(TimeSpan.FromMinutes(5), settings.Schedule.Interval);
    }

    private static readonly Dictionary<string, (FeedSettings Settings, string Field)> InvalidCases = new()
    {
        ["0"] = (Valid with { Url = "" }, "url"),
        ["1"] = (Valid with { Url = "feeds.example.com/stock" }, "url"),
        ["2"] = (Valid with { Url = "file:///etc/passwd" }, "url"),
        ["3"] = (Valid with { Url = "ftp://feeds.example.com/stock.csv" }, "url"),
        ["4"] = (Valid with { Url = "https://user:pass@feeds.example.com/" }, "url"),
        ["5"] = (Valid with { OrderUrl = "gopher://x" }, "orderUrl"),
        ["6"] = (Valid with { Format = (FeedFormat)99 }, "format"),
        ["7"] = (Valid with { PageSize = 0 }, "pageSize"),
        ["8"] = (Valid with { PageSize = 1_000_000 }, "pageSize"),
        ["9"] = (Valid with { Pagination = new FeedPagination { ItemsProperty = "" } }, "pagination.itemsProperty"),
        ["10"] = (Valid with { Auth = new FeedAuth { Kind = FeedAuthKind.OAuth2ClientCredentials } }, "auth.tokenUrl"),
        ["11"] = (Valid with { Auth = new FeedAuth { Kind = FeedAuthKind.ApiKey, ApiKeyHeader = "X Api Key" } }, "auth.apiKeyHeader"),
        ["12"] = (Valid with { Auth = new FeedAuth { Kind = (FeedAuthKind)42 } }, "auth.kind"),
        ["13"] = (Valid with { Schedule = new FeedScheduleSettings { Interval = TimeSpan.FromSeconds(30) } }, "schedule.interval"),
        ["14"] = (Valid with { Schedule = new FeedScheduleSettings { Cron = "every hour" } }, "schedule.cron"),
        ["15"] = (Valid with { Schedule = new FeedScheduleSettings { Cron = "61 * * * *" } }, "schedule.cron"),
        ["16"] = (Valid with { Schedule = new FeedScheduleSettings { Cron = "0 * * * *", Interval = TimeSpan.FromMinutes(5) } }, "schedule"),
        ["17"] = (Valid with { Schedule = new FeedScheduleSettings { TimeZone = "Mars/Olympus" } }, "schedule.timeZone"),
        ["18"] = (Valid with { Schedule = new FeedScheduleSettings { OffPeak = new(new TimeOnly(1, 0), new TimeOnly(1, 0)) } }, "schedule.offPeak"),
        ["19"] = (Valid with { RateLimitPerMinute = 0 }, "rateLimitPerMinute"),
        ["20"] = (Valid with { TimeoutSeconds = 0 }, "timeoutSeconds"),
        ["21"] = (Valid with { Pagination = new FeedPagination { PartNumbersParam = " " } }, "pagination.partNumbersParam"),
        ["22"] = (Valid with { Pagination = new FeedPagination { PartNumbersParam = new string('p', 101) } }, "pagination.partNumbersParam"),
    };

    public static TheoryData<string> Invalid => [.. InvalidCases.Keys];

    [Theory]
    [MemberData(nameof(Invalid))]
    public void Invalid_settings_name_the_field(string name)
    {
        var (settings, field) = InvalidCases[name];

        Assert.Contains(field, settings.Validate().Keys);
    }

    [Fact]
    public async Task ValidateAsync_adds_the_ssrf_check_with_dns()
    {
        var guard = new OutboundUrlGuard(new StaticOptions(new OutboundUrlOptions()), new FixedResolver("192.168.1.10"));
        var settings = Valid with
        {
            Auth = new FeedAuth { Kind = FeedAuthKind.OAuth2ClientCredentials, TokenUrl = "https://169.254.169.254/token" },
        };

        var errors = await settings.ValidateAsync(guard, TestContext.Current.CancellationToken);

        Assert.Contains("private", errors["url"][0], StringComparison.Ordinal);
        Assert.Contains("link-local", errors["auth.tokenUrl"][0], StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(FeedAuthKind.None, "")]
    [InlineData(FeedAuthKind.ApiKey, "apiKey")]
    [InlineData(FeedAuthKind.Basic, "username,password")]
    [InlineData(FeedAuthKind.OAuth2ClientCredentials, "clientId,clientSecret")]
    public void Credentials_require_the_secrets_of_their_kind(FeedAuthKind kind, string fields)
    {
        var errors = new FeedCredentials().Validate(kind);

        Assert.Equal(fields.Split(',', StringSplitOptions.RemoveEmptyEntries).Order(), errors.Keys.Order());
    }

    [Fact]
    public void Credentials_reject_control_characters_and_never_print_secrets()
    {
        var credentials = new FeedCredentials { ApiKey = "abc\r\nX-Injected: 1" };

        Assert.Contains("apiKey", credentials.Validate(FeedAuthKind.ApiKey).Keys);
        Assert.DoesNotContain("abc", credentials.ToString(), StringComparison.Ordinal);
    }

    private sealed class StaticOptions(OutboundUrlOptions value) : IOptionsMonitor<OutboundUrlOptions>
    {
        public OutboundUrlOptions CurrentValue => value;

        public OutboundUrlOptions Get(string? name) => value;

        public IDisposable? OnChange(Action<OutboundUrlOptions, string?> listener) => null;
    }
}
