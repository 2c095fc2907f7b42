namespace Axle.Api.Features.Suppliers.Feeds;

/// <summary>
/// One call to a supplier feed. <see cref="SupplierKey"/> selects the supplier's own circuit breaker and rate limiter.
/// <see cref="Cursor"/> (json_cursor) or <see cref="Page"/> (json_page, default 1) positions the page;
/// <see cref="ETag"/>/<see cref="LastModified"/> from the previous fetch make it conditional; <see cref="SkipThroughPosition"/>
/// makes a file run resume after what was already committed.
/// </summary>
public sealed record FeedRequest(string SupplierKey, FeedSettings Settings, FeedCredentials? Credentials = null)
{
    public string? Cursor { get; init; }
    public int? Page { get; init; }
    public DateTime? UpdatedSince { get; init; }
    public string? ETag { get; init; }
    public DateTimeOffset? LastModified { get; init; }
    public long? SkipThroughPosition { get; init; }

    /// <summary>Only these part numbers (<see cref="FeedPagination.PartNumbersParam"/>), for the priority pass of an incremental run.</summary>
    public IReadOnlyList<string>? PartNumbers { get; init; }
}

public enum FeedFailureKind
{
    /// <summary>May succeed later unchanged: retry the run (after <see cref="FeedFailure.RetryAfter"/> when given).</summary>
    Transient = 1,

    /// <summary>Will fail again until someone changes something (settings, credentials, the supplier's data).</summary>
    Permanent,
}

/// <summary>An expected failure of a feed call, as a value. <see cref="PayloadSnippet"/> holds the start of the body for the
/// dead letter.</summary>
public sealed record FeedFailure(FeedFailureKind Kind, string Code, string Message, int? StatusCode = null, string? PayloadSnippet = null)
{
    public TimeSpan? RetryAfter { get; init; }
}

/// <summary>Stable <see cref="FeedFailure.Code"/> values.</summary>
public static class FeedFailureCodes
{
    /// <summary>The cursor is too old (410 <c>{"error":"cursor_expired"}</c>): restart from the updated_since checkpoint.</summary>
    public const string CursorExpired = "cursor_expired";

    public const string Unauthorized = "unauthorized";
    public const string Forbidden = "forbidden";
    public const string NotFound = "not_found";

    /// <summary>Any other 4xx.</summary>
    public const string ClientError = "client_error";

    /// <summary>A 3xx: redirects are never followed (they could lead to an internal address).</summary>
    public const string RedirectRefused = "redirect_refused";

    /// <summary>5xx after the retries ran out.</summary>
    public const string ServerError = "server_error";

    /// <summary>429 after the retries ran out, or with a Retry-After longer than we wait in place.</summary>
    public const string Throttled = "throttled";

    public const string Timeout = "timeout";
    public const string NetworkError = "network_error";

    /// <summary>The supplier's circuit is open after sustained failures; no request was sent.</summary>
    public const string CircuitOpen = "circuit_open";

    /// <summary>The URL or the address it resolved to is not allowed (SSRF guard); no request was sent.</summary>
    public const string UrlRefused = "url_refused";

    public const string ResponseTooLarge = "response_too_large";
    public const string MalformedJson = "malformed_json";

    /// <summary>The page has no items array.</summary>
    public const string MissingItems = "missing_items";

    /// <summary>Valid JSON or CSV of the wrong shape (wrong types, bad header).</summary>
    public const string InvalidPayload = "invalid_payload";

    public const string MalformedCsv = "malformed_csv";

    /// <summary>The OAuth token endpoint refused or answered nonsense.</summary>
    public const string TokenFailed = "token_failed";

    /// <summary>The settings or credentials cannot make this call (missing secret, a page call on a file format).</summary>
    public const string InvalidSettings = "invalid_settings";
}

/// <summary>One record that could not be read, reported without stopping the page or the file.</summary>
public sealed record FeedRecordFailure(long Position, string Reason, string RawSnippet);

/// <summary>What a call cost: attempts sent, retries made (and the delay each chose), time waiting for the supplier's rate
/// limiter, the last HTTP status.</summary>
public sealed record FeedCallStats(int Attempts, int Retries, IReadOnlyList<TimeSpan> RetryDelays, TimeSpan ThrottleWait, int? StatusCode)
{
    public static readonly FeedCallStats None = new(0, 0, [], TimeSpan.Zero, null);
}

/// <summary>
/// One page of a JSON API feed: records with their index in the page, or <see cref="NotModified"/> (304, nothing to do), or
/// a <see cref="Failure"/>. <see cref="HasMore"/> says whether to ask for <see cref="NextCursor"/>/<see cref="NextPage"/>.
/// </summary>
public sealed record FeedPageResult
{
    public FeedFailure? Failure { get; init; }
    public bool NotModified { get; init; }
    public IReadOnlyList<RawRecord> Records { get; init; } = [];
    public IReadOnlyList<FeedRecordFailure> RecordFailures { get; init; } = [];
    public string? NextCursor { get; init; }
    public int? NextPage { get; init; }
    public int? TotalPages { get; init; }
    public string? ETag { get; init; }
    public DateTimeOffset? LastModified { get; init; }
    public FeedCallStats Stats { get; init; } = FeedCallStats.None;

    public bool IsSuccess => Failure is null;
    public bool HasMore => NextCursor is not null || NextPage is not null;
}

/// <summary>A chunk of at most pageSize records of a file, with the positions (CSV record line, JSON array index) they came
/// from. A chunk with <see cref="Failure"/> is the last one: the file's structure broke at that point.</summary>
public sealed record FeedFileChunk(IReadOnlyList<RawRecord> Records, IReadOnlyList<FeedRecordFailure> RecordFailures, long LastPosition)
{
    public FeedFailure? Failure { get; init; }
}

/// <summary>What a supplier answered to an order: its acknowledgement (2xx with its order id when it gave one), or a <see cref="Failure"/>.</summary>
public sealed record OrderSendResult
{
    public FeedFailure? Failure { get; init; }
    public int? StatusCode { get; init; }
    public string? SupplierOrderId { get; init; }

    /// <summary>The start of the acknowledgement body.</summary>
    public string? Body { get; init; }
    public FeedCallStats Stats { get; init; } = FeedCallStats.None;

    public bool IsSuccess => Failure is null;
}
