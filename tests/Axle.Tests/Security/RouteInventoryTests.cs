using System.Net;
using System.Security.Claims;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Axle.Api.Platform.Security;
using Axle.Tests.Infrastructure;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Axle.Tests.Security;

/// <summary>
/// The route inventory (OWASP API9, improper inventory management): every route the app answers is in the OpenAPI
/// document or on a short list of operations endpoints, and every operation the document marks as secured refuses an
/// anonymous caller with a 401 problem (API2, broken authentication).
/// </summary>
public sealed partial class RouteInventoryTests(AxleFactory factory) : IClassFixture<AxleFactory>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    // Answered on purpose without being API operations: probes, the scrape, the document and its reference page.
    private static readonly string[] OperationsRoutes = ["/health/live", "/health/ready", "/metrics", "/openapi/{documentName}.json"];

    private static bool IsOperations(string path) =>
        OperationsRoutes.Contains(path, StringComparer.Ordinal) || path == "/docs" || path.StartsWith("/docs/", StringComparison.Ordinal);

    [Fact]
    public async Task Every_mapped_route_is_documented_or_a_known_operations_endpoint()
    {
        var documented = await DocumentedAsync();
        var mapped = factory.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .SelectMany(e => (e.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? ["*"])
                .Select(method => (Method: method, Path: Template(e.RoutePattern.RawText ?? ""))))
            .Where(r => r.Method != "HEAD" && r.Method != "OPTIONS")
            .Distinct()
            .ToList();

        var undocumented = mapped
            .Where(r => !documented.Contains((r.Method, r.Path)) && !IsOperations(r.Path))
            .Select(r => $"{r.Method} {r.Path}")
            .Order(StringComparer.Ordinal)
            .ToList();
        Assert.True(undocumented.Count == 0, "Answered but not in the OpenAPI document:\n" + string.Join('\n', undocumented));

        var phantom = documented.Where(d => !mapped.Contains(d)).Select(d => $"{d.Method} {d.Path}").ToList();
        Assert.True(phantom.Count == 0, "Documented but not mapped:\n" + string.Join('\n', phantom));
        Assert.True(documented.Count > 100, $"Only {documented.Count} operations found; the walk is not seeing the document.");
    }

    [Fact]
    public async Task Every_secured_operation_refuses_an_anonymous_caller_with_a_401_problem()
    {
        using var doc = JsonDocument.Parse(await factory.CreateClient().GetStringAsync("/openapi/v1.json", Ct));
        var anonymous = factory.CreateClient();
        var failures = new List<string>();
        var walked = 0;
        foreach (var (method, path, operation) in Operations(doc.RootElement))
        {
            if (!BearerOnly(operation))
            {
                continue; // public by design (sign-in, catalog reads, signed webhooks with their own scheme)
            }

            walked++;
            using var request = new HttpRequestMessage(new HttpMethod(method), Concrete(path, operation));
            if (method is "POST" or "PUT" or "PATCH")
            {
                request.Content = new StringContent("{}", Encoding.UTF8, "application/json");
            }

            var response = await anonymous.SendAsync(request, Ct);
            var type = response.Content.Headers.ContentType?.MediaType;
            if (response.StatusCode != HttpStatusCode.Unauthorized || type != "application/problem+json")
            {
                failures.Add($"{method} {path}: {(int)response.StatusCode} {type}");
            }
        }

        Assert.True(failures.Count == 0, "Secured operations that did not answer 401 problem+json to an anonymous caller:\n" +
            string.Join('\n', failures));
        Assert.True(walked > 50, $"Only {walked} secured operations walked.");
    }

    [Fact]
    public async Task Every_operation_whose_policy_excludes_customers_answers_a_customer_403_problem()
    {
        using var doc = JsonDocument.Parse(await factory.CreateClient().GetStringAsync("/openapi/v1.json", Ct));
        var operations = Operations(doc.RootElement).ToDictionary(o => (o.Method, o.Path), o => o.Operation);
        var policies = factory.Services.GetRequiredService<IAuthorizationPolicyProvider>();
        var authorization = factory.Services.GetRequiredService<IAuthorizationService>();
        var someCustomer = new ClaimsPrincipal(new ClaimsIdentity(
            [new Claim(AxleClaims.Subject, Guid.NewGuid().ToString()), new Claim(AxleClaims.Role, Roles.Customer)],
            "test", AxleClaims.Subject, AxleClaims.Role));
        var customer = factory.CreateUserClient(Roles.Customer);
        var failures = new List<string>();
        var walked = 0;
        foreach (var endpoint in factory.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>())
        {
            var policy = await AuthorizationPolicy.CombineAsync(policies,
                endpoint.Metadata.GetOrderedMetadata<IAuthorizeData>(), endpoint.Metadata.GetOrderedMetadata<AuthorizationPolicy>());
            if (policy is null || endpoint.Metadata.GetMetadata<IAllowAnonymous>() is not null
                || (await authorization.AuthorizeAsync(someCustomer, null, policy)).Succeeded)
            {
                continue;
            }

            var path = Template(endpoint.RoutePattern.RawText ?? "");
            foreach (var method in endpoint.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? [])
            {
                if (!operations.TryGetValue((method, path), out var operation))
                {
                    continue; // the inventory test reports undocumented routes
                }

                walked++;
                using var request = new HttpRequestMessage(new HttpMethod(method), Concrete(path, operation));
                if (method is "POST" or "PUT" or "PATCH")
                {
                    request.Content = new StringContent("{}", Encoding.UTF8, "application/json");
                }

                var response = await customer.SendAsync(request, Ct);
                var type = response.Content.Headers.ContentType?.MediaType;
                if (response.StatusCode != HttpStatusCode.Forbidden || type != "application/problem+json")
                {
                    failures.Add($"{method} {path}: {(int)response.StatusCode} {type}");
                }
            }
        }

        Assert.True(failures.Count == 0, "Staff-only operations that did not answer a customer 403 problem+json:\n" + string.Join('\n', failures));
        Assert.True(walked > 40, $"Only {walked} staff-only operations walked.");
    }

    [Fact]
    public async Task Every_json_body_refuses_members_it_does_not_define()
    {
        using var doc = JsonDocument.Parse(await factory.CreateClient().GetStringAsync("/openapi/v1.json", Ct));
        var admin = factory.CreateAdminClient();
        var failures = new List<string>();
        var walked = 0;
        foreach (var (method, path, operation) in Operations(doc.RootElement))
        {
            if (!operation.TryGetProperty("requestBody", out var body)
                || !body.GetProperty("content").TryGetProperty("application/json", out _))
            {
                continue;
            }

            walked++;
            // A mass-assignment probe: members a client must never set, on an otherwise empty body.
            using var request = new HttpRequestMessage(new HttpMethod(method), Concrete(path, operation))
            {
                Content = new StringContent("""{"isAdmin":true,"role":"admin","ownerId":"00000000-0000-0000-0000-000000000001","__probe":1}""",
                    Encoding.UTF8, "application/json"),
            };
            var response = await admin.SendAsync(request, Ct);
            var status = (int)response.StatusCode;
            var type = response.Content.Headers.ContentType?.MediaType;
            // Signed webhooks (no bearer security) authenticate the signature before they read the body: 401/403 first is right.
            var signed = SignedBody(operation) && status is 401 or 403;
            if ((status != 400 && !signed) || type != "application/problem+json")
            {
                failures.Add($"{method} {path}: {status} {type}");
            }
        }

        Assert.True(failures.Count == 0, "JSON bodies with undefined members that were not refused with a 400 problem:\n" +
            string.Join('\n', failures));
        Assert.True(walked > 40, $"Only {walked} JSON bodies walked.");
    }

    private async Task<HashSet<(string Method, string Path)>> DocumentedAsync()
    {
        using var doc = JsonDocument.Parse(await factory.CreateClient().GetStringAsync("/openapi/v1.json", Ct));
        return [.. Operations(doc.RootElement).Select(o => (o.Method, o.Path))];
    }

    private static IEnumerable<(string Method, string Path, JsonElement Operation)> Operations(JsonElement doc)
    {
        foreach (var path in doc.GetProperty("paths").EnumerateObject())
        {
            foreach (var operation in path.Value.EnumerateObject())
            {
                if (operation.Name is "get" or "post" or "put" or "patch" or "delete")
                {
                    yield return (operation.Name.ToUpperInvariant(), path.Name, operation.Value);
                }
            }
        }
    }

    /// <summary><c>/api/v1/parts/{id:long}</c> → <c>/api/v1/parts/{id}</c>, as the document writes it (no trailing slash).</summary>
    private static string Template(string route)
    {
        var path = "/" + Constraint().Replace(route.Trim('/'), "{$1}");
        return path;
    }

    /// <summary>
    /// A request path for a documented template: each path parameter becomes a value of its documented type that names
    /// nothing (a 401 must come before any lookup).
    /// </summary>
    private static string Concrete(string template, JsonElement operation)
    {
        var types = new Dictionary<string, string>(StringComparer.Ordinal);
        if (operation.TryGetProperty("parameters", out var parameters))
        {
            foreach (var p in parameters.EnumerateArray().Where(p => p.GetProperty("in").GetString() == "path"))
            {
                var schema = p.TryGetProperty("schema", out var sc) ? sc : default;
                var type = schema.ValueKind == JsonValueKind.Object && schema.TryGetProperty("type", out var t) ? t.ToString() : "";
                var format = schema.ValueKind == JsonValueKind.Object && schema.TryGetProperty("format", out var f) ? f.GetString() : null;
                types[p.GetProperty("name").GetString()!] = format == "uuid" ? "uuid" : type.Contains("integer", StringComparison.Ordinal) ? "integer" : "string";
            }
        }

        return Parameter().Replace(template, m => types.GetValueOrDefault(m.Groups[1].Value) switch
        {
            "uuid" => Guid.NewGuid().ToString(),
            "integer" => "987654321",
            _ => "unknown-x",
        });
    }

    [GeneratedRegex(@"\{\*{0,2}([A-Za-z0-9_]+)(?::[^}?]*)?\??\}")]
    private static partial Regex Constraint();

    [GeneratedRegex(@"\{([A-Za-z0-9_]+)\}")]
    private static partial Regex Parameter();

    /// <summary>Operations that admit only a bearer token (each security requirement names the Bearer scheme).</summary>
    private static bool BearerOnly(JsonElement operation) =>
        operation.TryGetProperty("security", out var security) && security.GetArrayLength() > 0
        && security.EnumerateArray().All(requirement => requirement.TryGetProperty("Bearer", out _));

    /// <summary>Signed webhooks: a requirement names a signature scheme, checked before the body is read.</summary>
    private static bool SignedBody(JsonElement operation) =>
        operation.TryGetProperty("security", out var security)
        && security.EnumerateArray().Any(requirement => requirement.EnumerateObject().Any(scheme => scheme.Name != "Bearer"));
}
