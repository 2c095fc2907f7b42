using Axle.Api.Features.Audit;
using Axle.Api.Platform.Data;
using Axle.Api.Platform.Http;
using Axle.Api.Platform.Security;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Axle.Api.Features.Backups;

public sealed record BackupFileResponse(string Name, DateTime CreatedAt, long Bytes);

/// <summary>The folder's files, newest first. Never more than <c>Backup:Keep</c> plus a few, so one page; the cursor is always null.</summary>
public sealed record BackupListResponse(IReadOnlyList<BackupFileResponse> Items, bool Running, string? NextCursor = null);

public sealed record BackupStartedResponse(string Status);

public static class BackupEndpoints
{
    public const string Path = "/api/v1/admin/backups";

    public static IEndpointRouteBuilder MapBackups(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup(Path).WithTags("Administration").RequireAuthorization(Policies.Admin);
        group.MapGet("/", ListBackups)
            .WithName("ListBackups")
            .WithSummary("Backup files in Backup:Directory, newest first")
            .WithDescription("Admin. running: whether a backup requested here is still being written.");
        group.MapPost("/", StartBackup)
            .WithName("StartBackup")
            .WithSummary("Take a backup now")
            .WithDescription("Admin. 202: the backup runs in the background and appears in the list when complete; the folder is " +
                "then pruned to Backup:Keep. 409 backup_in_progress while one is running. Restore and verify are CLI commands " +
                "(docs/operations.md): they must not run under a serving app.");
        return app;
    }

    internal static Ok<BackupListResponse> ListBackups(BackupStore store, BackupRunner runner) =>
        TypedResults.Ok(new BackupListResponse(
            [.. store.List().Select(f => new BackupFileResponse(f.Name, f.CreatedAt, f.Bytes))], !runner.Current.IsCompleted));

    internal static async Task<Results<Accepted<BackupStartedResponse>, ProblemHttpResult>> StartBackup(
        BackupRunner runner, AuditTrail audit, AppDbContext db, CancellationToken ct)
    {
        if (!runner.TryStart())
        {
            return Problems.Conflict("backup_in_progress", "Backup in progress", "A backup is being written; try again when it is listed.");
        }

        audit.Record(db, "admin.backup_requested", "backups");
        await db.SaveChangesAsync(ct);
        return TypedResults.Accepted(Path, new BackupStartedResponse("running"));
    }
}
