using System.Diagnostics.CodeAnalysis;
using System.Text.Json.Serialization;
using Axle.Api.Platform.Http;
using Cronos;

namespace Axle.Api.Features.Suppliers.Feeds;

[JsonConverter(typeof(JsonStringEnumConverter<FeedFormat>))]
public enum FeedFormat
{
    /// <summary><c>GET url?limit=…&amp;cursor=…</c> → <c>{"items":[…],"nextCursor":"…"|null}</c>.</summary>
    [JsonStringEnumMemberName("json_cursor")] JsonCursor = 1,

    /// <summary><c>GET url?page=…&amp;pageSize=…</c> → <c>{"items":[…],"page":1,"pageSize":500,"totalPages":N}</c>.</summary>
    [JsonStringEnumMemberName("json_page")] JsonPage,

    /// <summary>A whole CSV file with a header row.</summary>
    [JsonStringEnumMemberName("csv_file")] CsvFile,

    /// <summary>A whole JSON file holding one array of objects.</summary>
    [JsonStringEnumMemberName("json_file")] JsonFile,
}

[JsonConverter(typeof(JsonStringEnumConverter<FeedAuthKind>))]
public enum FeedAuthKind
{
    [JsonStringEnumMemberName("none")] None = 1,
    [JsonStringEnumMemberName("api_key")] ApiKey,
    [JsonStringEnumMemberName("basic")] Basic,
    [JsonStringEnumMemberName("oauth2_client_credentials")] OAuth2ClientCredentials,
}

/// <summary>How the client authenticates at the token endpoint (RFC 6749 §2.3.1): HTTP Basic (which every server must accept)
/// or <c>client_id</c>/<c>client_secret</c> form fields.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<TokenClientAuth>))]
public enum TokenClientAuth
{
    [JsonStringEnumMemberName("basic")] Basic = 1,
    [JsonStringEnumMemberName("body")] Body,
}

/// <summary>Query parameter and response property names; the defaults are what the supplier simulator speaks.</summary>
public sealed record FeedPagination
{
    public string CursorParam { get; init; } = "cursor";
    public string LimitParam { get; init; } = "limit";
    public string PageParam { get; init; } = "page";
    public string PageSizeParam { get; init; } = "pageSize";
    public string UpdatedSinceParam { get; init; } = "updated_since";
    public string ItemsProperty { get; init; } = "items";
    public string NextCursorProperty { get; init; } = "nextCursor";
    public string TotalPagesProperty { get; init; } = "totalPages";

    /// <summary>
    /// The query parameter by which the feed returns only the listed part numbers (comma-separated), e.g. <c>partNos</c>;
    /// null when it has none. With it, incremental runs fetch the parts selling now first (open orders, fast movers).
    /// </summary>
    public string? PartNumbersParam { get; init; }
}

/// <summary>The non-secret half of authentication; secrets live in <see cref="FeedCredentials"/>.</summary>
public sealed record FeedAuth
{
    public FeedAuthKind Kind { get; init; } = FeedAuthKind.None;
    public string ApiKeyHeader { get; init; } = "X-Api-Key";
    public string? TokenUrl { get; init; }
    public string? Scope { get; init; }
    public TokenClientAuth TokenClientAuth { get; init; } = TokenClientAuth.Basic;
}

/// <summary>A daily window, in <see cref="FeedScheduleSettings.TimeZone"/>, outside which pulls are moved to its next start.
/// <see cref="End"/> before <see cref="Start"/> spans midnight (22:00–06:00).</summary>
public sealed record FeedOffPeakWindow(TimeOnly Start, TimeOnly End)
{
    public bool Contains(TimeOnly time) => Start < End ? time >= Start && time < End : time >= Start || time < End;
}

/// <summary>Either a fixed <see cref="Interval"/> or a <see cref="Cron"/> expression (5 fields, or 6 with seconds), evaluated
/// in <see cref="TimeZone"/>; neither means every <see cref="DefaultInterval"/>. Optionally confined to an off-peak window.</summary>
public sealed record FeedScheduleSettings
{
    public static readonly TimeSpan MinimumInterval = TimeSpan.FromMinutes(1);
    public static readonly TimeSpan DefaultInterval = TimeSpan.FromMinutes(15);

    public TimeSpan? Interval { get; init; }
    public string? Cron { get; init; }
    public string TimeZone { get; init; } = "UTC";
    public FeedOffPeakWindow? OffPeak { get; init; }

    internal static bool TryParseCron(string? expression, [NotNullWhen(true)] out CronExpression? cron)
    {
        cron = null;
        if (string.IsNullOrWhiteSpace(expression))
        {
            return false;
        }

        var format = expression.Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries).Length == 6
            ? CronFormat.IncludeSeconds
            : CronFormat.Standard;
        return CronExpression.TryParse(expression.Trim(), format, out cron);
    }
}

/// <summary>One supplier's pull configuration, stored as JSON (camelCase, web defaults). <see cref="Validate"/> gives the
/// field errors for a 400; <see cref="ValidateAsync"/> adds the SSRF check of every URL.</summary>
public sealed record FeedSettings
{
    public const int MaxPageSize = 10_000;

    public string Url { get; init; } = "";
    public FeedFormat Format { get; init; } = FeedFormat.JsonCursor;
    public FeedPagination Pagination { get; init; } = new();
    public int PageSize { get; init; } = 500;
    public FeedAuth Auth { get; init; } = new();
    public FeedScheduleSettings Schedule { get; init; } = new();

    /// <summary>Requests per minute this supplier accepts from us; null = no client-side limit.</summary>
    public int? RateLimitPerMinute { get; init; }

    /// <summary>Timeout of one attempt; null = <see cref="FeedClientOptions.AttemptTimeout"/>.</summary>
    public int? TimeoutSeconds { get; init; }

    /// <summary>Where orders for this supplier are transmitted, if anywhere.</summary>
    public string? OrderUrl { get; init; }

    public bool IsFile => Format is FeedFormat.CsvFile or FeedFormat.JsonFile;

    internal int EffectivePageSize => Math.Clamp(PageSize, 1, MaxPageSize);

    public IReadOnlyDictionary<string, string[]> Validate()
    {
        var errors = new Dictionary<string, List<string>>();
        void Add(string field, string message)
        {
            if (!errors.TryGetValue(field, out var list))
            {
                errors[field] = list = [];
            }

            list.Add(message);
        }

        if (UrlShapeError(Url, required: true) is { } urlError)
        {
            Add("url", urlError);
        }

        if (OrderUrl is not null && UrlShapeError(OrderUrl, required: true) is { } orderError)
        {
            Add("orderUrl", orderError);
        }

        if (!Enum.IsDefined(Format))
        {
            Add("format", "Use json_cursor, json_page, csv_file or json_file.");
        }

        if (PageSize is < 1 or > MaxPageSize)
        {
            Add("pageSize", $"Must be between 1 and {MaxPageSize}.");
        }

        ValidatePagination(Add);
        ValidateAuth(Add);
        ValidateSchedule(Add);

        if (RateLimitPerMinute is < 1 or > 60_000)
        {
            Add("rateLimitPerMinute", "Must be between 1 and 60000, or absent for no limit.");
        }

        if (TimeoutSeconds is < 1 or > 600)
        {
            Add("timeoutSeconds", "Must be between 1 and 600.");
        }

        return errors.ToDictionary(e => e.Key, e => e.Value.ToArray());
    }

    /// <summary><see cref="Validate"/> plus the SSRF guard (with DNS) on the feed, order and token URLs.</summary>
    public async Task<IReadOnlyDictionary<string, string[]>> ValidateAsync(OutboundUrlGuard guard, CancellationToken ct)
    {
        var errors = Validate().ToDictionary(e => e.Key, e => e.Value);
        foreach (var (field, url) in new[] { ("url", Url), ("orderUrl", OrderUrl), ("auth.tokenUrl", Auth.TokenUrl) })
        {
            if (url is null || errors.ContainsKey(field) || !Uri.TryCreate(url, UriKind.Absolute, out var uri))
            {
                continue;
            }

            if (await guard.CheckAsync(uri, ct) is { } error)
            {
                errors[field] = [error];
            }
        }

        return errors;
    }

    private void ValidatePagination(Action<string, string> add)
    {
        var p = Pagination;
        foreach (var (field, value) in new[]
        {
            ("cursorParam", p.CursorParam), ("limitParam", p.LimitParam), ("pageParam", p.PageParam),
            ("pageSizeParam", p.PageSizeParam), ("updatedSinceParam", p.UpdatedSinceParam), ("itemsProperty", p.ItemsProperty),
            ("nextCursorProperty", p.NextCursorProperty), ("totalPagesProperty", p.TotalPagesProperty),
        })
        {
            if (string.IsNullOrWhiteSpace(value) || value.Length > 100)
            {
                add($"pagination.{field}", "Required, at most 100 characters.");
            }
        }

        if (p.PartNumbersParam is { } partNumbers && (string.IsNullOrWhiteSpace(partNumbers) || partNumbers.Length > 100))
        {
            add("pagination.partNumbersParam", "Omit it, or at most 100 characters.");
        }
    }

    private void ValidateAuth(Action<string, string> add)
    {
        switch (Auth.Kind)
        {
            case FeedAuthKind.None or FeedAuthKind.Basic:
                break;
            case FeedAuthKind.ApiKey:
                if (string.IsNullOrWhiteSpace(Auth.ApiKeyHeader) || !Auth.ApiKeyHeader.All(IsTokenChar))
                {
                    add("auth.apiKeyHeader", "Must be a valid header name.");
                }

                break;
            case FeedAuthKind.OAuth2ClientCredentials:
                if (UrlShapeError(Auth.TokenUrl, required: true) is { } tokenError)
                {
                    add("auth.tokenUrl", tokenError);
                }

                if (!Enum.IsDefined(Auth.TokenClientAuth))
                {
                    add("auth.tokenClientAuth", "Use basic or body.");
                }

                break;
            default:
                add("auth.kind", "Use none, api_key, basic or oauth2_client_credentials.");
                break;
        }
    }

    private void ValidateSchedule(Action<string, string> add)
    {
        var s = Schedule;
        if (s.Interval is not null && s.Cron is not null)
        {
            add("schedule", "Set interval or cron, not both.");
        }

        if (s.Interval is { } interval && (interval < FeedScheduleSettings.MinimumInterval || interval > TimeSpan.FromDays(31)))
        {
            add("schedule.interval", "Must be between 1 minute and 31 days.");
        }

        if (s.Cron is not null && !FeedScheduleSettings.TryParseCron(s.Cron, out _))
        {
            add("schedule.cron", "Not a valid cron expression (5 fields, or 6 with seconds).");
        }

        if (!TimeZoneInfo.TryFindSystemTimeZoneById(s.TimeZone ?? "", out _))
        {
            add("schedule.timeZone", "Unknown time zone id.");
        }

        if (s.OffPeak is { } window && window.Start == window.End)
        {
            add("schedule.offPeak", "Start and end must differ.");
        }
    }

    internal static string? UrlShapeError(string? url, bool required)
    {
        if (string.IsNullOrWhiteSpace(url))
        {
            return required ? "Required." : null;
        }

        if (url.Length > 2000)
        {
            return "At most 2000 characters.";
        }

        return Uri.TryCreate(url, UriKind.Absolute, out var uri) ? OutboundUrlGuard.CheckShape(uri) : "Must be an absolute URL.";
    }

    private static bool IsTokenChar(char c) => char.IsAsciiLetterOrDigit(c) || "!#$%&'*+-.^_`|~".Contains(c);
}

/// <summary>
/// The secret half, encrypted at rest by the caller. Which fields are needed depends on <see cref="FeedAuth.Kind"/>.
/// <see cref="ToString"/> never prints a secret.
/// </summary>
public sealed record FeedCredentials
{
    public string? ApiKey { get; init; }
    public string? Username { get; init; }
    public string? Password { get; init; }
    public string? ClientId { get; init; }
    public string? ClientSecret { get; init; }

    public IReadOnlyDictionary<string, string[]> Validate(FeedAuthKind kind)
    {
        var errors = new Dictionary<string, string[]>();
        void Require(string field, string? value)
        {
            if (string.IsNullOrEmpty(value))
            {
                errors[field] = ["Required for this authentication kind."];
            }
            else if (value.Length > 4096 || value.Any(char.IsControl))
            {
                errors[field] = ["At most 4096 characters, no control characters."];
            }
        }

        switch (kind)
        {
            case FeedAuthKind.ApiKey:
                Require("apiKey", ApiKey);
                break;
            case FeedAuthKind.Basic:
                Require("username", Username);
                Require("password", Password);
                if (Username?.Contains(':', StringComparison.Ordinal) == true)
                {
                    errors["username"] = ["Must not contain ':'."];
                }

                break;
            case FeedAuthKind.OAuth2ClientCredentials:
                Require("clientId", ClientId);
                Require("clientSecret", ClientSecret);
                break;
        }

        return errors;
    }

    public override string ToString() => "FeedCredentials { (redacted) }";
}
