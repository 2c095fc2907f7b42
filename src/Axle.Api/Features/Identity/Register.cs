using System.ComponentModel.DataAnnotations;
using Axle.Api.Features.Audit;
using Axle.Api.Platform.Data;
using Axle.Api.Platform.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Axle.Api.Features.Identity;

/// <summary>Public only because the validation source generator skips non-public types.</summary>
public sealed record RegisterRequest(
    [Required, EmailAddress, MaxLength(User.EmailMaxLength)] string Email,
    [Required, MaxLength(PasswordPolicy.MaxLength)] string Password,
    [Required, StringLength(User.NameMaxLength, MinimumLength = 1)] string Name);

internal sealed record RegisterResponse(Guid Id, string Email, string Name);

internal static class Register
{
    public static async Task<Results<Created<RegisterResponse>, ValidationProblem, ProblemHttpResult>> Handle(
        RegisterRequest request, AppDbContext db, Passwords passwords, PasswordPolicy policy, AuditTrail audit,
        TimeProvider time, CancellationToken ct)
    {
        var name = request.Name.Trim();
        if (name.Length == 0)
        {
            return Problems.Validation("name", "A name is required.");
        }

        if (policy.Check(request.Password, request.Email) is { } weak)
        {
            return Problems.Validation("password", weak);
        }

        var normalized = User.NormalizeEmail(request.Email);
        if (await db.Set<User>().AnyAsync(u => u.NormalizedEmail == normalized, ct))
        {
            return EmailTaken();
        }

        var now = time.GetUtcNow().UtcDateTime;
        var user = new User(request.Email, name, now);
        user.SetPasswordHash(passwords.Hash(user, request.Password), now);
        db.Add(user);
        audit.Record(db, "auth.register", user.Id.ToString(), AuditOutcome.Success, actorId: user.Id.ToString());
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException)
        {
            // Most likely a parallel registration of the same email won the unique index.
            if (await db.Set<User>().AsNoTracking().AnyAsync(u => u.NormalizedEmail == normalized, ct))
            {
                return EmailTaken();
            }

            throw;
        }

        return TypedResults.Created("/api/v1/users/me", new RegisterResponse(user.Id, user.Email, user.Name));
    }

    private static ProblemHttpResult EmailTaken() => Problems.Conflict(
        "email_taken", "Email already registered", "An account with this email exists. Sign in or reset the password.");
}
