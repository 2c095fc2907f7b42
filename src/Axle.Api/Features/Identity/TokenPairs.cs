using Axle.Api.Platform.Data;
using Axle.Api.Platform.Security;
using Microsoft.Extensions.Options;

namespace Axle.Api.Features.Identity;

internal sealed record TokenPairResponse(string AccessToken, string RefreshToken, int ExpiresIn, string TokenType);

/// <summary>Issues an access token plus a refresh token of a (new or continued) rotation family.</summary>
internal sealed class TokenPairs(AccessTokenIssuer issuer, IOptions<JwtOptions> jwt)
{
    /// <summary>Adds the refresh token to <paramref name="db"/>; the caller saves.</summary>
    public TokenPairResponse Issue(AppDbContext db, User user, DateTime now, RefreshToken? parent = null)
    {
        var access = issuer.IssueForUser(user.Id, user.Email, user.Name, user.RoleNames);
        var (token, entity) = RefreshToken.Create(
            user.Id, parent?.FamilyId, parent?.Id, now, TimeSpan.FromDays(jwt.Value.RefreshTokenDays));
        db.Add(entity);
        return new TokenPairResponse(access.Token, token, access.ExpiresIn, "Bearer");
    }
}
