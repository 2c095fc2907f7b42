using System.Security.Cryptography;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Axle.Api.Platform.Security;

public sealed record AccessToken(string Token, int ExpiresIn);

/// <summary>Issues RFC 9068 JWT access tokens (<c>typ: at+jwt</c>, ES256) for signed-in users.</summary>
public sealed class AccessTokenIssuer(SigningKeys keys, IOptions<JwtOptions> options, TimeProvider time)
{
    public const string TokenType = "at+jwt";
    public const string FirstPartyClientId = "axle";

    private readonly JsonWebTokenHandler _handler = new();

    public AccessToken IssueForUser(Guid userId, string email, string name, IEnumerable<string> roles)
    {
        var jwt = options.Value;
        var now = time.GetUtcNow().UtcDateTime;
        var lifetime = TimeSpan.FromMinutes(jwt.AccessTokenMinutes);
        var claims = new Dictionary<string, object>
        {
            [AxleClaims.Subject] = userId.ToString(),
            [AxleClaims.ClientId] = FirstPartyClientId,
            [JwtRegisteredClaimNames.Jti] = Base64UrlEncoder.Encode(RandomNumberGenerator.GetBytes(16)),
            [AxleClaims.Email] = email,
            [AxleClaims.Name] = name,
            [AxleClaims.Role] = roles.ToArray(),
        };
        var descriptor = new SecurityTokenDescriptor
        {
            Issuer = jwt.Issuer,
            Audience = jwt.Audience,
            IssuedAt = now,
            NotBefore = now,
            Expires = now + lifetime,
            Claims = claims,
            TokenType = TokenType,
            SigningCredentials = keys.Credentials,
        };
        return new AccessToken(_handler.CreateToken(descriptor), (int)lifetime.TotalSeconds);
    }
}
