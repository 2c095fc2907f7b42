using Axle.Tests.Infrastructure;

namespace Axle.Tests.Security;

/// <summary>
/// OWASP API9:2023 Improper Inventory Management: every route the app answers is in the served OpenAPI document or on a
/// short list of operations endpoints, nothing is documented that the app does not answer, and no debug, test or older
/// version of the API is mapped.
/// </summary>
public sealed class Api09InventoryManagementTests(AxleFactory factory) : IClassFixture<AxleFactory>
{
    // Answered on purpose without being API operations: probes, the scrape, the document and its reference page.
    private static readonly string[] OperationsRoutes = ["/health/live", "/health/ready", "/metrics", "/openapi/{documentName}.json"];

    private static bool IsOperations(string path) =>
        OperationsRoutes.Contains(path, StringComparer.Ordinal) || path == "/docs" || path.StartsWith("/docs/", StringComparison.Ordinal);

    [Fact]
    public async Task Every_mapped_route_is_documented_or_a_known_operations_endpoint()
    {
        var documented = (await SecurityWalk.OperationsAsync(factory)).Select(o => (o.Method, o.Path)).ToHashSet();
        var mapped = SecurityWalk.Endpoints(factory)
            .SelectMany(e => e.Methods.Select(method => (Method: method, e.Path)))
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
    public void No_debug_test_or_other_version_routes_are_mapped()
    {
        var stray = SecurityWalk.Endpoints(factory)
            .Select(e => e.Path)
            .Where(p => !IsOperations(p) && !p.StartsWith("/api/v1/", StringComparison.Ordinal) && p != "/oauth/token")
            .Concat(SecurityWalk.Endpoints(factory).Select(e => e.Path)
                .Where(p => p.Split('/').Any(s => s is "debug" or "test" or "swagger" or "internal" or "v0" or "v2")))
            .Distinct()
            .ToList();

        Assert.True(stray.Count == 0, "Routes outside /api/v1 and the operations endpoints:\n" + string.Join('\n', stray));
    }
}
