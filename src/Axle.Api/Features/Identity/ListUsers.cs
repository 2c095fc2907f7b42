using Axle.Api.Platform.Data;
using Axle.Api.Platform.Http;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Axle.Api.Features.Identity;

internal sealed record UserSummary(Guid Id, string Email, string Name, IReadOnlyList<string> Roles, DateTime CreatedAt);

internal sealed record UserList(IReadOnlyList<UserSummary> Items, string? NextCursor);

internal static class ListUsers
{
    private const string CursorPurpose = "Axle.Identity.ListUsers.Cursor";

    /// <summary>Users ordered by normalized email (unique), seeking past the cursor; optional email prefix filter.</summary>
    public static async Task<Results<Ok<UserList>, ProblemHttpResult>> Handle(
        int? limit, string? cursor, string? email, HttpContext http, AppDbContext db, IDataProtectionProvider protection,
        CancellationToken ct)
    {
        if (limit is < 0)
        {
            return Problems.BadRequest("invalid_limit", "limit must be between 1 and 100.");
        }

        var take = limit is null or 0 ? 25 : Math.Min(limit.Value, 100);
        var protector = protection.CreateProtector(CursorPurpose);
        var query = db.Set<User>().AsNoTracking();
        if (!string.IsNullOrWhiteSpace(email))
        {
            var prefix = User.NormalizeEmail(email);
            query = query.Where(u => u.NormalizedEmail.StartsWith(prefix));
        }

        if (!string.IsNullOrEmpty(cursor))
        {
            string after;
            try
            {
                after = protector.Unprotect(cursor);
            }
            catch (System.Security.Cryptography.CryptographicException)
            {
                return Problems.BadRequest("invalid_cursor", "The cursor is not valid. Start again without it.");
            }

            query = query.Where(u => string.Compare(u.NormalizedEmail, after) > 0);
        }

        var page = await query
            .OrderBy(u => u.NormalizedEmail)
            .Take(take + 1)
            .Select(u => new
            {
                u.Id, u.Email, u.NormalizedEmail, u.Name, u.CreatedAt,
                Roles = u.Roles.Select(r => r.Role).OrderBy(r => r).ToList(),
            })
            .ToListAsync(ct);
        var items = page.Take(take).Select(u => new UserSummary(u.Id, u.Email, u.Name, u.Roles, u.CreatedAt)).ToList();
        string? next = null;
        if (page.Count > take)
        {
            next = protector.Protect(page[take - 1].NormalizedEmail);
            var url = $"{http.Request.PathBase}{http.Request.Path}?limit={take}&cursor={Uri.EscapeDataString(next)}"
                + (string.IsNullOrWhiteSpace(email) ? "" : "&email=" + Uri.EscapeDataString(email));
            http.Response.Headers.Link = $"<{url}>; rel=\"next\"";
        }

        return TypedResults.Ok(new UserList(items, next));
    }
}
