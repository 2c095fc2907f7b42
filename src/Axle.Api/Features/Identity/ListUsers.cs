using System.ComponentModel.DataAnnotations;
using Axle.Api.Platform.Data;
using Axle.Api.Platform.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Axle.Api.Features.Identity;

internal sealed record UserSummary(
    Guid Id, string Email, string Name, [property: MaxLength(Platform.Security.Roles.MaxPerUser)] IReadOnlyList<string> Roles, DateTime CreatedAt);

/// <summary>Keyset position in the user list: the last normalized email (unique).</summary>
internal readonly record struct EmailKey(string Email);

internal static class ListUsers
{
    private const string Purpose = "admin-users";

    /// <summary>Users ordered by normalized email (unique), seeking past the cursor; optional email prefix filter.</summary>
    public static async Task<Results<Ok<Page<UserSummary>>, ProblemHttpResult>> Handle(
        string? limit, string? cursor, string? email, HttpContext http, AppDbContext db, CursorCodec cursors,
        CancellationToken ct)
    {
        var prefix = string.IsNullOrWhiteSpace(email) ? null : User.NormalizeEmail(email);
        var fingerprint = Pagination.Fingerprint("email asc", ("email", prefix));
        if (!cursors.TryOpen<EmailKey>(Purpose, fingerprint, limit, cursor, out var page, out var problem))
        {
            return problem;
        }

        var query = db.Set<User>().AsNoTracking();
        if (prefix is not null)
        {
            query = query.Where(u => u.NormalizedEmail.StartsWith(prefix));
        }

        if (page.After is { } after)
        {
            query = query.Where(u => string.Compare(u.NormalizedEmail, after.Email) > 0);
        }

        var rows = await query
            .OrderBy(u => u.NormalizedEmail)
            .Select(u => new
            {
                u.Id, u.Email, u.NormalizedEmail, u.Name, u.CreatedAt,
                Roles = u.Roles.Select(r => r.Role).OrderBy(r => r).ToList(),
            })
            .ToPageAsync(page, u => new EmailKey(u.NormalizedEmail), ct);
        return http.PageResult(rows.Select(u => new UserSummary(u.Id, u.Email, u.Name, u.Roles, u.CreatedAt)));
    }
}
