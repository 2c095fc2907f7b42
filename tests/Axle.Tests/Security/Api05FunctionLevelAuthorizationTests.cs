using System.Net;
using System.Net.Http.Json;
using System.Security.Claims;
using Axle.Api.Features.Clients;
using Axle.Api.Features.Inventory;
using Axle.Api.Platform.Data;
using Axle.Api.Platform.Security;
using Axle.Tests.Infrastructure;
using Microsoft.AspNetCore.Authorization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Axle.Tests.Security;

/// <summary>
/// OWASP API5:2023 Broken Function Level Authorization: every staff-only operation (derived from each endpoint's policy)
/// answers a customer 403 problem, the famous ones by name (creating parts, <c>/admin/*</c>, refunds, stock adjustments)
/// and changing nothing; and every scope-protected operation answers a machine client without that scope 403.
/// </summary>
public sealed class Api05FunctionLevelAuthorizationTests(AxleFactory factory) : IClassFixture<AxleFactory>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Every_operation_whose_policy_excludes_customers_answers_a_customer_403_problem()
    {
        var operations = (await SecurityWalk.OperationsAsync(factory)).ToDictionary(o => (o.Method, o.Path));
        var someCustomer = new ClaimsPrincipal(new ClaimsIdentity(
            [new Claim(AxleClaims.Subject, Guid.NewGuid().ToString()), new Claim(AxleClaims.Role, Roles.Customer)],
            "test", AxleClaims.Subject, AxleClaims.Role));
        var customer = factory.CreateUserClient(Roles.Customer);
        var failures = new List<string>();
        var walked = 0;
        foreach (var (endpoint, path, methods) in SecurityWalk.Endpoints(factory))
        {
            if (await SecurityWalk.AdmitsAsync(factory, endpoint, someCustomer))
            {
                continue;
            }

            foreach (var method in methods)
            {
                if (!operations.TryGetValue((method, path), out var operation))
                {
                    continue; // the inventory test reports undocumented routes
                }

                walked++;
                using var request = SecurityWalk.Request(operation);
                var response = await customer.SendAsync(request, Ct);
                var type = response.Content.Headers.ContentType?.MediaType;
                if (response.StatusCode != HttpStatusCode.Forbidden || type != "application/problem+json")
                {
                    failures.Add($"{method} {path}: {(int)response.StatusCode} {type}");
                }
            }
        }

        SecurityWalk.AssertWalk(failures, walked, 40, "Staff-only operations that did not answer a customer 403 problem+json");
    }

    [Fact]
    public async Task A_customer_creating_parts_calling_admin_operations_refunding_or_adjusting_stock_gets_403_and_nothing_changes()
    {
        var (customer, user) = await factory.CreateCustomerAsync();
        var sku = "OWASP-" + Guid.NewGuid().ToString("N")[..8];
        var before = await CountsAsync();

        var calls = new (string What, Task<HttpResponseMessage> Call)[]
        {
            ("POST /parts", customer.PostAsJsonAsync("/api/v1/parts", new { sku, partNumber = sku, name = "Rotor", brandId = 1, categoryId = 1,
                price = new { amount = 1.00, currency = "USD" } }, Ct)),
            ("POST /admin/users/{id}/roles", customer.PostAsJsonAsync($"/api/v1/admin/users/{user.Id}/roles", new { roles = new[] { "admin" } }, Ct)),
            ("POST /admin/clients", customer.PostAsJsonAsync("/api/v1/admin/clients", new { name = "mine", scopes = new[] { "catalog:write" } }, Ct)),
            ("GET /admin/users", customer.GetAsync("/api/v1/admin/users", Ct)),
            ("GET /admin/audit-log", customer.GetAsync("/api/v1/admin/audit-log", Ct)),
            ("POST /returns/{id}/refund", customer.PostAsJsonAsync($"/api/v1/returns/{Guid.NewGuid()}/refund", new { }, Ct)),
            ("POST /inventory/adjustments", customer.PostAsJsonAsync("/api/v1/inventory/adjustments",
                new { sku, warehouseId = 1, delta = 1000, reason = "found" }, Ct)),
        };
        foreach (var (what, call) in calls)
        {
            var response = await call;
            Assert.True(response.StatusCode == HttpStatusCode.Forbidden, $"{what}: {(int)response.StatusCode}");
            await response.AssertProblemAsync(HttpStatusCode.Forbidden);
        }

        Assert.Equal(before, await CountsAsync());
        await using var scope = factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        var roles = await db.Set<Api.Features.Identity.User>().AsNoTracking().Include(u => u.Roles).SingleAsync(u => u.Id == user.Id, Ct);
        Assert.Equal([Roles.Customer], roles.RoleNames);
    }

    [Fact]
    public async Task Every_scope_protected_operation_answers_a_machine_client_without_the_scope_403()
    {
        var admin = factory.CreateAdminClient();
        var operations = (await SecurityWalk.OperationsAsync(factory)).ToDictionary(o => (o.Method, o.Path));
        var tokens = new Dictionary<string, HttpClient>(StringComparer.Ordinal);
        var failures = new List<string>();
        var walked = 0;
        foreach (var (endpoint, path, methods) in SecurityWalk.Endpoints(factory))
        {
            var scopes = endpoint.Metadata.GetOrderedMetadata<IAuthorizeData>()
                .Select(a => a.Policy)
                .OfType<string>()
                .Where(p => p.StartsWith("scope:", StringComparison.Ordinal))
                .Select(p => p["scope:".Length..].Split('|')[0])
                .ToList();
            if (scopes.Count == 0)
            {
                continue;
            }

            // A client holding every scope except the ones this operation names.
            var others = MachineScopes.All.Except(scopes, StringComparer.Ordinal).ToArray();
            var key = string.Join(' ', others);
            if (!tokens.TryGetValue(key, out var machine))
            {
                var client = await admin.CreateMachineClientAsync("owasp-" + Guid.NewGuid().ToString("N")[..8], others);
                machine = factory.CreateBearerClient(await factory.CreateClient().GetAccessTokenAsync(client));
                tokens[key] = machine;
            }

            foreach (var method in methods)
            {
                if (!operations.TryGetValue((method, path), out var operation))
                {
                    continue;
                }

                walked++;
                using var request = SecurityWalk.Request(operation);
                var response = await machine.SendAsync(request, Ct);
                var type = response.Content.Headers.ContentType?.MediaType;
                if (response.StatusCode != HttpStatusCode.Forbidden || type != "application/problem+json")
                {
                    failures.Add($"{method} {path} (needs {string.Join(", ", scopes)}): {(int)response.StatusCode} {type}");
                }
            }
        }

        SecurityWalk.AssertWalk(failures, walked, 15, "Scope-protected operations that did not answer a machine client lacking the scope 403 problem+json");
    }

    private async Task<(int Parts, int Movements, int Clients)> CountsAsync()
    {
        await using var scope = factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        return (await db.Set<Api.Features.Catalog.Part>().CountAsync(Ct), await db.Set<StockMovement>().CountAsync(Ct),
            await db.Set<OpenIddict.EntityFrameworkCore.Models.OpenIddictEntityFrameworkCoreApplication>().CountAsync(Ct));
    }
}
