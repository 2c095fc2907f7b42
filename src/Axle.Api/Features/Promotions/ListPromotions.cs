using Axle.Api.Platform.Data;
using Axle.Api.Platform.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace Axle.Api.Features.Promotions;

/// <summary><c>GET /api/v1/promotions</c>: newest first, optionally only active or inactive ones.</summary>
internal static class ListPromotions
{
    public const string CursorPurpose = "promotions";

    public sealed record Query(
        [FromQuery(Name = "active")] bool? Active,
        [FromQuery(Name = "limit")] string? Limit,
        [FromQuery(Name = "cursor")] string? Cursor);

    public static async Task<Results<Ok<Page<PromotionResponse>>, ProblemHttpResult>> Handle(
        [AsParameters] Query query, HttpContext http, AppDbContext db, CursorCodec cursors, CancellationToken ct)
    {
        var fingerprint = Pagination.Fingerprint("createdAt desc,id desc", ("active", query.Active?.ToString()));
        if (!cursors.TryOpen<SeekKey<Guid>>(CursorPurpose, fingerprint, query.Limit, query.Cursor, out var page, out var problem))
        {
            return problem;
        }

        var promotions = db.Set<Promotion>().AsNoTracking();
        if (query.Active is { } active)
        {
            promotions = promotions.Where(p => p.Active == active);
        }

        var rows = await promotions.NewestFirst(p => p.CreatedAt, p => p.Id, page.After)
            .ToPageAsync(page, p => new SeekKey<Guid>(p.CreatedAt, p.Id), ct);
        return http.PageResult(rows.Select(PromotionResponse.From));
    }
}
