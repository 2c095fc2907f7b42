using System.Collections.Concurrent;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;

namespace Axle.SupplierSim;

/// <summary>API key, Basic or OAuth2 client-credentials bearer tokens, checked on every supplier path except the token endpoint.</summary>
internal sealed class SimAuth(SimulatorOptions options)
{
    public const string TokenPath = "/oauth/token";
    private readonly ConcurrentDictionary<string, DateTimeOffset> _tokens = new(StringComparer.Ordinal);

    public SimAuthMode Mode => options.Auth;

    public bool IsAuthorized(HttpRequest request)
    {
        switch (options.Auth)
        {
            case SimAuthMode.None:
                return true;
            case SimAuthMode.ApiKey:
                return Same(request.Headers["X-Api-Key"].ToString(), options.ApiKey);
            case SimAuthMode.Basic:
                return ReadBasic(request, formEncoded: false) is { } basic && Same(basic.User, options.BasicUser) && Same(basic.Password, options.BasicPassword);
            default:
                var header = request.Headers.Authorization.ToString();
                return header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)
                    && _tokens.TryGetValue(header[7..].Trim(), out var expires)
                    && expires > options.Clock.GetUtcNow();
        }
    }

    /// <summary>The WWW-Authenticate challenge for a 401.</summary>
    public string Challenge => options.Auth switch
    {
        SimAuthMode.Basic => "Basic realm=\"supplier-sim\"",
        SimAuthMode.OAuth2 => "Bearer realm=\"supplier-sim\"",
        _ => "ApiKey header=\"X-Api-Key\"",
    };

    /// <summary>Every issued token stops working (a client must fetch a new one).</summary>
    public void RevokeTokens() => _tokens.Clear();

    /// <summary>POST /oauth/token: client credentials from the form or from Basic client authentication.</summary>
    public async Task<IResult> IssueToken(HttpRequest request)
    {
        if (options.Auth != SimAuthMode.OAuth2)
        {
            return Results.NotFound();
        }

        if (!request.HasFormContentType)
        {
            return Results.Json(new { error = "invalid_request" }, statusCode: 400);
        }

        var form = await request.ReadFormAsync(request.HttpContext.RequestAborted);
        if (form["grant_type"] != "client_credentials")
        {
            return Results.Json(new { error = "unsupported_grant_type" }, statusCode: 400);
        }

        var basic = ReadBasic(request, formEncoded: true);
        var id = basic?.User ?? form["client_id"].ToString();
        var secret = basic?.Password ?? form["client_secret"].ToString();
        if (!Same(id, options.ClientId) || !Same(secret, options.ClientSecret))
        {
            return Results.Json(new { error = "invalid_client" }, statusCode: 401);
        }

        var token = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24));
        _tokens[token] = options.Clock.GetUtcNow() + options.TokenLifetime;
        return Results.Json(new
        {
            access_token = token,
            token_type = "Bearer",
            expires_in = (long)options.TokenLifetime.TotalSeconds,
        });
    }

    // OAuth2 client authentication form-encodes id and secret before Basic encoding (RFC 6749 2.3.1); plain Basic does not.
    private static (string User, string Password)? ReadBasic(HttpRequest request, bool formEncoded)
    {
        if (!AuthenticationHeaderValue.TryParse(request.Headers.Authorization.ToString(), out var header)
            || !string.Equals(header.Scheme, "Basic", StringComparison.OrdinalIgnoreCase) || header.Parameter is null)
        {
            return null;
        }

        try
        {
            var text = Encoding.UTF8.GetString(Convert.FromBase64String(header.Parameter));
            var colon = text.IndexOf(':', StringComparison.Ordinal);
            if (colon < 0)
            {
                return null;
            }

            var (user, password) = (text[..colon], text[(colon + 1)..]);
            return formEncoded ? (Uri.UnescapeDataString(user), Uri.UnescapeDataString(password)) : (user, password);
        }
        catch (FormatException)
        {
            return null;
        }
    }

    // Constant time like a real supplier should be; it also keeps the simulator from teaching bad habits.
    private static bool Same(string given, string expected) =>
        CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(given), Encoding.UTF8.GetBytes(expected));
}
