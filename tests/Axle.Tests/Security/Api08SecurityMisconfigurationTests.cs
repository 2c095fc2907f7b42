using System.Data.Common;
using System.Net;
using System.Text.RegularExpressions;
using Axle.Api.Platform.Security;
using Axle.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Axle.Tests.Security;

/// <summary>The real app plus, in this test host only, endpoints that fail the way bugs do.</summary>
public sealed class FaultyEndpointsFactory : AxleFactory
{
    public const string Boom = "/owasp-boom";

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureTestServices(services => services.AddTransient<IStartupFilter, FaultyEndpoints>());
    }

    private sealed class FaultyEndpoints : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            next(app);
            app.UseEndpoints(routes =>
            {
                routes.MapGet(Boom + "/invalid", string () =>
                    throw new InvalidOperationException("SELECT password_hash FROM users WHERE id = 1; at Axle.Secret.Type"));
                routes.MapGet(Boom + "/database", string () =>
                    throw new DbUpdateException("An error occurred while saving. See the inner exception.",
                        new FakeDbException("23505: duplicate key value violates unique constraint \"ix_users_email\" INSERT INTO users")));
                routes.MapPost(Boom + "/authorized", string () => throw new NullReferenceException("Object reference not set"))
                    .RequireAuthorization();
            });
        };
    }

    private sealed class FakeDbException(string message) : DbException(message);
}

/// <summary>
/// OWASP API8:2023 Security Misconfiguration: an unhandled exception is a bare 500 problem (no stack trace, exception type,
/// message or SQL); every answer of the document carries the STANDARDS.md §10 headers and an exact content type; every
/// documented path refuses the methods it does not declare with a 405 problem; and CORS never grants credentials to any
/// origin, let alone to <c>*</c>.
/// </summary>
public sealed partial class Api08SecurityMisconfigurationTests(FaultyEndpointsFactory factory) : IClassFixture<FaultyEndpointsFactory>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static readonly string[] Leaks =
    [
        "   at ", "Exception", "SELECT", "INSERT", "password_hash", "ix_users_email", "23505", "Axle.", "Object reference", "System.",
    ];

    [Theory]
    [InlineData("GET", "/invalid")]
    [InlineData("GET", "/database")]
    [InlineData("POST", "/authorized")]
    public async Task A_forced_exception_is_a_bare_500_problem_without_trace_type_message_or_sql(string method, string path)
    {
        var client = factory.CreateUserClient(Roles.Customer);
        using var request = new HttpRequestMessage(new HttpMethod(method), FaultyEndpointsFactory.Boom + path);

        var response = await client.SendAsync(request, Ct);

        var problem = await response.AssertProblemAsync(HttpStatusCode.InternalServerError, "internal_error");
        var body = await response.Content.ReadAsStringAsync(Ct);
        Assert.All(Leaks, leak => Assert.DoesNotContain(leak, body, StringComparison.Ordinal));
        Assert.False(string.IsNullOrEmpty(problem.GetProperty("traceId").GetString()));
        AssertSecurityHeaders(response, $"{method} {path}");
    }

    [Fact]
    public async Task Every_get_of_the_document_answers_with_the_security_headers_and_an_exact_content_type()
    {
        var admin = factory.CreateUserClient(Roles.Admin);
        var anonymous = factory.CreateClient();
        var failures = new List<string>();
        var walked = 0;
        foreach (var operation in (await SecurityWalk.OperationsAsync(factory)).Where(o => o.Method == "GET"))
        {
            walked++;
            foreach (var (who, client) in new[] { ("admin", admin), ("anonymous", anonymous) })
            {
                var response = await client.GetAsync(SecurityWalk.Concrete(operation.Path, operation.Operation), Ct);
                try
                {
                    AssertSecurityHeaders(response, operation.Path);
                    if (operation.IsSecured || !response.IsSuccessStatusCode)
                    {
                        // Personal and error answers are never stored by a cache; the public catalogue may be (§10 project rule).
                        Assert.True(response.Headers.CacheControl?.NoStore == true, $"Cache-Control {response.Headers.CacheControl}");
                    }
                }
                catch (Exception e) when (e is Xunit.Sdk.XunitException)
                {
                    failures.Add($"GET {operation.Path} as {who} ({(int)response.StatusCode}): {e.Message.ReplaceLineEndings(" ")}");
                }
            }
        }

        SecurityWalk.AssertWalk(failures, walked, 50, "Answers without the §10 headers");
    }

    [Fact]
    public async Task Every_documented_path_refuses_the_methods_it_does_not_declare_with_a_405_problem()
    {
        var operations = await SecurityWalk.OperationsAsync(factory);
        var templates = operations.Select(o => (o.Method, Pattern: Matcher(o.Path))).ToList();
        var admin = factory.CreateUserClient(Roles.Admin);
        var failures = new List<string>();
        var walked = 0;
        foreach (var path in operations.GroupBy(o => o.Path))
        {
            var declared = path.Select(o => o.Method).ToHashSet();
            var url = SecurityWalk.Concrete(path.Key, path.First().Operation);
            foreach (var method in new[] { "GET", "POST", "PUT", "PATCH", "DELETE", "TRACE" }.Where(m => !declared.Contains(m)))
            {
                // A sibling template may take the URL with that method (GET /inventory/{sku} takes /inventory/adjustments).
                if (templates.Any(t => t.Method == method && t.Pattern.IsMatch(url)))
                {
                    continue;
                }

                walked++;
                using var request = new HttpRequestMessage(new HttpMethod(method), url);
                var response = await admin.SendAsync(request, Ct);
                var type = response.Content.Headers.ContentType?.MediaType;
                if (response.StatusCode != HttpStatusCode.MethodNotAllowed || type != "application/problem+json")
                {
                    failures.Add($"{method} {path.Key}: {(int)response.StatusCode} {type}");
                }
            }
        }

        SecurityWalk.AssertWalk(failures, walked, 200, "Undeclared methods that were not refused with a 405 problem");
    }

    [Theory]
    [InlineData("https://evil.example")]
    [InlineData("null")]
    [InlineData("http://localhost:3000")]
    public async Task Cors_never_grants_credentials_to_any_origin_or_to_star(string origin)
    {
        var customer = factory.CreateUserClient(Roles.Customer);
        var failures = new List<string>();
        foreach (var path in new[] { "/api/v1/users/me", "/api/v1/parts", "/api/v1/auth/login", "/oauth/token", "/api/v1/admin/users" })
        {
            using var preflight = new HttpRequestMessage(HttpMethod.Options, path);
            preflight.Headers.Add("Origin", origin);
            preflight.Headers.Add("Access-Control-Request-Method", "POST");
            preflight.Headers.Add("Access-Control-Request-Headers", "authorization, content-type");
            using var simple = new HttpRequestMessage(HttpMethod.Get, path);
            simple.Headers.Add("Origin", origin);
            foreach (var request in new[] { preflight, simple })
            {
                var response = await customer.SendAsync(request, Ct);
                var allowOrigin = Header(response, "Access-Control-Allow-Origin");
                var allowCredentials = Header(response, "Access-Control-Allow-Credentials");
                if ((allowOrigin == "*" && allowCredentials == "true") || (allowOrigin == origin && allowCredentials == "true"))
                {
                    failures.Add($"{request.Method} {path}: Allow-Origin {allowOrigin}, Allow-Credentials {allowCredentials}");
                }
            }
        }

        Assert.True(failures.Count == 0, "Credentialed CORS grants:\n" + string.Join('\n', failures));
    }

    private static void AssertSecurityHeaders(HttpResponseMessage response, string what)
    {
        Assert.True(Header(response, "X-Content-Type-Options") == "nosniff", $"{what}: X-Content-Type-Options");
        Assert.True(Header(response, "X-Frame-Options") == "DENY", $"{what}: X-Frame-Options");
        Assert.True(Header(response, "Content-Security-Policy")?.Contains("frame-ancestors 'none'", StringComparison.Ordinal) == true,
            $"{what}: Content-Security-Policy");
        Assert.False(response.Headers.Contains("Server"), $"{what}: Server banner");
        Assert.False(response.Headers.Contains("X-Powered-By"), $"{what}: X-Powered-By");
        if (response.Content.Headers.ContentLength is not 0 && response.Content.Headers.ContentType is { } type
            && type.MediaType?.Contains("json", StringComparison.Ordinal) == true)
        {
            var exact = type.ToString();
            Assert.True(exact is "application/json; charset=utf-8" or "application/problem+json", $"{what}: Content-Type {exact}");
        }
    }

    private static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) || response.Content.Headers.TryGetValues(name, out values)
            ? string.Join(", ", values)
            : null;

    private static Regex Matcher(string template) =>
        new("^" + Parameter().Replace(Regex.Escape(template).Replace("\\{", "{", StringComparison.Ordinal), "[^/]+") + "$");

    [GeneratedRegex(@"\{[A-Za-z0-9_]+\}")]
    private static partial Regex Parameter();
}
