using System.Security.Claims;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Axle.Tests.Infrastructure;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Axle.Tests.Security;

/// <summary>One documented operation: its method, path template as the document writes it, and its OpenAPI object.</summary>
internal sealed record DocumentedOperation(string Method, string Path, JsonElement Operation)
{
    public bool TakesJson => Operation.TryGetProperty("requestBody", out var body)
        && body.TryGetProperty("content", out var content) && content.TryGetProperty("application/json", out _);

    public bool TakesBody => Operation.TryGetProperty("requestBody", out _);

    /// <summary>Admits only a bearer token: every security requirement names the Bearer scheme (roles and scopes listed in it).</summary>
    public bool IsSecured => Operation.TryGetProperty("security", out var security) && security.GetArrayLength() > 0
        && security.EnumerateArray().All(requirement => requirement.TryGetProperty("Bearer", out _));

    /// <summary>A signed webhook: a requirement names a signature scheme, checked before the body is read.</summary>
    public bool IsSigned => Operation.TryGetProperty("security", out var security)
        && security.EnumerateArray().Any(requirement => requirement.EnumerateObject().Any(scheme => scheme.Name != "Bearer"));

    public bool HasQuery(string name) => Operation.TryGetProperty("parameters", out var parameters)
        && parameters.EnumerateArray().Any(p => p.GetProperty("in").GetString() == "query" && p.GetProperty("name").GetString() == name);
}

/// <summary>
/// Walking the served OpenAPI document (<c>/openapi/v1.json</c>) and the app's route table, shared by the OWASP API Top 10
/// classes in this folder.
/// </summary>
internal static partial class SecurityWalk
{
    public static readonly string[] Methods = ["get", "post", "put", "patch", "delete"];

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>Every operation of the served document.</summary>
    public static async Task<List<DocumentedOperation>> OperationsAsync(AxleFactory factory)
    {
        using var doc = JsonDocument.Parse(await factory.CreateClient().GetStringAsync("/openapi/v1.json", Ct));
        return [.. Operations(doc.RootElement.Clone())];
    }

    public static IEnumerable<DocumentedOperation> Operations(JsonElement doc)
    {
        foreach (var path in doc.GetProperty("paths").EnumerateObject())
        {
            foreach (var operation in path.Value.EnumerateObject().Where(o => Methods.Contains(o.Name)))
            {
                yield return new DocumentedOperation(operation.Name.ToUpperInvariant(), path.Name, operation.Value.Clone());
            }
        }
    }

    /// <summary>The app's route endpoints with the path as the document writes it and the methods each answers.</summary>
    public static IEnumerable<(RouteEndpoint Endpoint, string Path, IReadOnlyList<string> Methods)> Endpoints(AxleFactory factory) =>
        factory.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Select(e => (e, Template(e.RoutePattern.RawText ?? ""), e.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? ["*"]));

    /// <summary>Whether <paramref name="principal"/> passes the endpoint's authorization policy (true for endpoints without one).</summary>
    public static async Task<bool> AdmitsAsync(AxleFactory factory, RouteEndpoint endpoint, ClaimsPrincipal principal)
    {
        var policy = await AuthorizationPolicy.CombineAsync(factory.Services.GetRequiredService<IAuthorizationPolicyProvider>(),
            endpoint.Metadata.GetOrderedMetadata<IAuthorizeData>(), endpoint.Metadata.GetOrderedMetadata<AuthorizationPolicy>());
        if (policy is null || endpoint.Metadata.GetMetadata<IAllowAnonymous>() is not null)
        {
            return true;
        }

        return (await factory.Services.GetRequiredService<IAuthorizationService>().AuthorizeAsync(principal, null, policy)).Succeeded;
    }

    /// <summary>A request for the operation with an empty JSON object as body where it takes one.</summary>
    public static HttpRequestMessage Request(DocumentedOperation operation, string? body = "{}")
    {
        var request = new HttpRequestMessage(new HttpMethod(operation.Method), Concrete(operation.Path, operation.Operation));
        if (body is not null && operation.Method is "POST" or "PUT" or "PATCH")
        {
            request.Content = new StringContent(body, Encoding.UTF8, "application/json");
        }

        return request;
    }

    /// <summary><c>/api/v1/parts/{id:long}</c> → <c>/api/v1/parts/{id}</c>, as the document writes it (no trailing slash).</summary>
    public static string Template(string route) => "/" + Constraint().Replace(route.Trim('/'), "{$1}");

    /// <summary>
    /// A request path for a documented template: each path parameter becomes a value of its documented type that names
    /// nothing (a 401 or 403 must come before any lookup).
    /// </summary>
    public static string Concrete(string template, JsonElement operation)
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

    /// <summary>Fails with every entry of <paramref name="failures"/>, and when fewer than <paramref name="minimum"/> were walked.</summary>
    public static void AssertWalk(List<string> failures, int walked, int minimum, string what)
    {
        Assert.True(failures.Count == 0, what + ":\n" + string.Join('\n', failures));
        Assert.True(walked >= minimum, $"Only {walked} operations walked; the walk is not seeing the document.");
    }

    [GeneratedRegex(@"\{\*{0,2}([A-Za-z0-9_]+)(?::[^}?]*)?\??\}")]
    private static partial Regex Constraint();

    [GeneratedRegex(@"\{([A-Za-z0-9_]+)\}")]
    private static partial Regex Parameter();
}
