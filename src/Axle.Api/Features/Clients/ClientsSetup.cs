using System.Security.Cryptography;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Axle.Api.Platform.Data;
using Axle.Api.Platform.Http;
using Axle.Api.Platform.Redis;
using Axle.Api.Platform.Security;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;
using OpenIddict.Server;
using OpenIddict.Server.AspNetCore;

namespace Axle.Api.Features.Clients;

/// <summary>
/// Machine clients: OAuth 2.0 client credentials (RFC 6749 §4.4) served by OpenIddict at <c>/oauth/token</c>, and the
/// admin endpoints that create, list and revoke clients.
/// </summary>
public static class ClientsSetup
{
    public const string TokenPath = "/oauth/token";

    public static WebApplicationBuilder AddClients(this WebApplicationBuilder builder)
    {
        var services = builder.Services;

        // OpenIddict wants an absolute issuer and writes it as Uri.AbsoluteUri; JwtBearer compares `iss` as a string.
        // Demanding the canonical form keeps user tokens and machine tokens on one validation path.
        services.AddOptions<JwtOptions>().Validate(
            o => Uri.TryCreate(o.Issuer, UriKind.Absolute, out var uri) && uri.AbsoluteUri == o.Issuer,
            "Jwt:Issuer must be an absolute URI in canonical form, e.g. https://axle.local/.");

        services.AddOpenIddict()
            .AddCore(o => o.UseEntityFrameworkCore().UseDbContext<AppDbContext>())
            .AddServer(o =>
            {
                o.SetTokenEndpointUris(TokenPath.TrimStart('/'));
                o.AllowClientCredentialsFlow();
                o.RegisterScopes([.. MachineScopes.All]);

                // OpenIddict answers a scope outside the client's permissions with invalid_request; RFC 6749 §5.2 says
                // invalid_scope. IssueToken enforces the permissions itself and answers invalid_scope.
                o.IgnoreScopePermissions();

                // Access tokens are signed JWTs that every resource server (this API) reads itself; nothing to look up.
                o.DisableAccessTokenEncryption();
                o.DisableTokenStorage();
                o.DisableAuthorizationStorage();

                // TLS ends at the proxy (or Security:RequireHttps redirects); OpenIddict must not refuse plain HTTP.
                o.UseAspNetCore()
                    .EnableTokenEndpointPassthrough()
                    .DisableTransportSecurityRequirement()
                    .SetRealm("axle")
                    .SuppressJsonResponseIndentation();
            });

        // OpenIddict is asked about the token path only (UseTokenEndpoint), not about every request.
        services.Replace(ServiceDescriptor.Singleton<IAuthenticationSchemeProvider, TokenPathOnlySchemeProvider>());

        // Keys and lifetimes come from services (the shared ES256 key, the data directory), so they are set here.
        services.AddOptions<OpenIddictServerOptions>()
            .Configure<SigningKeys, AppPaths, IOptions<JwtOptions>>((o, keys, paths, jwt) =>
            {
                o.Issuer = new Uri(jwt.Value.Issuer, UriKind.Absolute);
                o.AccessTokenLifetime = TimeSpan.FromMinutes(jwt.Value.AccessTokenMinutes);
                o.SigningCredentials.Add(keys.Credentials);
                o.EncryptionCredentials.Add(new EncryptingCredentials(
                    EncryptionKey(paths), SecurityAlgorithms.Aes256KW, SecurityAlgorithms.Aes256CbcHmacSha512));
            });
        return builder;
    }

    /// <summary>
    /// The token endpoint takes POST only (RFC 6749 §3.2). OpenIddict would answer other methods itself with a 400 OAuth
    /// error before routing can; they get the 405 problem with <c>Allow: POST</c> that every other route gives (OWASP API8).
    /// </summary>
    public static WebApplication UseTokenEndpointMethods(this WebApplication app)
    {
        app.Use((ctx, next) =>
        {
            if (!IsTokenPath(ctx) || HttpMethods.IsPost(ctx.Request.Method))
            {
                return next(ctx);
            }

            // No body: the status code pages write the problem.
            ctx.Response.StatusCode = StatusCodes.Status405MethodNotAllowed;
            ctx.Response.Headers.Allow = HttpMethods.Post;
            return Task.CompletedTask;
        });
        return app;
    }

    /// <summary>
    /// Throttles <c>/oauth/token</c> per client IP with the strict auth quota. OpenIddict answers token requests inside
    /// <c>UseTokenEndpoint()</c>, before endpoint rate limiting runs, so this limiter must sit in front of it. It is a branch
    /// of its own: other requests do not pass through a second rate limiter (and its metrics) that could only let them by.
    /// </summary>
    public static WebApplication UseTokenEndpointRateLimiting(this WebApplication app)
    {
        var limits = app.Services.GetRequiredService<IOptions<RateLimitOptions>>().Value;
        var redis = app.Services.GetRequiredService<RedisConnection>();
        var time = app.Services.GetRequiredService<TimeProvider>();
        var window = TimeSpan.FromSeconds(limits.WindowSeconds);
        app.UseWhen(IsTokenPath, token =>
        {
            token.UseRateLimiter(new RateLimiterOptions
            {
                GlobalLimiter = new RateLimitHeaders(PartitionedRateLimiter.Create<HttpContext, string>(ctx =>
                    RateLimiting.FixedWindow(redis, time, "token", "token:" + RateLimiting.ClientIp(ctx), limits.AuthPermits, window))),
                RejectionStatusCode = StatusCodes.Status429TooManyRequests,
                OnRejected = RateLimiting.WriteRejectionAsync,
            });

            // OpenIddict reads the token request's body inside UseTokenEndpoint, ahead of the app-wide body limits: hold it
            // to them here (the default limit, 413; string ceilings, 400).
            token.UseAxleRequestBodyLimit();
        });
        return app;
    }

    private static bool IsTokenPath(HttpContext ctx) => ctx.Request.Path.StartsWithSegments(TokenPath, StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// Lets OpenIddict handle <c>/oauth/token</c>, where <c>UseAuthentication()</c> would have (the request is validated, the
    /// client authenticated, then passed through to <see cref="IssueToken"/>). As an authentication request handler it
    /// would be asked about every request, and it answers "not mine" only after building a transaction and dispatching
    /// a request event through its handlers: profiled, that was the largest single cost of a cached catalog read (about a
    /// third of the pipeline's CPU). <see cref="TokenPathOnlySchemeProvider"/> keeps it out of the middleware's list;
    /// this runs it for the token path, in the same place. Call right before <c>UseAuthentication()</c>.
    /// </summary>
    public static WebApplication UseTokenEndpoint(this WebApplication app)
    {
        app.UseWhen(IsTokenPath, token => token.Use(async (ctx, next) =>
        {
            ctx.Features.Set<IAuthenticationFeature>(new AuthenticationFeature { OriginalPath = ctx.Request.Path, OriginalPathBase = ctx.Request.PathBase });
            var handlers = ctx.RequestServices.GetRequiredService<IAuthenticationHandlerProvider>();
            if (await handlers.GetHandlerAsync(ctx, OpenIddictServerAspNetCoreDefaults.AuthenticationScheme) is IAuthenticationRequestHandler openIddict
                && await openIddict.HandleRequestAsync())
            {
                return;
            }

            await next(ctx);
        }));
        return app;
    }

    public static WebApplication MapClients(this WebApplication app)
    {
        app.MapPost(TokenPath, IssueToken.Handle)
            .WithTags("OAuth")
            .WithSummary("OAuth 2.0 token endpoint (client credentials)")
            .WithDescription("RFC 6749 §4.4. Client authentication by HTTP Basic (preferred) or client_id/client_secret " +
                "in the form. Errors use the RFC 6749 §5.2 form, not problem details.")
            .Accepts<TokenRequestForm>("application/x-www-form-urlencoded")
            .Produces<TokenResponse>()
            .Produces<OAuthError>(StatusCodes.Status400BadRequest)
            .Produces<OAuthError>(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status429TooManyRequests)
            .AllowAnonymous();

        var admin = app.MapGroup("/api/v1/admin/clients")
            .WithTags("Machine clients")
            .RequireAuthorization(Policies.Admin);
        admin.MapPost("/", CreateClient.Handle).WithSummary("Create a machine client; its secret is shown only here")
            .WithDescription($"At most {CreateClient.MaxClients} machine clients exist; the next is 409 client_limit_reached.")
            .ProducesProblem(StatusCodes.Status409Conflict);
        admin.MapGet("/", ListClients.Handle).WithSummary("List machine clients (never secrets)")
            .WithDescription($"Every machine client, by client id (at most {CreateClient.MaxClients}).");
        admin.MapGet("/{clientId}", GetClient.Handle).WithSummary("One machine client (never its secret)");
        admin.MapDelete("/{clientId}", DeleteClient.Handle).WithSummary("Revoke a machine client");
        return app;
    }

    /// <summary>
    /// OpenIddict insists on an encryption key even though access tokens are only signed. A 256-bit key is generated
    /// once into the data directory, next to the signing key, and never leaves it.
    /// </summary>
    private static SymmetricSecurityKey EncryptionKey(AppPaths paths)
    {
        var encoded = SigningKeys.LoadOrCreate(
            Path.Combine(paths.KeysDirectory, "oauth-encryption.key"),
            () => Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)));
        return new SymmetricSecurityKey(Convert.FromBase64String(encoded.Trim()));
    }
}

/// <summary>
/// The authentication schemes, less OpenIddict's among the request handlers that <c>UseAuthentication()</c> asks about
/// every request: <see cref="ClientsSetup.UseTokenEndpoint"/> asks it about the token path only.
/// </summary>
internal sealed class TokenPathOnlySchemeProvider(IOptions<AuthenticationOptions> options) : AuthenticationSchemeProvider(options)
{
    private Filtered? _filtered;

    public override Task<IEnumerable<AuthenticationScheme>> GetRequestHandlerSchemesAsync()
    {
        // The base answers from a copy it replaces when schemes change: filter once per copy, not per request.
        var all = base.GetRequestHandlerSchemesAsync().GetAwaiter().GetResult();
        if (_filtered is { } cached && ReferenceEquals(cached.All, all))
        {
            return cached.Others;
        }

        IEnumerable<AuthenticationScheme> others = all.Where(s => s.Name != OpenIddictServerAspNetCoreDefaults.AuthenticationScheme).ToArray();
        var filtered = new Filtered(all, Task.FromResult(others));
        _filtered = filtered;
        return filtered.Others;
    }

    private sealed record Filtered(IEnumerable<AuthenticationScheme> All, Task<IEnumerable<AuthenticationScheme>> Others);
}
