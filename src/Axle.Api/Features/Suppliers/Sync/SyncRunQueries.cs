using System.Globalization;
using Axle.Api.Platform.Data;
using Axle.Api.Platform.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace Axle.Api.Features.Suppliers.Sync;

/// <summary><c>GET /api/v1/sync-runs/{id}</c> and <c>GET /api/v1/suppliers/{id}/sync-runs</c> (newest first, cursor-paginated).</summary>
internal static class SyncRunQueries
{
    public const string CursorPurpose = "sync-runs";

    public static async Task<Results<Ok<SyncRunResponse>, ProblemHttpResult>> Get(Guid id, AppDbContext db, TimeProvider time, CancellationToken ct) =>
        await db.Set<SyncRun>().AsNoTracking().FirstOrDefaultAsync(r => r.Id == id, ct) is { } run
            ? TypedResults.Ok(SyncRunResponse.From(run, time.GetUtcNow().UtcDateTime))
            : Problems.NotFound("No sync run has this id.");

    public static async Task<Results<Ok<Page<SyncRunResponse>>, ProblemHttpResult>> List(
        long id, [FromQuery(Name = "limit")] string? limit, [FromQuery(Name = "cursor")] string? cursor, HttpContext http,
        AppDbContext db, CursorCodec cursors, TimeProvider time, CancellationToken ct)
    {
        var fingerprint = Pagination.Fingerprint("createdAt desc", ("supplierId", id.ToString(CultureInfo.InvariantCulture)));
        if (!cursors.TryOpen<SeekKey<Guid>>(CursorPurpose, fingerprint, limit, cursor, out var page, out var problem))
        {
            return problem;
        }

        if (!await db.Set<Supplier>().AnyAsync(s => s.Id == id, ct))
        {
            return Problems.NotFound("No supplier has this id.");
        }

        var rows = await db.Set<SyncRun>().AsNoTracking().Where(r => r.SupplierId == id)
            .NewestFirst(r => r.CreatedAt, r => r.Id, page.After)
            .ToPageAsync(page, r => new SeekKey<Guid>(r.CreatedAt, r.Id), ct);
        var now = time.GetUtcNow().UtcDateTime;
        return http.PageResult(rows.Select(r => SyncRunResponse.From(r, now)));
    }
}
