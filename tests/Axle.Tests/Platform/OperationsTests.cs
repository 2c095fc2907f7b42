using System.Net;
using Axle.Api.Platform.Data;
using Axle.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Axle.Tests.Platform;

public sealed class OperationsTests(AxleFactory factory) : IClassFixture<AxleFactory>
{
    [Fact]
    public async Task Readiness_reports_healthy_when_the_database_answers()
    {
        var response = await factory.CreateClient().GetAsync("/health/ready", TestContext.Current.CancellationToken);
        var body = await response.AssertJsonAsync(HttpStatusCode.OK);
        Assert.Equal("healthy", body.GetProperty("status").GetString());
        Assert.Equal("healthy", body.GetProperty("checks").GetProperty("database").GetProperty("status").GetString());
    }

    [Fact]
    public void Tests_run_on_the_configured_database_provider()
    {
        using var scope = factory.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        Assert.Equal(AxleFactory.IsPostgres, db.Database.IsNpgsql());
        Assert.Equal(!AxleFactory.IsPostgres, db.Database.IsSqlite());
    }

    [Fact]
    public async Task Liveness_answers_without_touching_dependencies()
    {
        var response = await factory.CreateClient().GetAsync("/health/live", TestContext.Current.CancellationToken);
        var body = await response.AssertJsonAsync(HttpStatusCode.OK);
        Assert.Equal("healthy", body.GetProperty("status").GetString());
    }

    [Fact]
    public async Task OpenApi_document_is_served_with_bearer_security_scheme()
    {
        var response = await factory.CreateClient().GetAsync("/openapi/v1.json", TestContext.Current.CancellationToken);
        var doc = await response.AssertJsonAsync(HttpStatusCode.OK);
        Assert.StartsWith("3.", doc.GetProperty("openapi").GetString());
        Assert.Equal("Axle API", doc.GetProperty("info").GetProperty("title").GetString());
        Assert.True(doc.GetProperty("components").GetProperty("securitySchemes").TryGetProperty("Bearer", out _));
    }

    [Fact]
    public async Task OpenApi_marks_secured_operations_with_bearer_and_their_401_and_403()
    {
        var doc = await (await factory.CreateClient().GetAsync("/openapi/v1.json", TestContext.Current.CancellationToken))
            .AssertJsonAsync(HttpStatusCode.OK);
        var paths = doc.GetProperty("paths");
        var me = paths.GetProperty("/api/v1/users/me").GetProperty("get");
        Assert.True(me.GetProperty("security")[0].TryGetProperty("Bearer", out _));
        Assert.True(me.GetProperty("responses").TryGetProperty("401", out _));
        Assert.True(me.GetProperty("responses").TryGetProperty("403", out _));
        var login = paths.GetProperty("/api/v1/auth/login").GetProperty("post");
        Assert.False(login.TryGetProperty("security", out _));

        // Requirements name who is admitted; signed webhooks name their signature; every answer documents its quota fields.
        var users = paths.GetProperty("/api/v1/admin/users").GetProperty("get");
        Assert.Equal(["role:admin"], users.GetProperty("security")[0].GetProperty("Bearer").EnumerateArray().Select(r => r.GetString()));
        var push = paths.GetProperty("/api/v1/inventory/updates").GetProperty("post");
        Assert.True(push.GetProperty("security")[0].TryGetProperty("StandardWebhooks", out _));
        var ok = me.GetProperty("responses").GetProperty("200").GetProperty("headers");
        Assert.True(ok.TryGetProperty("RateLimit", out _) && ok.TryGetProperty("RateLimit-Policy", out _));
        var limited = me.GetProperty("responses").GetProperty("429");
        Assert.True(limited.GetProperty("headers").TryGetProperty("Retry-After", out _));
        Assert.True(limited.GetProperty("content").TryGetProperty("application/problem+json", out _));
    }

    [Fact]
    public async Task OpenApi_gives_each_use_case_body_a_schema_of_its_own()
    {
        // Use cases nest records of the same name (CreateShipment.Request, AddCartItem.Request): named by the bare type they
        // collapsed into one schema, and the cart, order and stock bodies were documented as the shipment body.
        var doc = await (await factory.CreateClient().GetAsync("/openapi/v1.json", TestContext.Current.CancellationToken))
            .AssertJsonAsync(HttpStatusCode.OK);
        string Members(string path, string method)
        {
            var reference = doc.GetProperty("paths").GetProperty(path).GetProperty(method).GetProperty("requestBody").GetProperty("content")
                .GetProperty("application/json").GetProperty("schema").GetProperty("$ref").GetString()!.Split('/')[^1];
            return string.Join(',', doc.GetProperty("components").GetProperty("schemas").GetProperty(reference).GetProperty("properties")
                .EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
        }

        Assert.Equal("carrier,items,trackingNumber,warehouseId", Members("/api/v1/orders/{id}/shipments", "post"));
        Assert.Equal("partId,quantity", Members("/api/v1/carts/{userId}/items", "post"));
        Assert.Contains("delta", Members("/api/v1/inventory/adjustments", "post").Split(','));
        Assert.Contains("shippingAddress", Members("/api/v1/orders", "post").Split(','));
    }

    [Fact]
    public async Task Docs_page_is_served_as_html()
    {
        var response = await factory.CreateClient().GetAsync("/docs", TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        var html = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.Contains("openapi/v1.json", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Metrics_are_exposed_in_prometheus_text_format()
    {
        var client = factory.CreateClient();
        await client.GetAsync("/health/live", TestContext.Current.CancellationToken);
        var response = await client.GetAsync("/metrics", TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.Contains("# TYPE", text, StringComparison.Ordinal);
        Assert.Contains("http_server_request_duration_seconds", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Every_response_carries_security_headers_and_no_server_banner()
    {
        var response = await factory.CreateClient().GetAsync("/health/live", TestContext.Current.CancellationToken);
        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Equal("DENY", response.Headers.GetValues("X-Frame-Options").Single());
        Assert.Contains("frame-ancestors 'none'", response.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
        Assert.False(response.Headers.Contains("Server"));
        Assert.False(response.Headers.Contains("X-Powered-By"));
    }

    [Fact]
    public async Task Unknown_route_is_a_404_problem()
    {
        var response = await factory.CreateClient().GetAsync("/api/v1/does-not-exist", TestContext.Current.CancellationToken);
        await response.AssertProblemAsync(HttpStatusCode.NotFound, "not_found");
    }

    [Fact]
    public async Task Responses_are_compressed_when_the_client_accepts_it()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/openapi/v1.json");
        request.Headers.AcceptEncoding.ParseAdd("br");
        var client = factory.CreateDefaultClient();
        var response = await client.SendAsync(request, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("br", response.Content.Headers.ContentEncoding);
    }

    [Theory]
    [InlineData("/health/ready")]
    [InlineData("/health/live")]
    [InlineData("/metrics")]
    public async Task Operations_endpoints_refuse_other_methods_with_405(string path)
    {
        var response = await factory.CreateClient().PostAsync(path, null, TestContext.Current.CancellationToken);
        await response.AssertProblemAsync(HttpStatusCode.MethodNotAllowed, "method_not_allowed");
    }
}
