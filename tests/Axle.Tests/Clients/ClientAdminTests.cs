using System.Net;
using System.Net.Http.Json;
using Axle.Api.Features.Audit;
using Axle.Api.Platform.Data;
using Axle.Api.Platform.Security;
using Axle.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using OpenIddict.EntityFrameworkCore.Models;

namespace Axle.Tests.Clients;

public sealed class ClientAdminTests(AxleFactory factory) : IClassFixture<AxleFactory>
{
    private const string ClientsPath = "/api/v1/admin/clients";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Creating_a_client_returns_201_with_a_secret_that_is_stored_only_as_a_hash()
    {
        var admin = factory.CreateAdminClient();

        var response = await admin.PostAsJsonAsync(ClientsPath, new { name = "Bosch supplier feed", scopes = new[] { "inventory:write", "catalog:write" } }, Ct);

        var body = await response.AssertJsonAsync(HttpStatusCode.Created);
        var clientId = body.GetProperty("clientId").GetString()!;
        var secret = body.GetProperty("clientSecret").GetString()!;
        Assert.StartsWith("cli_", clientId, StringComparison.Ordinal);
        Assert.True(Convert.FromBase64String(Base64UrlToBase64(secret)).Length >= 32, "secret has fewer than 256 bits");
        Assert.Equal("Bosch supplier feed", body.GetProperty("name").GetString());
        Assert.Equal(["catalog:write", "inventory:write"], body.GetProperty("scopes").EnumerateArray().Select(s => s.GetString()));
        Assert.Equal($"{ClientsPath}/{clientId}", response.Headers.Location?.OriginalString);
        Assert.Equal("no-store", response.Headers.CacheControl?.ToString());

        await using var scope = factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        var stored = await db.Set<OpenIddictEntityFrameworkCoreApplication>().AsNoTracking().SingleAsync(a => a.ClientId == clientId, Ct);
        Assert.NotNull(stored.ClientSecret);
        Assert.DoesNotContain(secret, stored.ClientSecret, StringComparison.Ordinal);
        Assert.Equal("confidential", stored.ClientType);
        var audit = await db.Set<AuditEntry>().AsNoTracking().SingleAsync(e => e.Target == clientId, Ct);
        Assert.Equal("admin.client_created", audit.Action);
        Assert.Equal("user", audit.ActorType);
        Assert.DoesNotContain(secret, audit.Details ?? "", StringComparison.Ordinal);
    }

    [Fact]
    public async Task Listing_and_reading_clients_never_shows_a_secret()
    {
        var admin = factory.CreateAdminClient();
        var created = await admin.CreateMachineClientAsync("ERP export", "orders:read");

        var listResponse = await admin.GetAsync(ClientsPath, Ct);
        var list = await listResponse.AssertJsonAsync(HttpStatusCode.OK);
        var listed = list.GetProperty("items").EnumerateArray().Single(c => c.GetProperty("clientId").GetString() == created.ClientId);
        Assert.Equal("ERP export", listed.GetProperty("name").GetString());
        Assert.Equal(["orders:read"], listed.GetProperty("scopes").EnumerateArray().Select(s => s.GetString()));
        Assert.False(listed.TryGetProperty("clientSecret", out _));
        Assert.DoesNotContain(created.ClientSecret, list.GetRawText(), StringComparison.Ordinal);

        var oneResponse = await admin.GetAsync($"{ClientsPath}/{created.ClientId}", Ct);
        var one = await oneResponse.AssertJsonAsync(HttpStatusCode.OK);
        Assert.Equal(created.ClientId, one.GetProperty("clientId").GetString());
        Assert.DoesNotContain(created.ClientSecret, one.GetRawText(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Creating_a_client_with_an_unknown_scope_is_a_400_validation_problem()
    {
        var admin = factory.CreateAdminClient();

        var response = await admin.PostAsJsonAsync(ClientsPath, new { name = "Greedy", scopes = new[] { "inventory:write", "admin:everything" } }, Ct);

        var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest, "validation_failed");
        Assert.Contains("admin:everything", problem.GetProperty("errors").GetProperty("scopes")[0].GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Naming_more_scopes_than_the_documented_maxItems_is_a_400_validation_problem_and_creates_nothing()
    {
        var admin = factory.CreateAdminClient();
        var name = "Flood " + Guid.NewGuid().ToString("N")[..8];
        var scopes = Enumerable.Repeat("inventory:read", Axle.Api.Features.Clients.MachineScopes.MaxPerClient + 1).ToArray();

        var response = await admin.PostAsJsonAsync(ClientsPath, new { name, scopes }, Ct);

        var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest, "validation_failed");
        Assert.True(problem.GetProperty("errors").TryGetProperty("scopes", out _));
        var list = await (await admin.GetAsync(ClientsPath, Ct)).AssertJsonAsync(HttpStatusCode.OK);
        Assert.DoesNotContain(list.GetProperty("items").EnumerateArray(), c => c.GetProperty("name").GetString() == name);
    }

    [Fact]
    public async Task Creating_a_client_without_name_or_scopes_is_a_400_validation_problem()
    {
        var admin = factory.CreateAdminClient();

        var response = await admin.PostAsJsonAsync(ClientsPath, new { name = " ", scopes = Array.Empty<string>() }, Ct);

        var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest, "validation_failed");
        Assert.True(problem.GetProperty("errors").TryGetProperty("name", out _));
        Assert.True(problem.GetProperty("errors").TryGetProperty("scopes", out _));
    }

    [Fact]
    public async Task A_customer_creating_a_client_gets_403()
    {
        var customer = factory.CreateUserClient(Roles.Customer);

        var response = await customer.PostAsJsonAsync(ClientsPath, new { name = "Sneaky", scopes = new[] { "orders:read" } }, Ct);

        await response.AssertProblemAsync(HttpStatusCode.Forbidden, "forbidden");
    }

    [Fact]
    public async Task An_anonymous_caller_creating_a_client_gets_a_401_problem()
    {
        var response = await factory.CreateClient().PostAsJsonAsync(ClientsPath, new { name = "Anon", scopes = new[] { "orders:read" } }, Ct);

        await response.AssertProblemAsync(HttpStatusCode.Unauthorized, "unauthorized");
    }

    [Fact]
    public async Task A_machine_client_cannot_manage_clients_even_with_every_scope()
    {
        var admin = factory.CreateAdminClient();
        var created = await admin.CreateMachineClientAsync("Everything", [.. Api.Features.Clients.MachineScopes.All]);
        var token = await factory.CreateClient().GetAccessTokenAsync(created);

        var response = await factory.CreateBearerClient(token).GetAsync(ClientsPath, Ct);

        await response.AssertProblemAsync(HttpStatusCode.Forbidden, "forbidden");
    }

    [Fact]
    public async Task Deleting_a_client_revokes_it_and_is_audited()
    {
        var admin = factory.CreateAdminClient();
        var created = await admin.CreateMachineClientAsync("Old carrier", "shipments:write");
        await factory.CreateClient().GetAccessTokenAsync(created);

        var response = await admin.DeleteAsync($"{ClientsPath}/{created.ClientId}", Ct);

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        var token = await factory.CreateClient().RequestTokenAsync(created.ClientId, created.ClientSecret);
        var error = await token.AssertJsonAsync(HttpStatusCode.Unauthorized);
        Assert.Equal("invalid_client", error.GetProperty("error").GetString());
        var again = await admin.GetAsync($"{ClientsPath}/{created.ClientId}", Ct);
        await again.AssertProblemAsync(HttpStatusCode.NotFound, "not_found");

        await using var scope = factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        Assert.False(await db.Set<OpenIddictEntityFrameworkCoreApplication>().AnyAsync(a => a.ClientId == created.ClientId, Ct));
        Assert.True(await db.Set<AuditEntry>().AnyAsync(e => e.Target == created.ClientId && e.Action == "admin.client_deleted", Ct));
    }

    [Fact]
    public async Task Deleting_an_unknown_client_is_404()
    {
        var response = await factory.CreateAdminClient().DeleteAsync($"{ClientsPath}/cli_missing", Ct);

        await response.AssertProblemAsync(HttpStatusCode.NotFound, "not_found");
    }

    [Fact]
    public async Task Token_endpoint_and_client_routes_are_in_the_OpenAPI_document()
    {
        var response = await factory.CreateClient().GetAsync("/openapi/v1.json", Ct);

        var paths = (await response.AssertJsonAsync(HttpStatusCode.OK)).GetProperty("paths");
        Assert.True(paths.GetProperty("/oauth/token").TryGetProperty("post", out _));
        Assert.True(paths.GetProperty(ClientsPath).TryGetProperty("post", out _));
        Assert.True(paths.GetProperty(ClientsPath + "/{clientId}").TryGetProperty("delete", out _));
    }

    private static string Base64UrlToBase64(string value)
    {
        var s = value.Replace('-', '+').Replace('_', '/');
        return s.PadRight(s.Length + ((4 - (s.Length % 4)) % 4), '=');
    }
}

/// <summary>A database of its own: it fills the machine-client table to its limit.</summary>
public sealed class ClientLimitTests(AxleFactory factory) : IClassFixture<AxleFactory>
{
    private const string ClientsPath = "/api/v1/admin/clients";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task The_client_after_the_limit_is_a_409_that_creates_nothing_and_the_list_holds_every_client()
    {
        var admin = factory.CreateAdminClient();
        var max = Api.Features.Clients.CreateClient.MaxClients;
        for (var i = 0; i < max; i++)
        {
            await (await admin.PostAsJsonAsync(ClientsPath, new { name = $"Feed {i}", scopes = new[] { "inventory:write" } }, Ct))
                .AssertJsonAsync(HttpStatusCode.Created);
        }

        var refused = await admin.PostAsJsonAsync(ClientsPath, new { name = "One too many", scopes = new[] { "inventory:write" } }, Ct);

        var problem = await refused.AssertProblemAsync(HttpStatusCode.Conflict, "client_limit_reached");
        Assert.Equal(max, problem.GetProperty("maxClients").GetInt32());
        await using (var scope = factory.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
            Assert.Equal(max, await db.Set<OpenIddictEntityFrameworkCoreApplication>().CountAsync(Ct));
            Assert.False(await db.Set<OpenIddictEntityFrameworkCoreApplication>().AnyAsync(a => a.DisplayName == "One too many", Ct));
        }

        var list = await (await admin.GetAsync(ClientsPath, Ct)).AssertJsonAsync(HttpStatusCode.OK);
        Assert.Equal(max, list.GetProperty("items").GetArrayLength());
    }
}
