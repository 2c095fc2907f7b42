using System.Security.Claims;
using System.Text.Json.Serialization;
using Axle.Api.Platform.Security;
using Microsoft.AspNetCore;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using OpenIddict.Abstractions;
using OpenIddict.Server.AspNetCore;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Axle.Api.Features.Clients;

/// <summary>The token request form (RFC 6749 §4.4.2), for the OpenAPI document.</summary>
public sealed record TokenRequestForm(
    [property: JsonPropertyName("grant_type")] string GrantType,
    [property: JsonPropertyName("scope")] string? Scope,
    [property: JsonPropertyName("client_id")] string? ClientId,
    [property: JsonPropertyName("client_secret")] string? ClientSecret);

/// <summary>A successful token response (RFC 6749 §5.1), for the OpenAPI document.</summary>
public sealed record TokenResponse(
    [property: JsonPropertyName("access_token")] string AccessToken,
    [property: JsonPropertyName("token_type")] string TokenType,
    [property: JsonPropertyName("expires_in")] int ExpiresIn,
    [property: JsonPropertyName("scope")] string? Scope);

/// <summary>A token error (RFC 6749 §5.2), for the OpenAPI document.</summary>
public sealed record OAuthError(
    [property: JsonPropertyName("error")] string Error,
    [property: JsonPropertyName("error_description")] string? ErrorDescription,
    [property: JsonPropertyName("error_uri")] string? ErrorUri);

/// <summary>
/// The passthrough half of <c>/oauth/token</c>. OpenIddict has already authenticated the client, checked the grant type
/// and rejected unknown scopes; this decides which of the client's scopes the token carries and what it says.
/// </summary>
internal static class IssueToken
{
    public static async Task<Results<SignInHttpResult, ForbidHttpResult>> Handle(
        HttpContext http, IOpenIddictApplicationManager applications, IOptions<JwtOptions> jwt, CancellationToken ct)
    {
        var request = http.GetOpenIddictServerRequest()
            ?? throw new InvalidOperationException("The OpenIddict server request cannot be retrieved.");
        if (!request.IsClientCredentialsGrantType())
        {
            // Unreachable while client credentials is the only flow enabled; kept so enabling another cannot leak here.
            return Reject(Errors.UnsupportedGrantType, "Only the client_credentials grant is supported.");
        }

        var clientId = request.ClientId ?? throw new InvalidOperationException("OpenIddict let through a request without client_id.");
        var application = await applications.FindByClientIdAsync(clientId, ct)
            ?? throw new InvalidOperationException("OpenIddict let through an unknown client.");
        var granted = MachineScopes.FromPermissions(await applications.GetPermissionsAsync(application, ct));

        // No scope requested means every scope the client holds (RFC 6749 §3.3 lets the server pick a default);
        // a requested scope may only narrow.
        var requested = request.GetScopes();
        if (requested.Any(scope => !granted.Contains(scope, StringComparer.Ordinal)))
        {
            return Reject(Errors.InvalidScope, "The client is not allowed to request one or more of the scopes.");
        }

        var identity = new ClaimsIdentity(
            OpenIddictServerAspNetCoreDefaults.AuthenticationScheme, AxleClaims.Subject, AxleClaims.Role);
        identity.SetClaim(Claims.Subject, AxleClaims.ClientSubjectPrefix + clientId);
        identity.SetClaim(Claims.ClientId, clientId);
        identity.SetScopes(requested.IsEmpty ? granted : requested);
        identity.SetAudiences(jwt.Value.Audience);
        identity.SetDestinations(static _ => [Destinations.AccessToken]);

        return TypedResults.SignIn(new ClaimsPrincipal(identity), authenticationScheme: OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
    }

    private static ForbidHttpResult Reject(string error, string description) => TypedResults.Forbid(
        new AuthenticationProperties(new Dictionary<string, string?>
        {
            [OpenIddictServerAspNetCoreConstants.Properties.Error] = error,
            [OpenIddictServerAspNetCoreConstants.Properties.ErrorDescription] = description,
        }),
        [OpenIddictServerAspNetCoreDefaults.AuthenticationScheme]);
}
