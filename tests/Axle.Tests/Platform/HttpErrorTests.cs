using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using Axle.Tests.Infrastructure;

namespace Axle.Tests.Platform;

public sealed class HttpErrorTests(PlatformFactory factory) : IClassFixture<PlatformFactory>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Invalid_request_record_is_a_400_validation_problem_with_an_errors_map()
    {
        var response = await factory.CreateClient().PostAsJsonAsync("/test/validated",
            new { name = "far too long a name", quantity = 0, email = "not-an-email" }, Ct);

        var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest, "validation_failed");
        Assert.Equal("https://axle.example/problems/validation-failed", problem.GetProperty("type").GetString());
        var errors = problem.GetProperty("errors");
        Assert.Equal(["email", "name", "quantity"], errors.EnumerateObject().Select(e => e.Name).Order());
        Assert.All(errors.EnumerateObject(), e => Assert.NotEmpty(e.Value.EnumerateArray()));
    }

    [Theory]
    [InlineData("/api/v1/users/me")] // 401 from the authentication challenge
    [InlineData("/api/v1/no-such-route")] // 404 from status-code pages
    public async Task Errors_are_problem_json_even_when_the_client_accepts_only_html(string path)
    {
        // Found by the fuzzer: the framework's problem writer declines for Accept: text/html, and the answer was text/plain.
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Accept.ParseAdd("text/html");

        var response = await factory.CreateClient().SendAsync(request, Ct);

        Assert.True((int)response.StatusCode is 401 or 404, $"{(int)response.StatusCode}");
        await response.AssertProblemAsync(response.StatusCode);
    }

    [Fact]
    public async Task A_form_body_with_an_encoded_nul_is_a_400_problem()
    {
        // Found by the fuzzer: the form reader's InvalidDataException escaped as a 500 from the token endpoint.
        using var content = new StringContent("grant_type=%00", Encoding.UTF8, "application/x-www-form-urlencoded");

        var response = await factory.CreateClient().PostAsync("/oauth/token", content, Ct);

        await response.AssertProblemAsync(HttpStatusCode.BadRequest, "malformed_form");
    }

    [Fact]
    public async Task Valid_request_record_passes_validation()
    {
        var response = await factory.CreateClient().PostAsJsonAsync("/test/validated", new { name = "ok", quantity = 3 }, Ct);
        await response.AssertJsonAsync(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Malformed_json_is_a_400_malformed_json_problem_without_internals()
    {
        using var content = new StringContent("{\"name\": \"x\", \"quantity\": ", Encoding.UTF8, "application/json");
        var response = await factory.CreateClient().PostAsync("/test/validated", content, Ct);

        var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest, "malformed_json");
        Assert.DoesNotContain("System.", problem.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_body_string_over_the_ceiling_is_refused_before_the_handler_and_one_at_it_reaches_validation()
    {
        var atCeiling = await factory.CreateClient().PostAsJsonAsync("/test/validated",
            new { name = new string('x', 4096), quantity = 1 }, Ct);
        await atCeiling.AssertProblemAsync(HttpStatusCode.BadRequest, "validation_failed");

        var over = await factory.CreateClient().PostAsJsonAsync("/test/validated",
            new { name = "ok", quantity = 1, note = new[] { "short", new string('é', 4097) } }, Ct);
        var problem = await over.AssertProblemAsync(HttpStatusCode.BadRequest, "string_too_long");
        Assert.Contains("'note'", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_query_value_over_the_parameter_ceiling_is_a_400_problem()
    {
        var client = factory.CreateClient();
        var over = await client.GetAsync("/api/v1/parts?q=" + new string('a', 1025), Ct);
        var problem = await over.AssertProblemAsync(HttpStatusCode.BadRequest, "parameter_too_long");
        Assert.Contains("'q'", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);

        var at = await client.GetAsync("/api/v1/parts?q=" + new string('a', 1024), Ct);
        Assert.DoesNotContain("parameter_too_long", await at.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Wrong_content_type_is_a_415_problem()
    {
        using var content = new StringContent("name=x&quantity=1", Encoding.UTF8, "application/x-www-form-urlencoded");
        var response = await factory.CreateClient().PostAsync("/test/validated", content, Ct);

        await response.AssertProblemAsync(HttpStatusCode.UnsupportedMediaType, "unsupported_media_type");
    }

    [Fact]
    public async Task Unknown_method_on_an_existing_route_is_a_405_problem()
    {
        var response = await factory.CreateClient().DeleteAsync("/test/validated", Ct);

        await response.AssertProblemAsync(HttpStatusCode.MethodNotAllowed, "method_not_allowed");
    }

    [Fact]
    public async Task Unhandled_exception_is_a_bare_500_problem_without_message_type_or_stack()
    {
        var response = await factory.CreateClient().GetAsync("/test/boom", Ct);

        var problem = await response.AssertProblemAsync(HttpStatusCode.InternalServerError, "internal_error");
        var body = problem.ToString();
        Assert.DoesNotContain("SELECT", body, StringComparison.Ordinal);
        Assert.DoesNotContain("InvalidOperation", body, StringComparison.Ordinal);
        Assert.DoesNotContain("Axle.Secret", body, StringComparison.Ordinal);
        Assert.False(string.IsNullOrEmpty(problem.GetProperty("traceId").GetString()));
    }

    [Theory]
    [InlineData("/test/db-refused")]
    [InlineData("/test/db-shutdown")]
    public async Task Database_unavailable_is_a_503_problem_with_retry_after_and_no_internals(string path)
    {
        var response = await factory.CreateClient().GetAsync(path, Ct);

        var problem = await response.AssertProblemAsync(HttpStatusCode.ServiceUnavailable, "database_unavailable");
        Assert.Equal(TimeSpan.FromSeconds(5), response.Headers.RetryAfter?.Delta);
        var body = problem.ToString();
        Assert.DoesNotContain("127.0.0.1", body, StringComparison.Ordinal);
        Assert.DoesNotContain("Npgsql", body, StringComparison.Ordinal);
        Assert.DoesNotContain("administrator", body, StringComparison.Ordinal);
        Assert.False(string.IsNullOrEmpty(problem.GetProperty("traceId").GetString()));
    }

    [Fact]
    public async Task Database_error_that_retrying_would_not_fix_stays_a_bare_500()
    {
        var response = await factory.CreateClient().GetAsync("/test/db-constraint", Ct);

        var problem = await response.AssertProblemAsync(HttpStatusCode.InternalServerError, "internal_error");
        Assert.Null(response.Headers.RetryAfter);
        Assert.DoesNotContain("IX_secret", problem.ToString(), StringComparison.Ordinal);
    }
}

/// <summary>A deliberately small body limit so 413 is cheap to provoke.</summary>
public sealed class SmallBodyFactory : PlatformFactory
{
    protected override IDictionary<string, string?> Overrides => new Dictionary<string, string?>
    {
        ["Http:MaxRequestBodyBytes"] = "4096",
    };
}

public sealed class BodyLimitTests(SmallBodyFactory factory) : IClassFixture<SmallBodyFactory>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static byte[] OversizedJson() => Encoding.UTF8.GetBytes("{\"name\":\"" + new string('x', 8192) + "\",\"quantity\":1}");

    [Fact]
    public async Task Body_over_the_limit_with_content_length_is_a_413_problem()
    {
        using var content = new ByteArrayContent(OversizedJson());
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        var response = await factory.CreateClient().PostAsync("/test/validated", content, Ct);

        await response.AssertProblemAsync(HttpStatusCode.RequestEntityTooLarge, "payload_too_large");
    }

    [Fact]
    public async Task Chunked_body_over_the_limit_is_a_413_problem()
    {
        using var content = new StreamContent(new NoLengthStream(OversizedJson()));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        var response = await factory.CreateClient().PostAsync("/test/validated", content, Ct);

        Assert.Null(content.Headers.ContentLength);
        await response.AssertProblemAsync(HttpStatusCode.RequestEntityTooLarge, "payload_too_large");
    }

    [Fact]
    public async Task Chunked_body_over_the_limit_on_an_idempotent_endpoint_is_a_413_problem()
    {
        using var client = factory.CreateUserClient();
        using var content = new StreamContent(new NoLengthStream(OversizedJson()));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/test/idempotent") { Content = content };
        request.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString());
        var response = await client.SendAsync(request, Ct);

        await response.AssertProblemAsync(HttpStatusCode.RequestEntityTooLarge, "payload_too_large");
    }

    [Fact]
    public async Task Body_under_the_limit_is_accepted()
    {
        var response = await factory.CreateClient().PostAsJsonAsync("/test/validated", new { name = "small", quantity = 1 }, Ct);
        await response.AssertJsonAsync(HttpStatusCode.OK);
    }

    /// <summary>A stream that cannot report its length, so HttpClient sends the body chunked.</summary>
    private sealed class NoLengthStream(byte[] data) : MemoryStream(data)
    {
        public override bool CanSeek => false;
        public override long Length => throw new NotSupportedException();
    }
}

public sealed class CorsFactory : PlatformFactory
{
    protected override IDictionary<string, string?> Overrides => new Dictionary<string, string?>
    {
        ["Security:CorsOrigins:0"] = "https://shop.example",
    };
}

public sealed class CorsTests(CorsFactory factory) : IClassFixture<CorsFactory>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_listed_origin_is_echoed_without_credentials_and_any_other_origin_gets_no_cors_headers()
    {
        var client = factory.CreateClient();
        using var listed = new HttpRequestMessage(HttpMethod.Get, "/api/v1/vehicles/makes");
        listed.Headers.Add("Origin", "https://shop.example");
        var allowed = await client.SendAsync(listed, Ct);
        Assert.Equal(HttpStatusCode.OK, allowed.StatusCode);
        Assert.Equal("https://shop.example", Assert.Single(allowed.Headers.GetValues("Access-Control-Allow-Origin")));
        Assert.False(allowed.Headers.Contains("Access-Control-Allow-Credentials"));
        Assert.Contains("RateLimit", allowed.Headers.GetValues("Access-Control-Expose-Headers").Single(), StringComparison.Ordinal);

        using var other = new HttpRequestMessage(HttpMethod.Get, "/api/v1/vehicles/makes");
        other.Headers.Add("Origin", "https://evil.example");
        var refused = await client.SendAsync(other, Ct);
        Assert.Equal(HttpStatusCode.OK, refused.StatusCode);
        Assert.False(refused.Headers.Contains("Access-Control-Allow-Origin"));

        using var preflight = new HttpRequestMessage(HttpMethod.Options, "/api/v1/carts/me/items");
        preflight.Headers.Add("Origin", "https://shop.example");
        preflight.Headers.Add("Access-Control-Request-Method", "POST");
        preflight.Headers.Add("Access-Control-Request-Headers", "authorization,content-type,idempotency-key");
        var answer = await client.SendAsync(preflight, Ct);
        Assert.Equal(HttpStatusCode.NoContent, answer.StatusCode);
        Assert.Equal("https://shop.example", Assert.Single(answer.Headers.GetValues("Access-Control-Allow-Origin")));
        Assert.Contains("POST", answer.Headers.GetValues("Access-Control-Allow-Methods").Single(), StringComparison.Ordinal);
    }
}
