using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Axle.Api.Features.Audit;
using Axle.Api.Features.Identity;
using Axle.Api.Platform.Data;
using Axle.Api.Platform.Security;
using Axle.Tests.Infrastructure;
using Microsoft.AspNetCore.TestHost;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Axle.Tests.Security;

/// <summary>
/// OWASP API2:2023 Broken Authentication: every secured operation of the document refuses an anonymous caller; a token
/// that is expired, unsigned (<c>alg:none</c>), for another audience or issuer, of another type, tampered with or signed
/// by another key is a 401 problem; guessing passwords locks the email (429 with Retry-After); presenting a spent refresh
/// token revokes its whole family.
/// </summary>
public sealed class Api02AuthenticationTests(AxleFactory factory) : IClassFixture<AxleFactory>
{
    private const string Me = "/api/v1/users/me";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private JwtOptions Jwt => factory.Services.GetRequiredService<IOptions<JwtOptions>>().Value;

    [Fact]
    public async Task Every_secured_operation_refuses_an_anonymous_caller_with_a_401_problem()
    {
        var anonymous = factory.CreateClient();
        var failures = new List<string>();
        var walked = 0;
        foreach (var operation in (await SecurityWalk.OperationsAsync(factory)).Where(o => o.IsSecured))
        {
            walked++;
            using var request = SecurityWalk.Request(operation);
            var response = await anonymous.SendAsync(request, Ct);
            var type = response.Content.Headers.ContentType?.MediaType;
            if (response.StatusCode != HttpStatusCode.Unauthorized || type != "application/problem+json"
                || response.Headers.WwwAuthenticate.All(h => h.Scheme != "Bearer"))
            {
                failures.Add($"{operation.Method} {operation.Path}: {(int)response.StatusCode} {type}");
            }
        }

        SecurityWalk.AssertWalk(failures, walked, 50, "Secured operations that did not answer an anonymous caller 401 problem+json with a Bearer challenge");
    }

    [Fact]
    public async Task A_token_made_like_ours_is_accepted_so_each_refusal_below_has_one_cause()
    {
        var (_, user) = await factory.CreateCustomerAsync();

        var response = await factory.CreateClientWithToken(Forge(user.Id)).GetAsync(Me, Ct);

        await response.AssertJsonAsync(HttpStatusCode.OK);
    }

    public static readonly TheoryData<string> Deviations = ["issuer", "audience", "type:JWT", "type:dpop+jwt", "expired", "not-yet-valid", "no-expiry"];

    [Theory]
    [MemberData(nameof(Deviations))]
    public async Task A_token_with_one_claim_or_header_wrong_is_a_401_problem_on_every_kind_of_operation(string deviation)
    {
        var (_, user) = await factory.CreateCustomerAsync();
        var token = deviation switch
        {
            "issuer" => Forge(user.Id, issuer: "https://evil.example/"),
            "audience" => Forge(user.Id, audience: "another-api"),
            "type:JWT" => Forge(user.Id, type: "JWT"),
            "type:dpop+jwt" => Forge(user.Id, type: "dpop+jwt"),
            // Past the 30 s clock skew the app allows.
            "expired" => Forge(user.Id, expires: DateTime.UtcNow.AddMinutes(-2)),
            "not-yet-valid" => Forge(user.Id, notBefore: DateTime.UtcNow.AddMinutes(5), expires: DateTime.UtcNow.AddMinutes(10)),
            "no-expiry" => Forge(user.Id, noExpiry: true),
            _ => throw new ArgumentOutOfRangeException(nameof(deviation)),
        };

        await AssertRefusedAsync(token);
    }

    [Fact]
    public async Task A_token_issued_by_the_app_that_has_expired_is_401()
    {
        var (_, user) = await factory.CreateCustomerAsync();
        var past = new FakeTimeProvider(DateTimeOffset.UtcNow.AddMinutes(-(Jwt.AccessTokenMinutes + 2)));
        var issuer = new AccessTokenIssuer(
            factory.Services.GetRequiredService<SigningKeys>(), factory.Services.GetRequiredService<IOptions<JwtOptions>>(), past);
        var expired = issuer.IssueForUser(user.Id, user.Email, user.Name, ["customer"]).Token;

        await AssertRefusedAsync(expired);
    }

    [Fact]
    public async Task Expiry_is_judged_on_the_apps_clock_not_the_machines()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var app = factory.WithWebHostBuilder(b => b.ConfigureTestServices(s => s.AddSingleton<TimeProvider>(clock)));
        var (_, user) = await factory.CreateCustomerAsync();
        var token = app.Services.GetRequiredService<AccessTokenIssuer>().IssueForUser(user.Id, user.Email, user.Name, ["customer"]).Token;
        await (await app.CreateClientWithToken(token).GetAsync(Me, Ct)).AssertJsonAsync(HttpStatusCode.OK);

        // Wall time has barely moved; on the app's clock the token ran out a minute ago.
        clock.Advance(TimeSpan.FromMinutes(Jwt.AccessTokenMinutes + 1));

        await (await app.CreateClientWithToken(token).GetAsync(Me, Ct)).AssertProblemAsync(HttpStatusCode.Unauthorized, "unauthorized");
    }

    [Fact]
    public async Task An_alg_none_token_is_401()
    {
        var (_, user) = await factory.CreateCustomerAsync();
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var header = Base64UrlEncoder.Encode("""{"alg":"none","typ":"at+jwt"}""");
        var payload = Base64UrlEncoder.Encode(JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["iss"] = Jwt.Issuer, ["aud"] = Jwt.Audience, ["sub"] = user.Id.ToString(), ["client_id"] = "axle",
            ["iat"] = now, ["nbf"] = now, ["exp"] = now + 600, ["jti"] = Guid.NewGuid().ToString("N"), ["role"] = "admin",
        }));

        await AssertRefusedAsync($"{header}.{payload}.");
        // The same claims with the signature of a real token over other content are refused too.
        var real = Forge(user.Id).Split('.');
        await AssertRefusedAsync($"{header}.{payload}.{real[2]}");
    }

    [Fact]
    public async Task A_token_with_a_flipped_signature_character_is_401()
    {
        var (_, user) = await factory.CreateCustomerAsync();
        var token = (await factory.CreateClient().LoginAsync(user)).AccessToken;
        var position = token.LastIndexOf('.') + 10;
        var tampered = token[..position] + (token[position] == 'A' ? 'B' : 'A') + token[(position + 1)..];

        await AssertRefusedAsync(tampered);
    }

    [Fact]
    public async Task A_token_with_a_changed_payload_is_401()
    {
        var (_, user) = await factory.CreateCustomerAsync();
        var parts = (await factory.CreateClient().LoginAsync(user)).AccessToken.Split('.');
        var payload = Encoding.UTF8.GetString(Base64UrlEncoder.DecodeBytes(parts[1])).Replace("\"customer\"", "\"admin\"", StringComparison.Ordinal);
        Assert.Contains("\"admin\"", payload, StringComparison.Ordinal);

        await AssertRefusedAsync($"{parts[0]}.{Base64UrlEncoder.Encode(payload)}.{parts[2]}");
    }

    [Fact]
    public async Task A_token_signed_by_another_key_with_our_key_id_is_401()
    {
        var (_, user) = await factory.CreateCustomerAsync();
        using var ecdsa = System.Security.Cryptography.ECDsa.Create(System.Security.Cryptography.ECCurve.NamedCurves.nistP256);
        var foreignKey = new ECDsaSecurityKey(ecdsa) { KeyId = factory.Services.GetRequiredService<SigningKeys>().Key.KeyId };

        await AssertRefusedAsync(Forge(user.Id, credentials: new SigningCredentials(foreignKey, SecurityAlgorithms.EcdsaSha256), role: "admin"));
    }

    [Fact]
    public async Task A_symmetric_token_keyed_with_our_public_key_is_401()
    {
        // The algorithm-confusion attack: HS256 with the verifying key's public bytes as the HMAC secret.
        var (_, user) = await factory.CreateCustomerAsync();
        var publicKey = factory.Services.GetRequiredService<SigningKeys>().Key.ECDsa.ExportSubjectPublicKeyInfo();
        var hmac = new SymmetricSecurityKey(publicKey);

        await AssertRefusedAsync(Forge(user.Id, credentials: new SigningCredentials(hmac, SecurityAlgorithms.HmacSha256), role: "admin"));
    }

    [Fact]
    public async Task Five_failures_lock_the_account_with_429_and_Retry_After_even_for_the_right_password()
    {
        var client = factory.CreateClient();
        var user = await client.RegisterAsync();
        for (var i = 0; i < 5; i++)
        {
            var failed = await client.PostAsJsonAsync("/api/v1/auth/login", new { email = user.Email, password = $"Wrong-password-{i}xx" }, Ct);
            await failed.AssertProblemAsync(HttpStatusCode.Unauthorized, "invalid_credentials");
        }

        var response = await client.PostAsJsonAsync("/api/v1/auth/login", new { email = user.Email, password = user.Password }, Ct);

        var problem = await response.AssertProblemAsync(HttpStatusCode.TooManyRequests, "account_locked");
        var retryAfter = (int)response.Headers.RetryAfter!.Delta!.Value.TotalSeconds;
        Assert.InRange(retryAfter, 800, 900);
        Assert.Equal(retryAfter, problem.GetProperty("retryAfterSeconds").GetInt32());
        await using var scope = factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        var throttle = await db.Set<LoginThrottle>().SingleAsync(t => t.NormalizedEmail == user.Email.ToUpperInvariant(), Ct);
        Assert.NotNull(throttle.LockedUntil);
        Assert.False(await db.Set<RefreshToken>().AnyAsync(t => t.UserId == user.Id, Ct));
        Assert.True(await db.Set<AuditEntry>().AnyAsync(a => a.Action == "auth.lockout" && a.Target == user.Email.ToUpperInvariant(), Ct));
    }

    [Fact]
    public async Task An_unknown_email_locks_exactly_like_a_real_one()
    {
        var client = factory.CreateClient();
        var email = IdentityTestExtensions.UniqueEmail("ghost");
        for (var i = 0; i < 5; i++)
        {
            var failed = await client.PostAsJsonAsync("/api/v1/auth/login", new { email, password = "Guess-password-123" }, Ct);
            await failed.AssertProblemAsync(HttpStatusCode.Unauthorized, "invalid_credentials");
        }

        var response = await client.PostAsJsonAsync("/api/v1/auth/login", new { email, password = "Guess-password-123" }, Ct);

        await response.AssertProblemAsync(HttpStatusCode.TooManyRequests, "account_locked");
        Assert.NotNull(response.Headers.RetryAfter?.Delta);
    }

    [Fact]
    public async Task Reusing_a_spent_refresh_token_revokes_the_family_so_the_newest_token_fails_too()
    {
        var client = factory.CreateClient();
        var user = await client.RegisterAsync();
        var first = await client.LoginAsync(user);
        var second = await RefreshAsync(client, first.RefreshToken);
        var third = await RefreshAsync(client, second.RefreshToken);

        var reuse = await client.PostAsJsonAsync("/api/v1/auth/refresh", new { refreshToken = first.RefreshToken }, Ct);
        await reuse.AssertProblemAsync(HttpStatusCode.Unauthorized, "refresh_token_reused");

        var newest = await client.PostAsJsonAsync("/api/v1/auth/refresh", new { refreshToken = third.RefreshToken }, Ct);
        await newest.AssertProblemAsync(HttpStatusCode.Unauthorized);
        await using var scope = factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        var family = await db.Set<RefreshToken>().Where(t => t.UserId == user.Id).ToListAsync(Ct);
        Assert.Equal(3, family.Count);
        Assert.All(family, t => Assert.NotNull(t.RevokedAt));
        Assert.True(await db.Set<AuditEntry>().AnyAsync(a => a.Action == "auth.refresh_reused" && a.Target == user.Id.ToString(), Ct));
    }

    [Fact]
    public async Task Refresh_token_reuse_revokes_only_that_family_and_not_other_sessions()
    {
        var client = factory.CreateClient();
        var user = await client.RegisterAsync();
        var laptop = await client.LoginAsync(user);
        var phone = await client.LoginAsync(user);
        await RefreshAsync(client, laptop.RefreshToken);

        var reuse = await client.PostAsJsonAsync("/api/v1/auth/refresh", new { refreshToken = laptop.RefreshToken }, Ct);

        await reuse.AssertProblemAsync(HttpStatusCode.Unauthorized, "refresh_token_reused");
        await RefreshAsync(client, phone.RefreshToken);
    }

    /// <summary>The token is refused with a 401 problem and a Bearer challenge on a read, a write and a staff operation.</summary>
    private async Task AssertRefusedAsync(string token)
    {
        var client = factory.CreateClientWithToken(token);
        var responses = new[]
        {
            await client.GetAsync(Me, Ct),
            await client.PatchAsJsonAsync(Me, new { name = "Mallory" }, Ct),
            await client.GetAsync("/api/v1/admin/users", Ct),
        };
        foreach (var response in responses)
        {
            await response.AssertProblemAsync(HttpStatusCode.Unauthorized);
            Assert.Contains(response.Headers.WwwAuthenticate, h => h.Scheme == "Bearer");
        }
    }

    /// <summary>
    /// A token exactly as the app issues them (ES256 with its key, its issuer and audience, <c>at+jwt</c>, five minutes),
    /// except for what the caller changes.
    /// </summary>
    private string Forge(
        Guid userId, string? issuer = null, string? audience = null, string type = AccessTokenIssuer.TokenType,
        DateTime? notBefore = null, DateTime? expires = null, bool noExpiry = false, SigningCredentials? credentials = null, string role = "customer")
    {
        var now = DateTime.UtcNow;
        var descriptor = new SecurityTokenDescriptor
        {
            Issuer = issuer ?? Jwt.Issuer,
            Audience = audience ?? Jwt.Audience,
            IssuedAt = now.AddMinutes(-1),
            NotBefore = notBefore ?? now.AddMinutes(-1),
            Expires = noExpiry ? null : expires ?? now.AddMinutes(5),
            TokenType = type,
            SigningCredentials = credentials ?? factory.Services.GetRequiredService<SigningKeys>().Credentials,
            Claims = new Dictionary<string, object>
            {
                ["sub"] = userId.ToString(), ["client_id"] = AccessTokenIssuer.FirstPartyClientId, ["role"] = role,
                ["jti"] = Guid.NewGuid().ToString("N"),
            },
        };
        var handler = new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = !noExpiry };
        return handler.CreateToken(descriptor);
    }

    private static async Task<TokenPair> RefreshAsync(HttpClient client, string refreshToken)
    {
        var response = await client.PostAsJsonAsync("/api/v1/auth/refresh", new { refreshToken }, Ct);
        await response.AssertJsonAsync(HttpStatusCode.OK);
        return (await response.Content.ReadFromJsonAsync<TokenPair>(Ct))!;
    }
}
