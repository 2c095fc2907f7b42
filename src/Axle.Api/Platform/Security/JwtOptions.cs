using System.ComponentModel.DataAnnotations;

namespace Axle.Api.Platform.Security;

public sealed class JwtOptions
{
    public const string Section = "Jwt";

    /// <summary>
    /// The <c>iss</c> of every access token, compared as an exact string. An absolute URI in canonical form
    /// (OpenIddict, which issues machine tokens, requires one and writes it as <see cref="Uri.AbsoluteUri"/>).
    /// </summary>
    [Required]
    public string Issuer { get; set; } = "https://axle.local/";

    [Required]
    public string Audience { get; set; } = "axle-api";

    [Range(1, 60)]
    public int AccessTokenMinutes { get; set; } = 15;

    [Range(1, 365)]
    public int RefreshTokenDays { get; set; } = 30;

    /// <summary>
    /// PEM (PKCS#8) of an EC P-256 private key. When empty, a key is generated once into
    /// <c>{DataDirectory}/keys/jwt-signing.pem</c> and reused. Several instances must share one key.
    /// </summary>
    public string? SigningKeyPem { get; set; }
}
