using System.Net;
using System.Net.Http.Json;
using Axle.Api.Features.Audit;
using Axle.Api.Features.Identity;
using Axle.Api.Platform.Data;
using Axle.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.JsonWebTokens;

namespace Axle.Tests.Identity;

public sealed class AdminUsersTests(AxleFactory factory) : IClassFixture<AxleFactory>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Bootstrap_admin_exists_after_start_up_with_admin_and_customer_roles()
    {
        await using var scope = factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        var admin = await db.Set<User>().Include(u => u.Roles).SingleAsync(u => u.NormalizedEmail == AxleFactory.AdminEmail.ToUpperInvariant(), Ct);
        Assert.Equal(["admin", "customer"], admin.RoleNames);
        Assert.DoesNotContain(factory.AdminPassword, admin.PasswordHash, StringComparison.Ordinal);

        var tokens = await factory.CreateClient().LoginAsync(AxleFactory.AdminEmail, factory.AdminPassword);
        var roles = new JsonWebToken(tokens.AccessToken).Claims.Where(c => c.Type == "role").Select(c => c.Value);
        Assert.Contains("admin", roles);
    }

    [Fact]
    public async Task Customer_calling_the_admin_roles_endpoint_gets_403()
    {
        var (client, user) = await factory.CreateCustomerAsync();

        var response = await client.PostAsJsonAsync($"/api/v1/admin/users/{user.Id}/roles", new { roles = new[] { "admin" } }, Ct);
        var list = await client.GetAsync("/api/v1/admin/users", Ct);

        await response.AssertProblemAsync(HttpStatusCode.Forbidden);
        await list.AssertProblemAsync(HttpStatusCode.Forbidden);
        await using var scope = factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        Assert.False(await db.Set<UserRole>().AnyAsync(r => r.UserId == user.Id && r.Role == "admin", Ct));
    }

    [Fact]
    public async Task Admin_assigns_roles_and_the_users_next_token_carries_them()
    {
        var admin = await factory.CreateAdminClientAsync();
        var anonymous = factory.CreateClient();
        var user = await anonymous.RegisterAsync();

        var response = await admin.PostAsJsonAsync($"/api/v1/admin/users/{user.Id}/roles",
            new { roles = new[] { "customer", "catalog_manager", "catalog_manager" } }, Ct);

        var body = await response.AssertJsonAsync(HttpStatusCode.OK);
        Assert.Equal(["catalog_manager", "customer"], body.GetProperty("roles").EnumerateArray().Select(r => r.GetString()));
        var tokens = await anonymous.LoginAsync(user);
        var roles = new JsonWebToken(tokens.AccessToken).Claims.Where(c => c.Type == "role").Select(c => c.Value).Order();
        Assert.Equal(["catalog_manager", "customer"], roles);
        await using var scope = factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        var audit = await db.Set<AuditEntry>().SingleAsync(a => a.Action == "admin.roles_assigned" && a.Target == user.Id.ToString(), Ct);
        Assert.Equal("user", audit.ActorType);
        Assert.Contains("catalog_manager", audit.Details, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Assigning_an_unknown_role_is_400_and_changes_nothing()
    {
        var admin = await factory.CreateAdminClientAsync();
        var user = await factory.CreateClient().RegisterAsync();

        var response = await admin.PostAsJsonAsync($"/api/v1/admin/users/{user.Id}/roles", new { roles = new[] { "customer", "superuser" } }, Ct);

        var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest, "validation_failed");
        Assert.True(problem.GetProperty("errors").TryGetProperty("roles", out _));
        await using var scope = factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        Assert.Equal(["customer"], await db.Set<UserRole>().Where(r => r.UserId == user.Id).Select(r => r.Role).ToListAsync(Ct));
    }

    [Fact]
    public async Task Assigning_roles_to_an_unknown_user_is_404()
    {
        var admin = await factory.CreateAdminClientAsync();

        var response = await admin.PostAsJsonAsync($"/api/v1/admin/users/{Guid.NewGuid()}/roles", new { roles = new[] { "customer" } }, Ct);

        await response.AssertProblemAsync(HttpStatusCode.NotFound, "not_found");
    }

    [Fact]
    public async Task The_last_admin_cannot_lose_the_admin_role()
    {
        await using var scope = factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        var adminId = await db.Set<User>().Where(u => u.NormalizedEmail == AxleFactory.AdminEmail.ToUpperInvariant()).Select(u => u.Id).SingleAsync(Ct);
        if (await db.Set<UserRole>().CountAsync(r => r.Role == "admin", Ct) > 1)
        {
            Assert.Skip("Another test made a second admin in this factory.");
        }

        var admin = await factory.CreateAdminClientAsync();
        var response = await admin.PostAsJsonAsync($"/api/v1/admin/users/{adminId}/roles", new { roles = new[] { "customer" } }, Ct);

        await response.AssertProblemAsync(HttpStatusCode.Conflict, "last_admin");
    }

    [Fact]
    public async Task Admin_lists_users_page_by_page()
    {
        var admin = await factory.CreateAdminClientAsync();
        var anonymous = factory.CreateClient();
        var prefix = "page-" + Guid.NewGuid().ToString("N")[..8];
        for (var i = 0; i < 3; i++)
        {
            await anonymous.RegisterAsync($"{prefix}-{i}@axle.test");
        }

        var first = await admin.GetAsync($"/api/v1/admin/users?limit=2&email={prefix}", Ct);
        var firstBody = await first.AssertJsonAsync(HttpStatusCode.OK);
        var cursor = firstBody.GetProperty("nextCursor").GetString();
        var second = await (await admin.GetAsync($"/api/v1/admin/users?limit=2&email={prefix}&cursor={Uri.EscapeDataString(cursor!)}", Ct))
            .AssertJsonAsync(HttpStatusCode.OK);

        Assert.Equal(2, firstBody.GetProperty("items").GetArrayLength());
        Assert.Contains("rel=\"next\"", first.Headers.GetValues("Link").Single(), StringComparison.Ordinal);
        Assert.Equal($"{prefix}-2@axle.test", Assert.Single(second.GetProperty("items").EnumerateArray()).GetProperty("email").GetString());
        Assert.Equal(System.Text.Json.JsonValueKind.Null, second.GetProperty("nextCursor").ValueKind);
        Assert.DoesNotContain("passwordHash", firstBody.ToString(), StringComparison.OrdinalIgnoreCase);
        var bad = await admin.GetAsync("/api/v1/admin/users?cursor=garbage", Ct);
        await bad.AssertProblemAsync(HttpStatusCode.BadRequest, "invalid_cursor");
    }
}
