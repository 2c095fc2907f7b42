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
