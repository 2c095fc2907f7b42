using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Axle.Api.Platform.Http;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Options;
using Polly.CircuitBreaker;
using Polly.RateLimiting;
using Polly.Timeout;

namespace Axle.Api.Features.Suppliers.Feeds;

/// <summary>
/// Pulls supplier feeds over HTTP. JSON API pages via <see cref="FetchPageAsync"/>; whole CSV/JSON files via
/// <see cref="OpenFileAsync"/>, streamed in chunks. Retries, per-supplier circuit breaker, per-supplier rate limit and
/// timeouts come from the resilience pipeline registered in <see cref="FeedsSetup"/>; this class turns what comes back into
/// values: records, 304, or a <see cref="FeedFailure"/>. Only the caller's cancellation is thrown.
/// </summary>
internal sealed class SupplierFeedClient
{
    private static readonly JsonDocumentOptions DocumentOptions = new() { MaxDepth = 64 };
    private const int MaxTokenBytes = 64 * 1024;

    private readonly HttpClient http;
    private readonly FeedTokenCache tokens;
    private readonly FeedClientOptions options;
    private readonly TimeProvider time;

    public SupplierFeedClient(HttpClient http, FeedTokenCache tokens, IOptions<FeedClientOptions> options, TimeProvider time)
    {
        this.http = http;
        this.tokens = tokens;
        this.options = options.Value;
        this.time = time;
    }

    /// <summary>One page of a <c>json_cursor</c> or <c>json_page</c> feed.</summary>
    public async Task<FeedPageResult> FetchPageAsync(FeedRequest request, CancellationToken ct)
    {
        var settings = request.Settings;
        if (settings.Format is not (FeedFormat.JsonCursor or FeedFormat.JsonPage))
        {
            return new FeedPageResult { Failure = InvalidSettings("Pages are fetched only for json_cursor and json_page feeds.") };
        }

        var page = request.Page ?? 1;
        if (page < 1)
        {
            return new FeedPageResult { Failure = InvalidSettings("Pages are numbered from 1.") };
        }

        if (PageUri(request, page) is not { } uri)
        {
            return new FeedPageResult { Failure = InvalidSettings("The feed URL is not a valid absolute http(s) URL.") };
        }

        var state = NewState(request, options.MaxPageBytes);
        var (response, failure) = await SendAsync(request, uri, "application/json", state, ct);
        if (response is null)
        {
            return new FeedPageResult { Failure = failure, Stats = state.ToStats(failure?.StatusCode) };
        }

        using (response)
        {
            var stats = state.ToStats((int)response.StatusCode);
            if (response.StatusCode == HttpStatusCode.NotModified)
            {
                return new FeedPageResult
                {
                    NotModified = true,
                    ETag = response.Headers.ETag?.ToString() ?? request.ETag,
                    LastModified = response.Content.Headers.LastModified ?? request.LastModified,
                    Stats = stats,
                };
            }

            if (!response.IsSuccessStatusCode)
            {
                return new FeedPageResult { Failure = await StatusFailureAsync(response, ct), Stats = stats };
            }

            var body = await response.Content.ReadAsByteArrayAsync(ct);
            var result = ParsePage(request, page, body);
            return result with
            {
                ETag = response.Headers.ETag?.ToString(),
                LastModified = response.Content.Headers.LastModified,
                Stats = stats,
            };
        }
    }

    /// <summary>
    /// Opens a <c>csv_file</c> or <c>json_file</c> feed. The result is a failure, a 304, or an open body to read with
    /// <see cref="FeedFile.ReadChunksAsync"/>; dispose it when done.
    /// </summary>
    public async Task<FeedFile> OpenFileAsync(FeedRequest request, CancellationToken ct)
    {
        var settings = request.Settings;
        if (!settings.IsFile)
        {
            return FeedFile.Failed(InvalidSettings("Files are opened only for csv_file and json_file feeds."), FeedCallStats.None);
        }

        if (!Uri.TryCreate(settings.Url, UriKind.Absolute, out var uri) || OutboundUrlGuard.CheckShape(uri) is not null)
        {
            return FeedFile.Failed(InvalidSettings("The feed URL is not a valid absolute http(s) URL."), FeedCallStats.None);
        }

        var accept = settings.Format == FeedFormat.CsvFile ? "text/csv, */*;q=0.5" : "application/json";
        var state = NewState(request, bufferLimit: null);
        var (response, failure) = await SendAsync(request, uri, accept, state, ct);
        if (response is null)
        {
            return FeedFile.Failed(failure!, state.ToStats(failure?.StatusCode));
        }

        var stats = state.ToStats((int)response.StatusCode);
        if (response.StatusCode == HttpStatusCode.NotModified)
        {
            using (response)
            {
                return FeedFile.Unchanged(response.Headers.ETag?.ToString() ?? request.ETag,
                    response.Content.Headers.LastModified ?? request.LastModified, stats);
            }
        }

        if (!response.IsSuccessStatusCode)
        {
            using (response)
            {
                return FeedFile.Failed(await StatusFailureAsync(response, ct), stats);
            }
        }

        return new FeedFile(response, request, options, stats);
    }

    // Settings are validated on save, but a stored document is still input: out-of-range values fall back or are clamped
    // (a zero timeout would mean no timeout to Polly, a zero rate no permits ever).
    private FeedCallState NewState(FeedRequest request, long? bufferLimit) =>
        new(request.SupplierKey,
            request.Settings.RateLimitPerMinute is { } rate ? Math.Clamp(rate, 1, 60_000) : null,
            request.Settings.TimeoutSeconds is { } seconds ? TimeSpan.FromSeconds(Math.Clamp(seconds, 1, 600)) : options.AttemptTimeout,
            bufferLimit);

    private static Uri? PageUri(FeedRequest request, int page)
    {
        var settings = request.Settings;
        if (!Uri.TryCreate(settings.Url, UriKind.Absolute, out var baseUri) || OutboundUrlGuard.CheckShape(baseUri) is not null)
        {
            return null;
        }

        var p = settings.Pagination;
        var query = new List<KeyValuePair<string, string?>>();
        if (settings.Format == FeedFormat.JsonCursor)
        {
            query.Add(new(p.LimitParam, settings.EffectivePageSize.ToString(CultureInfo.InvariantCulture)));
            if (request.Cursor is not null)
            {
                query.Add(new(p.CursorParam, request.Cursor));
            }
        }
        else
        {
            query.Add(new(p.PageParam, page.ToString(CultureInfo.InvariantCulture)));
            query.Add(new(p.PageSizeParam, settings.EffectivePageSize.ToString(CultureInfo.InvariantCulture)));
        }

        if (request.UpdatedSince is { } since)
        {
            var utc = since.Kind == DateTimeKind.Local ? since.ToUniversalTime() : since;
            query.Add(new(p.UpdatedSinceParam, utc.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'", CultureInfo.InvariantCulture)));
        }

        if (request.PartNumbers is { Count: > 0 } numbers && p.PartNumbersParam is { } numbersParam)
        {
            query.Add(new(numbersParam, string.Join(',', numbers)));
        }

        return new Uri(QueryHelpers.AddQueryString(baseUri.AbsoluteUri, query));
    }

    /// <summary>
    /// POSTs an order (JSON <paramref name="body"/>) to the supplier's order endpoint with its feed credentials, through the
    /// same per-supplier pipeline as its feed (retries honouring Retry-After, its circuit breaker and rate limit). Every
    /// attempt carries <paramref name="idempotencyKey"/>, so the retries cannot make two orders. A 2xx is the supplier's
    /// acknowledgement (its <c>orderId</c>, or <c>id</c>, is read when present); anything else is a <see cref="FeedFailure"/>:
    /// transient (5xx, 408, 429, timeouts, an open circuit) or permanent (other 4xx, with the supplier's reason).
    /// </summary>
    public async Task<OrderSendResult> SendOrderAsync(FeedRequest request, string idempotencyKey, byte[] body, CancellationToken ct)
    {
        if (!Uri.TryCreate(request.Settings.OrderUrl, UriKind.Absolute, out var uri) || OutboundUrlGuard.CheckShape(uri) is not null)
        {
            return new OrderSendResult { Failure = InvalidSettings("The supplier has no valid order URL.") };
        }

        var state = NewState(request, MaxOrderResponseBytes);
        var (response, failure) = await SendAsync(request, () =>
        {
            var message = new HttpRequestMessage(HttpMethod.Post, uri) { Content = new ByteArrayContent(body) };
            message.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
            message.Headers.Accept.ParseAdd("application/json");
            message.Headers.TryAddWithoutValidation("Idempotency-Key", idempotencyKey);
            return message;
        }, state, ct);
        if (response is null)
        {
            return new OrderSendResult { Failure = failure, Stats = state.ToStats(failure?.StatusCode) };
        }

        using (response)
        {
            var stats = state.ToStats((int)response.StatusCode);
            if (!response.IsSuccessStatusCode || response.StatusCode == HttpStatusCode.NotModified)
            {
                var statusFailure = await StatusFailureAsync(response, ct);
                if (statusFailure.Kind == FeedFailureKind.Permanent && (int)response.StatusCode is >= 400 and < 500)
                {
                    statusFailure = statusFailure with
                    {
                        Code = OrderRejectedCode,
                        Message = $"The supplier rejected the order ({(int)response.StatusCode})" +
                            (SupplierReason(statusFailure.PayloadSnippet) is { } reason ? ": " + reason : "."),
                    };
                }

                return new OrderSendResult { Failure = statusFailure, Stats = stats };
            }

            var bytes = await response.Content.ReadAsByteArrayAsync(ct);
            return new OrderSendResult
            {
                StatusCode = (int)response.StatusCode,
                SupplierOrderId = SupplierOrderIdOf(bytes),
                Body = FeedBody.Snippet(bytes, options.PayloadSnippetBytes),
                Stats = stats,
            };
        }
    }

    /// <summary>The code of a supplier's 4xx answer to an order.</summary>
    public const string OrderRejectedCode = "order_rejected";

    private const int MaxOrderResponseBytes = 1024 * 1024;

    private static string? SupplierOrderIdOf(byte[] body)
    {
        try
        {
            using var document = JsonDocument.Parse(body, DocumentOptions);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return null;
            }

            foreach (var name in new[] { "orderId", "id" })
            {
                if (root.TryGetProperty(name, out var id) && id.ValueKind is JsonValueKind.String or JsonValueKind.Number)
                {
                    var text = id.ValueKind == JsonValueKind.String ? id.GetString() : id.GetRawText();
                    return string.IsNullOrWhiteSpace(text) || text.Any(char.IsControl) ? null : text;
                }
            }

            return null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>The supplier's own words for a refusal: <c>reason</c>, <c>detail</c>, <c>error</c> or <c>title</c> of a JSON body.</summary>
    private static string? SupplierReason(string? body)
    {
        if (string.IsNullOrEmpty(body))
        {
            return null;
        }

        try
        {
            using var document = JsonDocument.Parse(body);
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                return null;
            }

            var parts = new[] { "error", "reason", "detail", "title" }
                .Select(n => document.RootElement.TryGetProperty(n, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null)
                .Where(v => !string.IsNullOrWhiteSpace(v))
                .Select(v => v!.Length > 200 ? v[..200] : v)
                .ToList();
            return parts.Count == 0 ? null : string.Join(": ", parts);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>
    /// Sends a GET through the pipeline with auth and conditional headers. With OAuth2 a 401 renews the token and sends once
    /// more (an expired or revoked token is not a transient failure the pipeline could retry).
    /// </summary>
    private Task<(HttpResponseMessage? Response, FeedFailure? Failure)> SendAsync(
        FeedRequest request, Uri uri, string accept, FeedCallState state, CancellationToken ct) =>
        SendAsync(request, () =>
        {
            var message = new HttpRequestMessage(HttpMethod.Get, uri);
            message.Headers.Accept.ParseAdd(accept);
            if (request.ETag is { } etag && EntityTagHeaderValue.TryParse(etag, out var parsedTag))
            {
                message.Headers.IfNoneMatch.Add(parsedTag);
            }

            if (request.LastModified is { } lastModified)
            {
                message.Headers.IfModifiedSince = lastModified;
            }

            return message;
        }, state, ct);

    /// <summary>Sends the message <paramref name="create"/> builds, authorized; with OAuth2 a 401 renews the token once.</summary>
    private async Task<(HttpResponseMessage? Response, FeedFailure? Failure)> SendAsync(
        FeedRequest request, Func<HttpRequestMessage> create, FeedCallState state, CancellationToken ct)
    {
        string? rejectedToken = null;
        for (var round = 0; ; round++)
        {
            var (authorization, authFailure) = await AuthorizeAsync(request, state, rejectedToken, ct);
            if (authFailure is not null)
            {
                return (null, authFailure);
            }

            using var message = create();
            message.Options.Set(FeedCallState.Key, state);
            authorization?.Apply(message);

            var (response, failure) = await SendThroughPipelineAsync(message, ct);
            if (response is { StatusCode: HttpStatusCode.Unauthorized } && round == 0
                && request.Settings.Auth.Kind == FeedAuthKind.OAuth2ClientCredentials)
            {
                rejectedToken = authorization?.Token;
                response.Dispose();
                continue;
            }

            return (response, failure);
        }
    }

    private async Task<(HttpResponseMessage? Response, FeedFailure? Failure)> SendThroughPipelineAsync(HttpRequestMessage message, CancellationToken ct)
    {
        try
        {
            return (await http.SendAsync(message, HttpCompletionOption.ResponseHeadersRead, ct), null);
        }
        catch (Exception e) when (ExceptionFailure(e, ct) is { } failure)
        {
            return (null, failure);
        }
    }

    /// <summary>The failure value for what the pipeline threw; null for the caller's own cancellation (rethrown) and bugs.</summary>
    private FeedFailure? ExceptionFailure(Exception e, CancellationToken ct) => e switch
    {
        OperationCanceledException when ct.IsCancellationRequested => null,
        BrokenCircuitException or IsolatedCircuitException => new FeedFailure(FeedFailureKind.Transient, FeedFailureCodes.CircuitOpen,
            "The supplier failed repeatedly; its circuit is open and no request was sent.")
        { RetryAfter = options.BreakerBreakDuration },
        TimeoutRejectedException or OperationCanceledException or TimeoutException =>
            new FeedFailure(FeedFailureKind.Transient, FeedFailureCodes.Timeout, "The supplier did not answer in time."),
        RateLimiterRejectedException => new FeedFailure(FeedFailureKind.Transient, FeedFailureCodes.Throttled,
            "The client-side rate limit for this supplier refused the request."),
        FeedResponseTooLargeException tooLarge => new FeedFailure(FeedFailureKind.Permanent, FeedFailureCodes.ResponseTooLarge,
            $"The response is larger than the {tooLarge.Limit} bytes allowed."),
        _ when FeedResilience.IsRefused(e) => new FeedFailure(FeedFailureKind.Permanent, FeedFailureCodes.UrlRefused,
            Inner<OutboundUrlRefusedException>(e)?.Message ?? "The URL is not allowed."),
        HttpRequestException or IOException => new FeedFailure(FeedFailureKind.Transient, FeedFailureCodes.NetworkError,
            "The connection to the supplier failed: " + e.Message),
        _ => null,
    };

    private static T? Inner<T>(Exception e) where T : Exception
    {
        for (Exception? inner = e; inner is not null; inner = inner.InnerException)
        {
            if (inner is T match)
            {
                return match;
            }
        }

        return null;
    }

    private async Task<FeedFailure> StatusFailureAsync(HttpResponseMessage response, CancellationToken ct)
    {
        var status = (int)response.StatusCode;
        var snippet = await FeedBody.SnippetAsync(response.Content, options.PayloadSnippetBytes, ct);
        var retryAfter = FeedResilience.RetryAfter(response, time.GetUtcNow());
        FeedFailure Transient(string code, string message) =>
            new(FeedFailureKind.Transient, code, message, status, snippet) { RetryAfter = retryAfter };
        FeedFailure Permanent(string code, string message) => new(FeedFailureKind.Permanent, code, message, status, snippet);

        if (status is >= 400 and < 500 && IsCursorExpired(snippet))
        {
            return Permanent(FeedFailureCodes.CursorExpired, "The cursor expired; restart from the updated_since checkpoint.");
        }

        return status switch
        {
            >= 300 and < 400 => Permanent(FeedFailureCodes.RedirectRefused,
                $"The supplier redirected ({status}) to {response.Headers.Location?.ToString() ?? "nowhere"}; redirects are not followed."),
            401 => Permanent(FeedFailureCodes.Unauthorized, "The supplier rejected the credentials (401)."),
            403 => Permanent(FeedFailureCodes.Forbidden, "The supplier refused access (403)."),
            404 => Permanent(FeedFailureCodes.NotFound, "The feed URL was not found (404)."),
            408 => Transient(FeedFailureCodes.Timeout, "The supplier timed out the request (408)."),
            429 => Transient(FeedFailureCodes.Throttled, "The supplier is throttling us (429)."),
            >= 500 => Transient(FeedFailureCodes.ServerError, $"The supplier failed ({status})."),
            _ => Permanent(FeedFailureCodes.ClientError, $"The supplier refused the request ({status})."),
        };
    }

    private static bool IsCursorExpired(string? body)
    {
        if (string.IsNullOrEmpty(body))
        {
            return false;
        }

        try
        {
            using var document = JsonDocument.Parse(body);
            return document.RootElement.ValueKind == JsonValueKind.Object
                && (document.RootElement.TryGetProperty("error", out var error) || document.RootElement.TryGetProperty("code", out error))
                && error.ValueKind == JsonValueKind.String
                && error.ValueEquals(FeedFailureCodes.CursorExpired);
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private FeedPageResult ParsePage(FeedRequest request, int page, byte[] body)
    {
        var p = request.Settings.Pagination;
        FeedPageResult Fail(string code, string message) => new()
        {
            Failure = new FeedFailure(FeedFailureKind.Permanent, code, message, 200,
                FeedBody.Snippet(body, options.PayloadSnippetBytes)),
        };

        JsonElement root;
        try
        {
            using var document = JsonDocument.Parse(body, DocumentOptions);
            root = document.RootElement.Clone();
        }
        catch (JsonException e)
        {
            return Fail(FeedFailureCodes.MalformedJson, "The page is not valid JSON: " + e.Message);
        }

        if (root.ValueKind != JsonValueKind.Object)
        {
            return Fail(FeedFailureCodes.InvalidPayload, $"The page is a JSON {root.ValueKind}, not an object.");
        }

        if (!root.TryGetProperty(p.ItemsProperty, out var items))
        {
            return Fail(FeedFailureCodes.MissingItems, $"The page has no '{p.ItemsProperty}' property.");
        }

        if (items.ValueKind != JsonValueKind.Array)
        {
            return Fail(FeedFailureCodes.InvalidPayload, $"'{p.ItemsProperty}' is a JSON {items.ValueKind}, not an array.");
        }

        var records = new List<RawRecord>(items.GetArrayLength());
        var rejected = new List<FeedRecordFailure>();
        var index = 0;
        foreach (var item in items.EnumerateArray())
        {
            if (item.ValueKind == JsonValueKind.Object)
            {
                records.Add(new RawRecord(item, index));
            }
            else
            {
                rejected.Add(new FeedRecordFailure(index, $"The item is a JSON {item.ValueKind}, not an object.",
                    FeedBody.Snippet(item.GetRawText(), 1024)));
            }

            index++;
        }

        if (request.Settings.Format == FeedFormat.JsonCursor)
        {
            string? next = null;
            if (root.TryGetProperty(p.NextCursorProperty, out var cursor))
            {
                if (cursor.ValueKind is not (JsonValueKind.String or JsonValueKind.Null))
                {
                    return Fail(FeedFailureCodes.InvalidPayload, $"'{p.NextCursorProperty}' is a JSON {cursor.ValueKind}, not a string.");
                }

                next = cursor.ValueKind == JsonValueKind.String && cursor.GetString() is { Length: > 0 } value ? value : null;
            }

            // The same cursor again would make the caller loop for ever: with no items it means caught up, with items it is broken.
            if (next is not null && next == request.Cursor)
            {
                if (index > 0)
                {
                    return Fail(FeedFailureCodes.InvalidPayload, "The next cursor equals the current one.");
                }

                next = null;
            }

            return new FeedPageResult { Records = records, RecordFailures = rejected, NextCursor = next };
        }

        int? totalPages = null;
        if (root.TryGetProperty(p.TotalPagesProperty, out var total) && total.ValueKind != JsonValueKind.Null)
        {
            if (total.ValueKind != JsonValueKind.Number || !total.TryGetInt32(out var pages) || pages < 0)
            {
                return Fail(FeedFailureCodes.InvalidPayload, $"'{p.TotalPagesProperty}' is not a non-negative integer.");
            }

            totalPages = pages;
        }

        int? nextPage = totalPages is { } known
            ? (page < known ? page + 1 : null)
            : (index >= request.Settings.EffectivePageSize ? page + 1 : null);
        return new FeedPageResult { Records = records, RecordFailures = rejected, NextPage = nextPage, TotalPages = totalPages };
    }

    private async Task<(Authorization? Authorization, FeedFailure? Failure)> AuthorizeAsync(
        FeedRequest request, FeedCallState state, string? rejectedToken, CancellationToken ct)
    {
        var auth = request.Settings.Auth;
        var credentials = request.Credentials;
        if (auth.Kind == FeedAuthKind.None)
        {
            return (null, null);
        }

        if (credentials is null || credentials.Validate(auth.Kind).Count > 0)
        {
            return (null, InvalidSettings("The credentials for this authentication kind are missing or invalid."));
        }

        switch (auth.Kind)
        {
            case FeedAuthKind.ApiKey:
                return (new Authorization(auth.ApiKeyHeader, credentials.ApiKey!, null), null);
            case FeedAuthKind.Basic:
                var basic = Convert.ToBase64String(Encoding.UTF8.GetBytes($"{credentials.Username}:{credentials.Password}"));
                return (new Authorization("Authorization", "Basic " + basic, null), null);
            case FeedAuthKind.OAuth2ClientCredentials:
                var key = FeedTokenCache.KeyFor(request.SupplierKey, auth, credentials);
                var (token, failure) = await tokens.GetAsync(key, rejectedToken, c => FetchTokenAsync(auth, credentials, state, c), ct);
                return token is null ? (null, failure) : (new Authorization("Authorization", "Bearer " + token, token), null);
            default:
                return (null, InvalidSettings("Unknown authentication kind."));
        }
    }

    /// <summary>RFC 6749 §4.4: POST grant_type=client_credentials through the same pipeline and SSRF guard as the feed.</summary>
    private async Task<(string? Token, TimeSpan? ExpiresIn, FeedFailure? Failure)> FetchTokenAsync(
        FeedAuth auth, FeedCredentials credentials, FeedCallState state, CancellationToken ct)
    {
        if (!Uri.TryCreate(auth.TokenUrl, UriKind.Absolute, out var tokenUri) || OutboundUrlGuard.CheckShape(tokenUri) is not null)
        {
            return (null, null, InvalidSettings("The token URL is not a valid absolute http(s) URL."));
        }

        var form = new List<KeyValuePair<string, string>> { new("grant_type", "client_credentials") };
        if (!string.IsNullOrWhiteSpace(auth.Scope))
        {
            form.Add(new("scope", auth.Scope));
        }

        if (auth.TokenClientAuth == TokenClientAuth.Body)
        {
            form.Add(new("client_id", credentials.ClientId!));
            form.Add(new("client_secret", credentials.ClientSecret!));
        }

        using var message = new HttpRequestMessage(HttpMethod.Post, tokenUri) { Content = new FormUrlEncodedContent(form) };
        message.Options.Set(FeedCallState.Key, state);
        message.Headers.Accept.ParseAdd("application/json");
        if (auth.TokenClientAuth == TokenClientAuth.Basic)
        {
            // §2.3.1: id and secret are form-urlencoded before being joined for Basic.
            var pair = $"{Uri.EscapeDataString(credentials.ClientId!)}:{Uri.EscapeDataString(credentials.ClientSecret!)}";
            message.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(pair)));
        }

        var (response, failure) = await SendThroughPipelineAsync(message, ct);
        if (response is null)
        {
            return (null, null, failure);
        }

        using (response)
        {
            if (!response.IsSuccessStatusCode)
            {
                var statusFailure = await StatusFailureAsync(response, ct);
                return (null, null, statusFailure with
                {
                    Code = FeedFailureCodes.TokenFailed,
                    Message = $"The token endpoint refused the client credentials ({(int)response.StatusCode}).",
                });
            }

            byte[] body;
            try
            {
                body = await FeedBody.ReadLimitedAsync(response.Content, MaxTokenBytes, ct);
            }
            catch (Exception e) when (ExceptionFailure(e, ct) is { } readFailure)
            {
                return (null, null, readFailure);
            }

            return ParseToken(body);
        }
    }

    private (string? Token, TimeSpan? ExpiresIn, FeedFailure? Failure) ParseToken(byte[] body)
    {
        (string?, TimeSpan?, FeedFailure?) Fail(string message) => (null, null,
            new FeedFailure(FeedFailureKind.Permanent, FeedFailureCodes.TokenFailed, message, 200, FeedBody.Snippet(body, 256)));

        try
        {
            using var document = JsonDocument.Parse(body, DocumentOptions);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object
                || !root.TryGetProperty("access_token", out var accessToken)
                || accessToken.ValueKind != JsonValueKind.String
                || string.IsNullOrWhiteSpace(accessToken.GetString())
                || accessToken.GetString()!.Any(char.IsControl))
            {
                return Fail("The token response has no access_token.");
            }

            if (root.TryGetProperty("token_type", out var type)
                && (type.ValueKind != JsonValueKind.String || !string.Equals(type.GetString(), "Bearer", StringComparison.OrdinalIgnoreCase)))
            {
                return Fail("The token type is not Bearer.");
            }

            TimeSpan? expiresIn = null;
            if (root.TryGetProperty("expires_in", out var expires) && expires.ValueKind != JsonValueKind.Null)
            {
                var seconds = expires.ValueKind switch
                {
                    JsonValueKind.Number when expires.TryGetInt64(out var n) => n,
                    JsonValueKind.String when long.TryParse(expires.GetString(), NumberStyles.None, CultureInfo.InvariantCulture, out var n) => n,
                    _ => -1,
                };
                if (seconds is < 0 or > 366L * 24 * 3600)
                {
                    return Fail("The token's expires_in is not a sensible number of seconds.");
                }

                expiresIn = TimeSpan.FromSeconds(seconds);
            }

            return (accessToken.GetString(), expiresIn, null);
        }
        catch (JsonException)
        {
            return Fail("The token response is not valid JSON.");
        }
    }

    private static FeedFailure InvalidSettings(string message) =>
        new(FeedFailureKind.Permanent, FeedFailureCodes.InvalidSettings, message);

    private sealed record Authorization(string Header, string Value, string? Token)
    {
        public void Apply(HttpRequestMessage message)
        {
            // Values come from validated credentials (no control characters); header names from validated settings.
            message.Headers.Remove(Header);
            message.Headers.TryAddWithoutValidation(Header, Value);
        }
    }
}
