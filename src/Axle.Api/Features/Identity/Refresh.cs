using System.ComponentModel.DataAnnotations;
using Axle.Api.Features.Audit;
using Axle.Api.Platform.Data;
using Axle.Api.Platform.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Axle.Api.Features.Identity;

public sealed record RefreshRequest([property: Required, MaxLength(256)] string RefreshToken);

internal static partial class Refresh
{
    public static async Task<Results<Ok<TokenPairResponse>, ProblemHttpResult>> Handle(
        RefreshRequest request, AppDbContext db, TokenPairs tokens, AuditTrail audit, TimeProvider time,
        ILoggerFactory loggers, CancellationToken ct)
    {
        if (!RefreshToken.IsWellFormed(request.RefreshToken))
        {
            return Invalid();
        }

        var now = time.GetUtcNow().UtcDateTime;
        var hash = RefreshToken.Hash(request.RefreshToken);
        var token = await db.Set<RefreshToken>().AsNoTracking().FirstOrDefaultAsync(t => t.TokenHash == hash, ct);
        if (token is null || token.ExpiresAt <= now || (token.RevokedAt is not null && token.UsedAt is null))
        {
            return Invalid();
        }

        await using var transaction = await db.Database.BeginTransactionAsync(ct);

        // Spend the token with one conditional UPDATE: of two parallel presentations exactly one wins.
        var spent = await db.Set<RefreshToken>()
            .Where(t => t.Id == token.Id && t.UsedAt == null && t.RevokedAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(t => t.UsedAt, now), ct);
        if (spent == 0)
        {
            // Already spent: a copy is in someone else's hands. Nobody in this family may refresh again.
            var revoked = await RevokeFamilyAsync(db, token.FamilyId, now, ct);
            audit.Record(db, "auth.refresh_reused", token.UserId.ToString(), AuditOutcome.Denied,
                new { familyId = token.FamilyId, revokedTokens = revoked }, actorId: token.UserId.ToString());
            await db.SaveChangesAsync(ct);
            await transaction.CommitAsync(ct);
            LogReuse(loggers.CreateLogger(typeof(Refresh).FullName!), token.UserId, token.FamilyId);
            return Problems.Create(StatusCodes.Status401Unauthorized, "refresh_token_reused", "Refresh token reused",
                "This refresh token was already used. Every session derived from it has been signed out; sign in again.");
        }

        var user = await db.Set<User>().AsNoTracking().Include(u => u.Roles).FirstOrDefaultAsync(u => u.Id == token.UserId, ct);
        if (user is null)
        {
            await transaction.RollbackAsync(ct);
            return Invalid();
        }

        var pair = tokens.Issue(db, user, now, token);
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        return TypedResults.Ok(pair);
    }

    /// <summary>Revokes every live token of a family; returns how many.</summary>
    public static Task<int> RevokeFamilyAsync(AppDbContext db, Guid familyId, DateTime now, CancellationToken ct) =>
        db.Set<RefreshToken>()
            .Where(t => t.FamilyId == familyId && t.RevokedAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(t => t.RevokedAt, now), ct);

    private static ProblemHttpResult Invalid() => Problems.Create(
        StatusCodes.Status401Unauthorized, "invalid_refresh_token", "Invalid refresh token",
        "The refresh token is unknown, expired or revoked. Sign in again.");

    [LoggerMessage(Level = LogLevel.Warning, Message = "Refresh token reuse for user {UserId}; family {FamilyId} revoked")]
    private static partial void LogReuse(ILogger logger, Guid userId, Guid familyId);
}
