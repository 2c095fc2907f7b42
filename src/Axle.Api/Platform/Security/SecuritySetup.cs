using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;

namespace Axle.Api.Platform.Security;

public static class SecuritySetup
{
    public static WebApplicationBuilder AddAxleSecurity(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.TryAddSingleton(TimeProvider.System);
        services.AddOptions<JwtOptions>().BindConfiguration(JwtOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<SigningKeys>();
        services.AddSingleton<AccessTokenIssuer>();

        services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme).AddJwtBearer();
        services.AddOptions<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme)
            .Configure<SigningKeys, IOptions<JwtOptions>, TimeProvider>((o, keys, jwt, time) =>
            {
                o.MapInboundClaims = false;
                o.RequireHttpsMetadata = false;
                o.TimeProvider = time;
                o.TokenValidationParameters = new TokenValidationParameters
                {
                    ValidIssuer = jwt.Value.Issuer,
                    ValidAudience = jwt.Value.Audience,
                    IssuerSigningKey = keys.Key,
                    ValidAlgorithms = [SigningKeys.Algorithm],
                    ValidTypes = [AccessTokenIssuer.TokenType, "application/at+jwt"],
                    RequireExpirationTime = true,
                    RequireSignedTokens = true,
                    ValidateLifetime = true,
                    ClockSkew = TimeSpan.FromSeconds(30),
                    // Lifetime checks read the app's clock, the one the issuer stamps tokens with.
                    LifetimeValidator = (notBefore, expires, _, p) => WithinLifetime(time.GetUtcNow().UtcDateTime, notBefore, expires, p.ClockSkew),
                    NameClaimType = AxleClaims.Subject,
                    RoleClaimType = AxleClaims.Role,
                };
            });

        services.AddAuthorizationBuilder()
            .AddPolicy(Policies.Admin, p => p.RequireAuthenticatedUser().RequireRole(Roles.Admin))
            .AddPolicy(Policies.Staff, p => p.RequireAuthenticatedUser().RequireRole([.. Roles.Staff]));
        services.AddSingleton<IAuthorizationPolicyProvider, ScopePolicyProvider>();
        return builder;
    }

    /// <summary>A token is live from <c>nbf</c> to <c>exp</c>, each widened by the skew; one without <c>exp</c> never is.</summary>
    internal static bool WithinLifetime(DateTime now, DateTime? notBefore, DateTime? expires, TimeSpan skew) =>
        expires is { } exp && now <= exp.ToUniversalTime() + skew && (notBefore is not { } nbf || now >= nbf.ToUniversalTime() - skew);
}

/// <summary>
/// Resolves <c>scope:xyz</c> policies on demand: a machine client needs scope <c>xyz</c>; a user needs one of the
/// roles listed after a <c>|</c> (<c>scope:inventory:write|inventory_manager,admin</c>).
/// </summary>
internal sealed class ScopePolicyProvider(IOptions<AuthorizationOptions> options) : DefaultAuthorizationPolicyProvider(options)
{
    public override async Task<AuthorizationPolicy?> GetPolicyAsync(string policyName)
    {
        if (!Policies.TryParseScope(policyName, out var scope, out var roles))
        {
            return await base.GetPolicyAsync(policyName);
        }

        return new AuthorizationPolicyBuilder()
            .RequireAuthenticatedUser()
            .RequireAssertion(ctx => ctx.User.MachineClientId() is not null
                ? ctx.User.HasScope(scope)
                : roles.Any(ctx.User.IsInRole))
            .Build();
    }
}
