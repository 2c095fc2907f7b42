using System.ComponentModel.DataAnnotations;
using System.Globalization;
using Axle.Api.Features.Audit;
using Axle.Api.Platform.Data;
using Axle.Api.Platform.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Axle.Api.Features.Identity;

public sealed record LoginRequest(
    [property: Required, MaxLength(User.EmailMaxLength)] string Email,
    [property: Required, MaxLength(PasswordPolicy.MaxLength)] string Password);

internal static partial class Login
{
    public static async Task<Results<Ok<TokenPairResponse>, ProblemHttpResult>> Handle(
        LoginRequest request, HttpContext http, AppDbContext db, Passwords passwords, TokenPairs tokens, AuditTrail audit,
        IOptions<IdentityOptions> options, TimeProvider time, ILoggerFactory loggers, CancellationToken ct)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var key = User.NormalizeEmail(request.Email);
        var throttle = await db.Set<LoginThrottle>().AsNoTracking().FirstOrDefaultAsync(t => t.NormalizedEmail == key, ct);
        if (throttle is not null && throttle.IsLocked(now))
        {
            audit.Record(db, "auth.login", key, AuditOutcome.Denied, new { reason = "locked" });
            await db.SaveChangesAsync(ct);
            return Locked(http, throttle.LockedUntil!.Value - now);
        }

        var user = await db.Set<User>().Include(u => u.Roles).FirstOrDefaultAsync(u => u.NormalizedEmail == key, ct);
        var verdict = passwords.Verify(user, request.Password);
        if (verdict == PasswordVerificationResult.Failed)
        {
            var lockedNow = await LoginThrottling.RecordFailureAsync(db, key, now, options.Value, ct);
            audit.Record(db, "auth.login", key, AuditOutcome.Failure,
                new { reason = user is null ? "unknown_email" : "wrong_password" }, actorId: user?.Id.ToString());
            if (lockedNow)
            {
                audit.Record(db, "auth.lockout", key, AuditOutcome.Denied,
                    new { minutes = options.Value.LockoutMinutes }, actorId: user?.Id.ToString());
                LogLockedOut(loggers.CreateLogger(typeof(Login).FullName!), options.Value.LockoutMinutes);
            }

            await db.SaveChangesAsync(ct);
            return Problems.Create(StatusCodes.Status401Unauthorized, "invalid_credentials", "Invalid credentials",
                "The email or password is incorrect.");
        }

        if (verdict == PasswordVerificationResult.SuccessRehashNeeded)
        {
            user!.SetPasswordHash(passwords.Hash(user, request.Password), now);
        }

        if (throttle is not null)
        {
            await LoginThrottling.ResetAsync(db, key, ct);
        }

        var pair = tokens.Issue(db, user!, now);
        audit.Record(db, "auth.login", user!.Id.ToString(), AuditOutcome.Success, actorId: user.Id.ToString());
        await db.SaveChangesAsync(ct);
        return TypedResults.Ok(pair);
    }

    private static ProblemHttpResult Locked(HttpContext http, TimeSpan remaining)
    {
        var seconds = Math.Max(1, (int)Math.Ceiling(remaining.TotalSeconds));
        http.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        return Problems.Create(StatusCodes.Status429TooManyRequests, "account_locked", "Account locked",
            $"Too many failed sign-ins. Try again in {seconds} seconds.",
            new Dictionary<string, object?> { ["retryAfterSeconds"] = seconds });
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Sign-in locked for {Minutes} minutes after repeated failures")]
    private static partial void LogLockedOut(ILogger logger, int minutes);
}
