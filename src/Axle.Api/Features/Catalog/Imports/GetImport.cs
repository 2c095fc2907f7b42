using System.ComponentModel.DataAnnotations;
using Axle.Api.Platform.Data;
using Axle.Api.Platform.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Axle.Api.Features.Catalog.Imports;

/// <summary>GET /api/v1/catalog/imports/{id}: status, counts and the first 100 row errors in file order.</summary>
internal static class GetImport
{
    public const int MaxErrors = 100;

    public sealed record ErrorItem(int Line, string? Field, string Message);

    public sealed record Response(
        Guid Id, ImportFormat Format, ImportStatus Status, string? FileName, long Bytes,
        int RowsRead, int Inserted, int Updated, int Unchanged, int Deleted, int Rejected,
        string? Error, string? Actor, DateTime CreatedAt, DateTime? StartedAt, DateTime? FinishedAt,
        [property: MaxLength(MaxErrors)] IReadOnlyList<ErrorItem> Errors);

    public static async Task<Results<Ok<Response>, ProblemHttpResult>> Handle(Guid id, AppDbContext db, CancellationToken ct)
    {
        var job = await db.Set<ImportJob>().AsNoTracking().SingleOrDefaultAsync(j => j.Id == id, ct);
        if (job is null)
        {
            return Problems.NotFound("No import job has this id.");
        }

        var errors = await db.Set<ImportError>().AsNoTracking()
            .Where(e => e.JobId == id)
            .OrderBy(e => e.Line).ThenBy(e => e.Id)
            .Take(MaxErrors)
            .Select(e => new ErrorItem(e.Line, e.Field, e.Message))
            .ToListAsync(ct);
        return TypedResults.Ok(new Response(
            job.Id, job.Format, job.Status, job.FileName, job.Bytes, job.RowsRead, job.Inserted, job.Updated, job.Unchanged,
            job.Deleted, job.Rejected, job.Error, job.Actor, job.CreatedAt, job.StartedAt, job.FinishedAt, errors));
    }
}
