using System.ComponentModel.DataAnnotations;
using System.Security.Claims;
using Axle.Api.Features.Audit;
using Axle.Api.Platform.Data;
using Axle.Api.Platform.Http;
using Axle.Api.Platform.Security;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Axle.Api.Features.Identity;

public sealed record LogoutRequest([property: Required, MaxLength(256)] string RefreshToken);

internal static class Logout
{
    /// <summary>
    /// Revokes the family of the caller's refresh token. Unknown tokens and other users' tokens are a silent no-op:
    /// the answer is the same 204 and nothing about them is revealed.
    /// </summary>
    public static async Task<Results<NoContent, ProblemHttpResult>> Handle(
        LogoutRequest request, ClaimsPrincipal principal, AppDbContext db, AuditTrail audit, TimeProvider time,
        CancellationToken ct)
    {
        if (principal.UserId() is not { } userId)
        {
            return Problems.Forbidden("Only signed-in users have sessions to end.");
        }

        if (!RefreshToken.IsWellFormed(request.RefreshToken))
        {
            return TypedResults.NoContent();
        }

        var hash = RefreshToken.Hash(request.RefreshToken);
        var familyId = await db.Set<RefreshToken>().AsNoTracking()
            .Where(t => t.TokenHash == hash && t.UserId == userId)
            .Select(t => (Guid?)t.FamilyId)
            .FirstOrDefaultAsync(ct);
        if (familyId is { } family)
        {
            var now = time.GetUtcNow().UtcDateTime;
            var revoked = await Refresh.RevokeFamilyAsync(db, family, now, ct);
            audit.Record(db, "auth.logout", userId.ToString(), AuditOutcome.Success, new { familyId = family, revokedTokens = revoked });
            await db.SaveChangesAsync(ct);
        }

        return TypedResults.NoContent();
    }
}
