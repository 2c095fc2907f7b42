using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Axle.Api.Platform.Security;
using Axle.Tests.Infrastructure;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.JsonWebTokens;
using OpenIddict.Server.AspNetCore;

namespace Axle.Tests.Clients;

public sealed class TokenEndpointTests : IClassFixture<AxleFactory>
{
    private const string ProbePath = "/test-only/inventory-probe";

    private readonly AxleFactory _factory;
    private readonly WebApplicationFactory<Program> _withProbe;

    public TokenEndpointTests(AxleFactory factory)
    {
        _factory = factory;
        _withProbe = factory.WithWebHostBuilder(b => b.ConfigureServices(s => s.AddSingleton<IStartupFilter, ProbeEndpoint>()));
    }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Token_request_with_basic_auth_returns_a_bearer_token_without_refresh_token_or_caching()
    {
        var client = await _factory.CreateAdminClient().CreateMachineClientAsync("Supplier", "inventory:write");

        var response = await _factory.CreateClient().RequestTokenAsync(client.ClientId, client.ClientSecret);

        var body = await response.AssertJsonAsync(HttpStatusCode.OK);
        Assert.False(string.IsNullOrEmpty(body.GetProperty("access_token").GetString()));
        Assert.Equal("bearer", body.GetProperty("token_type").GetString(), ignoreCase: true);
        Assert.InRange(body.GetProperty("expires_in").GetInt32(), 60, 3600);
        Assert.False(body.TryGetProperty("refresh_token", out _));
        Assert.True(response.Headers.CacheControl?.NoStore);
        Assert.Contains("no-cache", response.Headers.Pragma.Select(p => p.Name));
    }

    [Fact]
    public async Task Token_request_with_form_credentials_also_succeeds()
    {
        var client = await _factory.CreateAdminClient().CreateMachineClientAsync("ERP", "orders:read");

        var response = await _factory.CreateClient().PostAsync(ClientCredentials.TokenPath, new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials",
            ["client_id"] = client.ClientId,
            ["client_secret"] = client.ClientSecret,
        }), Ct);

        var body = await response.AssertJsonAsync(HttpStatusCode.OK);
        Assert.False(string.IsNullOrEmpty(body.GetProperty("access_token").GetString()));
    }

    [Fact]
    public async Task The_access_token_is_an_es256_at_jwt_naming_the_client_and_its_scopes()
    {
        var client = await _factory.CreateAdminClient().CreateMachineClientAsync("Carrier", "shipments:write", "orders:read");

        var token = new JsonWebToken(await _factory.CreateClient().GetAccessTokenAsync(client));

        Assert.Equal("at+jwt", token.Typ);
        Assert.Equal("ES256", token.Alg);
        Assert.Equal("client:" + client.ClientId, token.Subject);
        Assert.Equal(client.ClientId, token.GetClaim("client_id").Value);
        Assert.Equal(["orders:read", "shipments:write"], token.GetClaim("scope").Value.Split(' ').Order(StringComparer.Ordinal));
        Assert.Equal("https://axle.local/", token.Issuer);
        Assert.Equal(["axle-api"], token.Audiences);
        Assert.False(string.IsNullOrEmpty(token.Id));
        Assert.True(token.TryGetClaim("iat", out _));
        Assert.InRange(token.ValidTo - token.IssuedAt, TimeSpan.FromMinutes(14), TimeSpan.FromMinutes(16));
    }

    [Fact]
    public async Task A_requested_scope_narrows_the_token()
    {
        var client = await _factory.CreateAdminClient().CreateMachineClientAsync("Narrow", "inventory:write", "inventory:read");

        var token = new JsonWebToken(await _factory.CreateClient().GetAccessTokenAsync(client, scope: "inventory:read"));

        Assert.Equal("inventory:read", token.GetClaim("scope").Value);
    }

    [Fact]
    public async Task A_wrong_secret_is_401_invalid_client_with_www_authenticate()
    {
        var client = await _factory.CreateAdminClient().CreateMachineClientAsync("Victim", "inventory:write");

        var response = await _factory.CreateClient().RequestTokenAsync(client.ClientId, client.ClientSecret + "x");

        var body = await response.AssertJsonAsync(HttpStatusCode.Unauthorized);
        Assert.Equal("invalid_client", body.GetProperty("error").GetString());
        var challenge = Assert.Single(response.Headers.WwwAuthenticate);
        Assert.Equal("Basic", challenge.Scheme);
        Assert.Contains("invalid_client", challenge.Parameter, StringComparison.Ordinal);
        Assert.True(response.Headers.CacheControl?.NoStore);
    }

    [Fact]
    public async Task A_wrong_secret_in_the_form_is_invalid_client()
    {
        var client = await _factory.CreateAdminClient().CreateMachineClientAsync("Form victim", "inventory:write");

        var response = await _factory.CreateClient().PostAsync(ClientCredentials.TokenPath, new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials",
            ["client_id"] = client.ClientId,
            ["client_secret"] = "wrong",
        }), Ct);

        Assert.Contains(response.StatusCode, new[] { HttpStatusCode.BadRequest, HttpStatusCode.Unauthorized });
        var body = await response.Content.ReadFromJsonAsync<JsonElement>(Ct);
        Assert.Equal("invalid_client", body.GetProperty("error").GetString());
    }

    [Fact]
    public async Task An_unknown_client_is_401_invalid_client()
    {
        var response = await _factory.CreateClient().RequestTokenAsync("cli_nobody", "secret");

        var body = await response.AssertJsonAsync(HttpStatusCode.Unauthorized);
        Assert.Equal("invalid_client", body.GetProperty("error").GetString());
    }

    [Fact]
    public async Task An_unsupported_grant_type_is_400_unsupported_grant_type()
    {
        var client = await _factory.CreateAdminClient().CreateMachineClientAsync("Password fan", "orders:read");

        var response = await _factory.CreateClient().RequestTokenAsync(client.ClientId, client.ClientSecret, grantType: "password");

        var body = await response.AssertJsonAsync(HttpStatusCode.BadRequest);
        Assert.Equal("unsupported_grant_type", body.GetProperty("error").GetString());
    }

    [Fact]
    public async Task A_scope_the_client_was_not_granted_is_400_invalid_scope()
    {
        var client = await _factory.CreateAdminClient().CreateMachineClientAsync("Reader", "inventory:read");

        var response = await _factory.CreateClient().RequestTokenAsync(client.ClientId, client.ClientSecret, scope: "inventory:write");

        var body = await response.AssertJsonAsync(HttpStatusCode.BadRequest);
        Assert.Equal("invalid_scope", body.GetProperty("error").GetString());
    }

    [Fact]
    public async Task An_unknown_scope_is_400_invalid_scope()
    {
        var client = await _factory.CreateAdminClient().CreateMachineClientAsync("Curious", "inventory:read");

        var response = await _factory.CreateClient().RequestTokenAsync(client.ClientId, client.ClientSecret, scope: "admin");

        var body = await response.AssertJsonAsync(HttpStatusCode.BadRequest);
        Assert.Equal("invalid_scope", body.GetProperty("error").GetString());
    }

    [Fact]
    public async Task A_machine_token_with_the_scope_passes_a_scope_protected_endpoint()
    {
        var client = await _factory.CreateAdminClient().CreateMachineClientAsync("Warehouse sync", "inventory:write");
        var http = _withProbe.CreateClient();
        var token = await http.GetAccessTokenAsync(client);
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);

        var response = await http.GetAsync(ProbePath, Ct);

        var body = await response.AssertJsonAsync(HttpStatusCode.OK);
        Assert.Equal(client.ClientId, body.GetProperty("clientId").GetString());
    }

    [Fact]
    public async Task A_machine_token_without_the_scope_is_403_on_a_scope_protected_endpoint()
    {
        var client = await _factory.CreateAdminClient().CreateMachineClientAsync("Read only", "inventory:read");
        var http = _withProbe.CreateClient();
        var token = await http.GetAccessTokenAsync(client);
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);

        var response = await http.GetAsync(ProbePath, Ct);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Fact]
    public async Task A_narrowed_token_loses_the_scopes_it_did_not_ask_for()
    {
        var client = await _factory.CreateAdminClient().CreateMachineClientAsync("Both", "inventory:write", "inventory:read");
        var http = _withProbe.CreateClient();
        var token = await http.GetAccessTokenAsync(client, scope: "inventory:read");
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);

        var response = await http.GetAsync(ProbePath, Ct);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Fact]
    public async Task A_machine_token_is_never_taken_for_a_user()
    {
        var client = await _factory.CreateAdminClient().CreateMachineClientAsync("Not a user", "inventory:write");
        var http = _withProbe.CreateClient();
        var token = await http.GetAccessTokenAsync(client);
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);

        var body = await (await http.GetAsync(ProbePath, Ct)).AssertJsonAsync(HttpStatusCode.OK);

        Assert.Equal(JsonValueKind.Null, body.GetProperty("userId").ValueKind);
    }

    [Fact]
    public async Task A_user_token_in_the_listed_role_passes_the_same_endpoint()
    {
        var http = _withProbe.CreateClient();
        var issuer = _factory.Services.GetRequiredService<AccessTokenIssuer>();
        var token = issuer.IssueForUser(Guid.NewGuid(), "stock@axle.test", "Stock Keeper", [Roles.InventoryManager]);
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token.Token);

        var body = await (await http.GetAsync(ProbePath, Ct)).AssertJsonAsync(HttpStatusCode.OK);

        Assert.Equal(JsonValueKind.Null, body.GetProperty("clientId").ValueKind);
    }

    [Fact]
    public async Task A_customer_token_is_403_on_a_scope_protected_endpoint()
    {
        var http = _withProbe.CreateClient();
        var token = _factory.Services.GetRequiredService<AccessTokenIssuer>()
            .IssueForUser(Guid.NewGuid(), "buyer@axle.test", "Buyer", [Roles.Customer]);
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token.Token);

        var response = await http.GetAsync(ProbePath, Ct);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Fact]
    public async Task OpenIddict_is_asked_about_the_token_path_only()
    {
        // UseAuthentication() asks every request handler scheme about every request; OpenIddict runs for /oauth/token
        // alone (UseTokenEndpoint), and its scheme stays registered for the token endpoint's sign-in and forbid.
        var schemes = _factory.Services.GetRequiredService<IAuthenticationSchemeProvider>();

        Assert.DoesNotContain(await schemes.GetRequestHandlerSchemesAsync(), s => s.Name == OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
        Assert.NotNull(await schemes.GetSchemeAsync(OpenIddictServerAspNetCoreDefaults.AuthenticationScheme));

        var client = await _factory.CreateAdminClient().CreateMachineClientAsync("Catalog reader", "inventory:write");
        var response = await _factory.CreateClient().RequestTokenAsync(client.ClientId, client.ClientSecret);
        await response.AssertJsonAsync(HttpStatusCode.OK);
    }

    /// <summary>A test-only endpoint behind the same scope-or-roles policy the inventory feature will use.</summary>
    private sealed class ProbeEndpoint : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.UseWhen(ctx => ctx.Request.Path.StartsWithSegments(ProbePath), branch =>
            {
                branch.UseRouting();
                branch.UseAuthentication();
                branch.UseAuthorization();
                branch.UseEndpoints(e => e.MapGet(ProbePath, (HttpContext ctx) => Results.Ok(new
                {
                    clientId = ctx.User.MachineClientId(),
                    userId = ctx.User.UserId(),
                })).RequireAuthorization(Policies.ScopeOrRoles("inventory:write", Roles.InventoryManager)));
            });
            next(app);
        };
    }
}
