using System.ComponentModel.DataAnnotations;
using Axle.Api.Features.Audit;
using Axle.Api.Platform.Data;
using Axle.Api.Platform.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Axle.Api.Features.Identity;

public sealed record AssignRolesRequest([property: Required, MaxLength(16)] IReadOnlyList<string> Roles);

internal sealed record UserRolesResponse(Guid Id, string Email, [property: MaxLength(Platform.Security.Roles.MaxPerUser)] IReadOnlyList<string> Roles);

internal static class AssignRoles
{
    /// <summary>Replaces the user's role set. The last admin cannot lose the admin role (nobody could grant it back).</summary>
    public static async Task<Results<Ok<UserRolesResponse>, ValidationProblem, ProblemHttpResult>> Handle(
        Guid id, AssignRolesRequest request, AppDbContext db, AuditTrail audit, TimeProvider time, CancellationToken ct)
    {
        var unknown = request.Roles.Where(r => !Platform.Security.Roles.IsKnown(r)).Distinct().ToList();
        if (unknown.Count > 0)
        {
            return Problems.Validation("roles",
                $"Unknown role(s): {string.Join(", ", unknown)}. Known roles: {string.Join(", ", Platform.Security.Roles.All)}.");
        }

        var user = await db.Set<User>().Include(u => u.Roles).FirstOrDefaultAsync(u => u.Id == id, ct);
        if (user is null)
        {
            return Problems.NotFound("No such user.");
        }

        var before = user.RoleNames;
        var wanted = request.Roles.Distinct(StringComparer.Ordinal).ToList();
        if (before.Contains(Platform.Security.Roles.Admin) && !wanted.Contains(Platform.Security.Roles.Admin)
            && !await db.Set<UserRole>().AnyAsync(r => r.Role == Platform.Security.Roles.Admin && r.UserId != id, ct))
        {
            return Problems.Conflict("last_admin", "Last administrator",
                "This is the only admin. Make someone else admin before removing the role here.");
        }

        user.ReplaceRoles(wanted, time.GetUtcNow().UtcDateTime);
        audit.Record(db, "admin.roles_assigned", user.Id.ToString(), AuditOutcome.Success,
            new { before, after = user.RoleNames });
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            return Problems.Conflict("concurrent_update", "Concurrent update",
                "The user was changed by another request at the same time. Retry.");
        }

        return TypedResults.Ok(new UserRolesResponse(user.Id, user.Email, user.RoleNames));
    }
}
