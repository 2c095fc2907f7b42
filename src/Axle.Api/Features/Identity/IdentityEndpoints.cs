using Axle.Api.Platform.Hosting;
using Axle.Api.Platform.Http;
using Axle.Api.Platform.Security;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace Axle.Api.Features.Identity;

internal static class IdentityEndpoints
{
    public static WebApplicationBuilder AddIdentityFeature(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<IdentityOptions>().BindConfiguration(IdentityOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<BootstrapOptions>().BindConfiguration(BootstrapOptions.Section)
            .PostConfigure(o =>
            {
                // An empty variable (Bootstrap__AdminEmail=) means "not set", not "an invalid address".
                o.AdminEmail = string.IsNullOrWhiteSpace(o.AdminEmail) ? null : o.AdminEmail.Trim();
                o.AdminPassword = string.IsNullOrEmpty(o.AdminPassword) ? null : o.AdminPassword;
            })
            .ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<PasswordHasherOptions>().Configure<IOptions<IdentityOptions>>((hasher, identity) =>
        {
            hasher.CompatibilityMode = PasswordHasherCompatibilityMode.IdentityV3;
            hasher.IterationCount = identity.Value.PasswordHashIterations;
        });
        services.AddSingleton<IPasswordHasher<User>, PasswordHasher<User>>();
        services.AddSingleton<Passwords>();
        services.AddSingleton<PasswordPolicy>();
        services.AddSingleton<TokenPairs>();
        services.AddStartupTask<BootstrapAdmin>();
        return builder;
    }

    public static IEndpointRouteBuilder MapIdentity(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/v1");

        var auth = api.MapGroup("/auth").WithTags("Auth");
        auth.MapPost("/register", Register.Handle)
            .RequireRateLimiting(RateLimitPolicies.Auth)
            .WithSummary("Create a customer account")
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status429TooManyRequests);
        auth.MapPost("/login", Login.Handle)
            .RequireRateLimiting(RateLimitPolicies.Auth)
            .WithSummary("Sign in with email and password")
            .WithDescription("Five failures for one email within 15 minutes lock it for 15 minutes (429 account_locked with Retry-After).")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status429TooManyRequests);
        auth.MapPost("/refresh", Refresh.Handle)
            .RequireRateLimiting(RateLimitPolicies.Auth)
            .WithSummary("Exchange a refresh token for a new token pair")
            .WithDescription("The presented token is spent. Presenting a spent token again revokes its whole family.")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status429TooManyRequests);
        auth.MapPost("/logout", Logout.Handle)
            .RequireAuthorization()
            .WithSummary("Revoke the refresh token's family")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status401Unauthorized);

        var me = api.MapGroup("/users/me").WithTags("Users").RequireAuthorization()
            .ProducesProblem(StatusCodes.Status401Unauthorized);
        me.MapGet("/", GetMe.Handle).WithSummary("The signed-in user's profile");
        me.MapPatch("/", UpdateMe.Handle)
            .WithSummary("Change name, phone or default addresses")
            .WithDescription("Absent members are unchanged; an empty phone clears it. Unknown members (role, email ...) → 400.")
            .ProducesProblem(StatusCodes.Status409Conflict);

        var garage = me.MapGroup("/vehicles").WithTags("Garage");
        garage.MapGet("/", ListVehicles.Handle).WithSummary("Vehicles in the garage");
        garage.MapPost("/", AddVehicle.Handle)
            .WithSummary("Save a vehicle by year/make/model or VIN")
            .ProducesProblem(StatusCodes.Status409Conflict);
        garage.MapDelete("/", ClearGarage.Handle).WithSummary("Remove every vehicle from the garage");
        garage.MapGet("/{id:guid}", GetVehicle.Handle).WithSummary("One saved vehicle").ProducesProblem(StatusCodes.Status404NotFound);
        garage.MapDelete("/{id:guid}", DeleteVehicle.Handle).WithSummary("Remove a vehicle").ProducesProblem(StatusCodes.Status404NotFound);

        var admin = api.MapGroup("/admin/users").WithTags("Admin: users").RequireAuthorization(Policies.Admin)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden);
        admin.MapGet("/", ListUsers.Handle).WithSummary("List users by email").ProducesProblem(StatusCodes.Status400BadRequest);
        admin.MapPost("/{id:guid}/roles", AssignRoles.Handle)
            .WithSummary("Replace a user's roles")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);
        return app;
    }
}
