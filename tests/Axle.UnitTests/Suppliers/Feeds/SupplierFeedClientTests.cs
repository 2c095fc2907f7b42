using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Axle.Api.Features.Suppliers.Feeds;
using Microsoft.Extensions.Time.Testing;
using static Axle.UnitTests.Suppliers.Feeds.FeedHarness;

namespace Axle.UnitTests.Suppliers.Feeds;

/// <summary>The feed client through its real DI registration, over a scripted primary handler.</summary>
public sealed class SupplierFeedClientTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_cursor_page_sends_limit_cursor_and_updated_since_and_returns_records_and_the_next_cursor()
    {
        using var harness = Answering(_ => Json("""{"items":[{"sku":"A"},{"sku":"B"}],"nextCursor":"c2"}"""));
        var request = Request() with { Cursor = "c1", UpdatedSince = new DateTime(2025, 3, 1, 12, 0, 0, DateTimeKind.Utc) };

        var page = await harness.Client.FetchPageAsync(request, Ct);

        Assert.True(page.IsSuccess);
        Assert.Equal(["A", "B"], page.Records.Select(r => r.Value.GetProperty("sku").GetString()));
        Assert.Equal([0L, 1L], page.Records.Select(r => r.Position));
        Assert.Equal("c2", page.NextCursor);
        Assert.True(page.HasMore);
        var seen = Assert.Single(harness.Seen);
        Assert.Equal("500", seen.Query("limit"));
        Assert.Equal("c1", seen.Query("cursor"));
        Assert.Equal("2025-03-01T12:00:00Z", seen.Query("updated_since"));
        Assert.Equal(1, page.Stats.Attempts);
        Assert.Equal(200, page.Stats.StatusCode);
    }

    [Fact]
    public async Task A_null_next_cursor_ends_the_feed()
    {
        using var harness = Answering(_ => Json("""{"items":[],"nextCursor":null}"""));

        var page = await harness.Client.FetchPageAsync(Request(), Ct);

        Assert.True(page.IsSuccess);
        Assert.False(page.HasMore);
        Assert.Null(harness.Seen.Single().Query("cursor"));
    }

    [Fact]
    public async Task The_page_api_asks_for_page_and_page_size_and_stops_at_total_pages()
    {
        using var harness = Answering(r => Json($$"""{"items":[{"sku":"A"}],"page":{{r.Query("page")}},"pageSize":500,"totalPages":2}"""));
        var settings = Settings(FeedFormat.JsonPage);

        var first = await harness.Client.FetchPageAsync(Request(settings: settings), Ct);
        var second = await harness.Client.FetchPageAsync(Request(settings: settings) with { Page = first.NextPage }, Ct);

        Assert.Equal(2, first.NextPage);
        Assert.Equal(2, first.TotalPages);
        Assert.Null(second.NextPage);
        Assert.Equal(["1", "2"], harness.Seen.Select(s => s.Query("page")));
        Assert.All(harness.Seen, s => Assert.Equal("500", s.Query("pageSize")));
    }

    [Fact]
    public async Task Transient_503_and_500_are_retried_until_success_and_counted()
    {
        using var harness = Sequence(() => Status(HttpStatusCode.ServiceUnavailable), () => Status(HttpStatusCode.InternalServerError),
            () => Json("""{"items":[{"sku":"A"}]}"""));

        var page = await harness.Client.FetchPageAsync(Request(), Ct);

        Assert.True(page.IsSuccess);
        Assert.Single(page.Records);
        Assert.Equal(3, page.Stats.Attempts);
        Assert.Equal(2, page.Stats.Retries);
        Assert.Equal(2, page.Stats.RetryDelays.Count);
    }

    [Fact]
    public async Task An_attempt_that_times_out_is_retried()
    {
        var calls = 0;
        using var harness = new FeedHarness(async (_, ct) =>
        {
            if (Interlocked.Increment(ref calls) == 1)
            {
                await Task.Delay(TimeSpan.FromSeconds(30), ct);
            }

            return Json("""{"items":[]}""");
        }, new() { ["Suppliers:Feeds:AttemptTimeout"] = "00:00:00.200" });

        var page = await harness.Client.FetchPageAsync(Request(), Ct);

        Assert.True(page.IsSuccess);
        Assert.Equal(2, page.Stats.Attempts);
        Assert.Equal(1, page.Stats.Retries);
    }

    [Fact]
    public async Task Retry_After_seconds_on_429_is_the_delay_the_pipeline_waits()
    {
        using var harness = Sequence(
            () => new HttpResponseMessage(HttpStatusCode.TooManyRequests) { Headers = { RetryAfter = new RetryConditionHeaderValue(TimeSpan.FromSeconds(1)) } },
            () => Json("""{"items":[]}"""));

        var page = await harness.Client.FetchPageAsync(Request(), Ct);

        Assert.True(page.IsSuccess);
        Assert.Equal([TimeSpan.FromSeconds(1)], page.Stats.RetryDelays);
    }

    [Fact]
    public void Retry_After_as_an_http_date_is_the_time_until_that_date()
    {
        var now = new DateTimeOffset(2025, 3, 1, 12, 0, 0, TimeSpan.Zero);
        using var response = new HttpResponseMessage(HttpStatusCode.ServiceUnavailable);
        response.Headers.TryAddWithoutValidation("Retry-After", "Sat, 01 Mar 2025 12:00:42 GMT");

        Assert.Equal(TimeSpan.FromSeconds(42), FeedResilience.RetryAfter(response, now));
        Assert.Equal(TimeSpan.Zero, FeedResilience.RetryAfter(response, now.AddMinutes(5)));
    }

    [Fact]
    public async Task A_Retry_After_longer_than_the_max_delay_ends_the_call_as_throttled_with_the_wait()
    {
        using var harness = Answering(_ => new HttpResponseMessage(HttpStatusCode.TooManyRequests)
        {
            Headers = { RetryAfter = new RetryConditionHeaderValue(TimeSpan.FromHours(1)) },
            Content = new StringContent(""),
        });

        var page = await harness.Client.FetchPageAsync(Request(), Ct);

        Assert.Equal(FeedFailureCodes.Throttled, page.Failure?.Code);
        Assert.Equal(FeedFailureKind.Transient, page.Failure?.Kind);
        Assert.Equal(TimeSpan.FromHours(1), page.Failure?.RetryAfter);
        Assert.Equal(1, page.Stats.Attempts);
    }

    [Theory]
    [InlineData(HttpStatusCode.BadRequest, FeedFailureCodes.ClientError)]
    [InlineData(HttpStatusCode.Unauthorized, FeedFailureCodes.Unauthorized)]
    [InlineData(HttpStatusCode.Forbidden, FeedFailureCodes.Forbidden)]
    [InlineData(HttpStatusCode.NotFound, FeedFailureCodes.NotFound)]
    [InlineData(HttpStatusCode.UnprocessableEntity, FeedFailureCodes.ClientError)]
    public async Task Client_errors_are_permanent_and_not_retried(HttpStatusCode status, string code)
    {
        using var harness = Answering(_ => Json("""{"error":"nope"}""", status));

        var page = await harness.Client.FetchPageAsync(Request(), Ct);

        Assert.Equal(code, page.Failure?.Code);
        Assert.Equal(FeedFailureKind.Permanent, page.Failure?.Kind);
        Assert.Equal((int)status, page.Failure?.StatusCode);
        Assert.Equal("""{"error":"nope"}""", page.Failure?.PayloadSnippet);
        Assert.Single(harness.Seen);
    }

    [Fact]
    public async Task Server_errors_that_persist_are_transient_after_the_retries()
    {
        using var harness = Answering(_ => Status(HttpStatusCode.BadGateway));

        var page = await harness.Client.FetchPageAsync(Request(), Ct);

        Assert.Equal(FeedFailureCodes.ServerError, page.Failure?.Code);
        Assert.Equal(FeedFailureKind.Transient, page.Failure?.Kind);
        Assert.Equal(4, harness.Seen.Count);
        Assert.Equal(3, page.Stats.Retries);
    }

    [Fact]
    public async Task A_network_error_is_retried_then_reported_as_transient()
    {
        using var harness = new FeedHarness((_, _) => Task.FromException<HttpResponseMessage>(new HttpRequestException("reset")));

        var page = await harness.Client.FetchPageAsync(Request(), Ct);

        Assert.Equal(FeedFailureCodes.NetworkError, page.Failure?.Code);
        Assert.Equal(FeedFailureKind.Transient, page.Failure?.Kind);
        Assert.Equal(4, harness.Seen.Count);
    }

    [Fact]
    public async Task A_redirect_is_not_followed_and_is_permanent()
    {
        using var harness = Answering(_ => new HttpResponseMessage(HttpStatusCode.Found)
        {
            Headers = { Location = new Uri("http://169.254.169.254/latest/meta-data") },
            Content = new StringContent(""),
        });

        var page = await harness.Client.FetchPageAsync(Request(), Ct);

        Assert.Equal(FeedFailureCodes.RedirectRefused, page.Failure?.Code);
        Assert.Equal(FeedFailureKind.Permanent, page.Failure?.Kind);
        Assert.Single(harness.Seen);
    }

    [Fact]
    public async Task Malformed_json_is_permanent_not_retried_and_keeps_a_snippet()
    {
        using var harness = Answering(_ => Json("""{"items":[{"sku":"A"},"""));

        var page = await harness.Client.FetchPageAsync(Request(), Ct);

        Assert.Equal(FeedFailureCodes.MalformedJson, page.Failure?.Code);
        Assert.Equal(FeedFailureKind.Permanent, page.Failure?.Kind);
        Assert.Equal("""{"items":[{"sku":"A"},""", page.Failure?.PayloadSnippet);
        Assert.Single(harness.Seen);
    }

    [Theory]
    [InlineData("""{"records":[]}""", FeedFailureCodes.MissingItems)]
    [InlineData("""[{"sku":"A"}]""", FeedFailureCodes.InvalidPayload)]
    [InlineData("""{"items":{"sku":"A"}}""", FeedFailureCodes.InvalidPayload)]
    [InlineData("""{"items":[],"nextCursor":42}""", FeedFailureCodes.InvalidPayload)]
    [InlineData("""{"items":[{"sku":"A"}],"nextCursor":"same"}""", FeedFailureCodes.InvalidPayload)]
    public async Task A_page_of_the_wrong_shape_is_permanent(string body, string code)
    {
        using var harness = Answering(_ => Json(body));

        var page = await harness.Client.FetchPageAsync(Request() with { Cursor = "same" }, Ct);

        Assert.Equal(code, page.Failure?.Code);
        Assert.Equal(FeedFailureKind.Permanent, page.Failure?.Kind);
    }

    [Fact]
    public async Task A_total_pages_that_is_not_a_number_is_permanent()
    {
        using var harness = Answering(_ => Json("""{"items":[],"page":1,"totalPages":"many"}"""));

        var page = await harness.Client.FetchPageAsync(Request(settings: Settings(FeedFormat.JsonPage)), Ct);

        Assert.Equal(FeedFailureCodes.InvalidPayload, page.Failure?.Code);
    }

    [Fact]
    public async Task An_item_that_is_not_an_object_is_a_record_failure_and_the_rest_are_returned()
    {
        using var harness = Answering(_ => Json("""{"items":[{"sku":"A"},"junk",{"sku":"C"}],"nextCursor":null}"""));

        var page = await harness.Client.FetchPageAsync(Request(), Ct);

        Assert.True(page.IsSuccess);
        Assert.Equal([0L, 2L], page.Records.Select(r => r.Position));
        var failure = Assert.Single(page.RecordFailures);
        Assert.Equal(1, failure.Position);
        Assert.Equal("\"junk\"", failure.RawSnippet);
    }

    [Fact]
    public async Task A_304_is_not_modified_after_sending_the_validators()
    {
        using var harness = Answering(_ => new HttpResponseMessage(HttpStatusCode.NotModified)
        {
            Headers = { ETag = new EntityTagHeaderValue("\"v7\"") },
            Content = new StringContent(""),
        });
        var since = new DateTimeOffset(2025, 3, 1, 8, 0, 0, TimeSpan.Zero);

        var page = await harness.Client.FetchPageAsync(Request() with { ETag = "\"v7\"", LastModified = since }, Ct);

        Assert.True(page.IsSuccess);
        Assert.True(page.NotModified);
        Assert.Empty(page.Records);
        Assert.Equal("\"v7\"", page.ETag);
        var seen = harness.Seen.Single();
        Assert.Equal("\"v7\"", seen.Header("If-None-Match"));
        Assert.Equal("Sat, 01 Mar 2025 08:00:00 GMT", seen.Header("If-Modified-Since"));
    }

    [Fact]
    public async Task A_200_returns_the_new_validators()
    {
        using var harness = Answering(_ =>
        {
            var response = Json("""{"items":[]}""");
            response.Headers.ETag = new EntityTagHeaderValue("\"v8\"");
            response.Content.Headers.LastModified = new DateTimeOffset(2025, 3, 2, 0, 0, 0, TimeSpan.Zero);
            return response;
        });

        var page = await harness.Client.FetchPageAsync(Request(), Ct);

        Assert.Equal("\"v8\"", page.ETag);
        Assert.Equal(new DateTimeOffset(2025, 3, 2, 0, 0, 0, TimeSpan.Zero), page.LastModified);
    }

    [Fact]
    public async Task An_expired_cursor_is_its_own_failure_code()
    {
        using var harness = Answering(_ => Json("""{"error":"cursor_expired"}""", HttpStatusCode.Gone));

        var page = await harness.Client.FetchPageAsync(Request() with { Cursor = "old" }, Ct);

        Assert.Equal(FeedFailureCodes.CursorExpired, page.Failure?.Code);
        Assert.Equal(410, page.Failure?.StatusCode);
        Assert.Single(harness.Seen);
    }

    [Fact]
    public async Task A_page_over_the_size_cap_is_permanent_and_not_retried()
    {
        using var harness = Answering(_ => Json("""{"items":[""" + string.Join(',', Enumerable.Repeat("""{"sku":"ABCDEFGH"}""", 500)) + "]}"),
            new() { ["Suppliers:Feeds:MaxPageBytes"] = "2048" });

        var page = await harness.Client.FetchPageAsync(Request(), Ct);

        Assert.Equal(FeedFailureCodes.ResponseTooLarge, page.Failure?.Code);
        Assert.Equal(FeedFailureKind.Permanent, page.Failure?.Kind);
        Assert.Single(harness.Seen);
    }

    [Fact]
    public async Task The_circuit_opens_for_a_failing_supplier_while_another_supplier_still_works()
    {
        using var harness = Answering(r => r.Uri.Host == "down.example.com" ? Status(HttpStatusCode.ServiceUnavailable) : Json("""{"items":[]}"""),
            new()
            {
                ["Suppliers:Feeds:MaxRetries"] = "0",
                ["Suppliers:Feeds:BreakerMinimumThroughput"] = "3",
                ["Suppliers:Feeds:BreakerFailureRatio"] = "0.5",
                ["Suppliers:Feeds:BreakerBreakDuration"] = "00:01:00",
            });
        var a = Request("supplier-a", Settings(url: "https://down.example.com/feed"));
        var b = Request("supplier-b", Settings(url: "https://up.example.com/feed"));

        var failures = new List<FeedFailure?>();
        for (var i = 0; i < 5; i++)
        {
            failures.Add((await harness.Client.FetchPageAsync(a, Ct)).Failure);
        }

        var other = await harness.Client.FetchPageAsync(b, Ct);

        Assert.Equal(FeedFailureCodes.ServerError, failures[0]?.Code);
        Assert.Equal(FeedFailureCodes.CircuitOpen, failures[^1]?.Code);
        Assert.Equal(FeedFailureKind.Transient, failures[^1]?.Kind);
        Assert.Equal(3, harness.Seen.Count(s => s.Uri.Host == "down.example.com"));
        Assert.True(other.IsSuccess);
    }

    [Fact]
    public async Task The_rate_limit_is_per_supplier_and_the_wait_is_measured()
    {
        using var harness = Answering(_ => Json("""{"items":[]}"""));
        var limited = Request("slow", Settings() with { RateLimitPerMinute = 600 });
        var free = Request("fast");

        var waits = new List<TimeSpan>();
        for (var i = 0; i < 3; i++)
        {
            waits.Add((await harness.Client.FetchPageAsync(limited, Ct)).Stats.ThrottleWait);
        }

        var unlimited = await harness.Client.FetchPageAsync(free, Ct);

        Assert.True(waits.Sum(w => w.TotalMilliseconds) >= 80, $"waited {string.Join(", ", waits)}");
        Assert.Equal(TimeSpan.Zero, unlimited.Stats.ThrottleWait);
    }

    [Fact]
    public async Task An_api_key_goes_in_the_configured_header()
    {
        using var harness = Answering(_ => Json("""{"items":[]}"""));
        var settings = Settings() with { Auth = new FeedAuth { Kind = FeedAuthKind.ApiKey } };

        await harness.Client.FetchPageAsync(new FeedRequest("acme", settings, new FeedCredentials { ApiKey = "k-123" }), Ct);

        Assert.Equal("k-123", harness.Seen.Single().Header("X-Api-Key"));
    }

    [Fact]
    public async Task Basic_auth_sends_the_encoded_pair()
    {
        using var harness = Answering(_ => Json("""{"items":[]}"""));
        var settings = Settings() with { Auth = new FeedAuth { Kind = FeedAuthKind.Basic } };

        await harness.Client.FetchPageAsync(new FeedRequest("acme", settings, new FeedCredentials { Username = "u", Password = "p:w" }), Ct);

        Assert.Equal("Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("u:p:w")), harness.Seen.Single().Header("Authorization"));
    }

    [Fact]
    public async Task Missing_credentials_fail_without_sending_anything()
    {
        using var harness = Answering(_ => Json("""{"items":[]}"""));
        var settings = Settings() with { Auth = new FeedAuth { Kind = FeedAuthKind.ApiKey } };

        var page = await harness.Client.FetchPageAsync(new FeedRequest("acme", settings), Ct);

        Assert.Equal(FeedFailureCodes.InvalidSettings, page.Failure?.Code);
        Assert.Empty(harness.Seen);
    }

    private static FeedRequest OAuthRequest() => new("acme",
        Settings() with
        {
            Auth = new FeedAuth { Kind = FeedAuthKind.OAuth2ClientCredentials, TokenUrl = "https://feeds.example.com/oauth/token", Scope = "stock" },
        },
        new FeedCredentials { ClientId = "client", ClientSecret = "s3cret" });

    [Fact]
    public async Task An_oauth_token_is_fetched_once_cached_and_renewed_once_on_401()
    {
        var issued = 0;
        var revoked = new HashSet<string>();
        using var harness = Answering(r =>
        {
            if (r.Uri.AbsolutePath == "/oauth/token")
            {
                return Json($$"""{"access_token":"t{{Interlocked.Increment(ref issued)}}","token_type":"Bearer","expires_in":3600}""");
            }

            var token = r.Header("Authorization")?["Bearer ".Length..];
            return token is null || revoked.Contains(token) ? Status(HttpStatusCode.Unauthorized) : Json("""{"items":[]}""");
        });

        var first = await harness.Client.FetchPageAsync(OAuthRequest(), Ct);
        var second = await harness.Client.FetchPageAsync(OAuthRequest(), Ct);
        revoked.Add("t1");
        var third = await harness.Client.FetchPageAsync(OAuthRequest(), Ct);

        Assert.True(first.IsSuccess && second.IsSuccess && third.IsSuccess);
        Assert.Equal(2, issued);
        var tokenRequest = harness.Seen.First(s => s.Uri.AbsolutePath == "/oauth/token");
        Assert.Equal(HttpMethod.Post, tokenRequest.Method);
        Assert.Equal("grant_type=client_credentials&scope=stock", tokenRequest.Body);
        Assert.Equal("Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("client:s3cret")), tokenRequest.Header("Authorization"));
        Assert.Equal(["Bearer t1", "Bearer t1", "Bearer t1", "Bearer t2"],
            harness.Seen.Where(s => s.Uri.AbsolutePath != "/oauth/token").Select(s => s.Header("Authorization")));
    }

    [Fact]
    public async Task An_oauth_token_is_renewed_shortly_before_it_expires()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2025, 3, 1, 0, 0, 0, TimeSpan.Zero));
        var issued = 0;
        using var harness = new FeedHarness((r, _) => Task.FromResult(r.Uri.AbsolutePath == "/oauth/token"
            ? Json($$"""{"access_token":"t{{Interlocked.Increment(ref issued)}}","expires_in":600}""")
            : Json("""{"items":[]}""")), time: time);

        await harness.Client.FetchPageAsync(OAuthRequest(), Ct);
        time.Advance(TimeSpan.FromMinutes(8));
        await harness.Client.FetchPageAsync(OAuthRequest(), Ct);
        time.Advance(TimeSpan.FromMinutes(1.5));
        await harness.Client.FetchPageAsync(OAuthRequest(), Ct);

        Assert.Equal(2, issued);
    }

    [Fact]
    public async Task A_refused_token_request_is_a_token_failure_and_the_feed_is_not_called()
    {
        using var harness = Answering(r => r.Uri.AbsolutePath == "/oauth/token"
            ? Json("""{"error":"invalid_client"}""", HttpStatusCode.BadRequest)
            : Json("""{"items":[]}"""));

        var page = await harness.Client.FetchPageAsync(OAuthRequest(), Ct);

        Assert.Equal(FeedFailureCodes.TokenFailed, page.Failure?.Code);
        Assert.Equal(FeedFailureKind.Permanent, page.Failure?.Kind);
        Assert.All(harness.Seen, s => Assert.Equal("/oauth/token", s.Uri.AbsolutePath));
    }

    [Fact]
    public async Task A_gzip_body_is_decompressed_by_the_real_handler()
    {
        var json = Encoding.UTF8.GetBytes("""{"items":[{"sku":"GZ"}],"nextCursor":null}""");
        using var compressed = new MemoryStream();
        await using (var gzip = new GZipStream(compressed, CompressionLevel.Fastest, leaveOpen: true))
        {
            await gzip.WriteAsync(json, Ct);
        }

        using var server = new LoopbackServer(LoopbackServer.Response(compressed.ToArray(), "Content-Type: application/json", "Content-Encoding: gzip"));
        using var harness = new FeedHarness(realHandler: true);

        var page = await harness.Client.FetchPageAsync(Request(settings: Settings(url: $"http://127.0.0.1:{server.Port}/feed/stock")), Ct);

        Assert.True(page.IsSuccess, page.Failure?.Message);
        Assert.Equal("GZ", Assert.Single(page.Records).Value.GetProperty("sku").GetString());
    }

    [Fact]
    public async Task A_gzip_bomb_is_stopped_at_the_page_cap_after_decompression()
    {
        using var compressed = new MemoryStream();
        await using (var gzip = new GZipStream(compressed, CompressionLevel.SmallestSize, leaveOpen: true))
        {
            await gzip.WriteAsync(Encoding.ASCII.GetBytes("{\"items\":[\"" + new string('a', 1_000_000) + "\"]}"), Ct);
        }

        using var server = new LoopbackServer(LoopbackServer.Response(compressed.ToArray(), "Content-Encoding: gzip"));
        using var harness = new FeedHarness(realHandler: true, config: new() { ["Suppliers:Feeds:MaxPageBytes"] = "65536" });

        var page = await harness.Client.FetchPageAsync(Request(settings: Settings(url: $"http://127.0.0.1:{server.Port}/")), Ct);

        Assert.Equal(FeedFailureCodes.ResponseTooLarge, page.Failure?.Code);
        Assert.Equal(1, server.Requests);
    }

    [Fact]
    public async Task The_connect_time_guard_refuses_a_loopback_address_that_is_not_allow_listed()
    {
        using var server = new LoopbackServer(LoopbackServer.Response("""{"items":[]}"""u8.ToArray()));
        using var harness = new FeedHarness(realHandler: true, config: new() { ["OutboundUrls:AllowedHosts:0"] = "feeds.example.com" });

        var page = await harness.Client.FetchPageAsync(Request(settings: Settings(url: $"https://127.0.0.1:{server.Port}/")), Ct);

        Assert.Equal(FeedFailureCodes.UrlRefused, page.Failure?.Code);
        Assert.Equal(FeedFailureKind.Permanent, page.Failure?.Kind);
        Assert.Equal(1, page.Stats.Attempts);
        Assert.Equal(0, server.Requests);
    }

    [Fact]
    public async Task The_connect_time_guard_refuses_a_name_whose_dns_answer_turned_private()
    {
        using var harness = new FeedHarness(realHandler: true, resolver: new FixedResolver("10.0.0.5"));

        var page = await harness.Client.FetchPageAsync(Request(), Ct);

        Assert.Equal(FeedFailureCodes.UrlRefused, page.Failure?.Code);
        Assert.Contains("private", page.Failure?.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_page_call_on_a_file_feed_is_invalid_settings()
    {
        using var harness = Answering(_ => Json("[]"));

        var page = await harness.Client.FetchPageAsync(Request(settings: Settings(FeedFormat.CsvFile)), Ct);

        Assert.Equal(FeedFailureCodes.InvalidSettings, page.Failure?.Code);
        Assert.Empty(harness.Seen);
    }
}
