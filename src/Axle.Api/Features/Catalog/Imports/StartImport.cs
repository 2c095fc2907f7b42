using System.Net.Http.Headers;
using Axle.Api.Features.Audit;
using Axle.Api.Platform.Data;
using Axle.Api.Platform.Http;
using Axle.Api.Platform.Security;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Axle.Api.Features.Catalog.Imports;

/// <summary>POST /api/v1/catalog/imports: stores the raw body as a file, queues a job, answers 202.</summary>
internal static class StartImport
{
    public sealed record Response(Guid Id, ImportStatus Status);

    public static async Task<Results<Accepted<Response>, ProblemHttpResult>> Handle(
        HttpRequest request, string? format, string? fileName, AppDbContext db, AppPaths paths, AuditTrail audit,
        TimeProvider time, CancellationToken ct)
    {
        if (Resolve(format, request.ContentType) is not { } resolved)
        {
            return format is not null
                ? Problems.BadRequest("unsupported_import_format", $"Format '{RawPart.Clip(format)}' is not one of csv, jsonl, aces, pies.")
                : request.ContentType is { } type && IsXml(type)
                    ? Problems.BadRequest("import_format_required", "An XML file needs ?format=aces or ?format=pies.")
                    : Problems.Create(StatusCodes.Status415UnsupportedMediaType, "unsupported_media_type", "Unsupported media type",
                        "Send text/csv, application/x-ndjson or application/xml (with ?format=aces|pies), or name the format with ?format=.");
        }

        var id = Guid.CreateVersion7(time.GetUtcNow());
        var path = ImportFiles.PathOf(paths, id);
        long bytes;
        try
        {
            await using (var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 64 * 1024, FileOptions.Asynchronous))
            {
                // Copies in 80 KiB chunks: memory stays flat however large the upload.
                await request.Body.CopyToAsync(file, ct);
                bytes = file.Length;
            }
        }
        catch
        {
            File.Delete(path);
            throw;
        }

        if (bytes == 0)
        {
            File.Delete(path);
            return Problems.BadRequest("empty_import", "The request body is empty; send the file as the body.");
        }

        var user = request.HttpContext.User;
        var actor = user.MachineClientId() is { } client ? "client:" + client : user.UserId()?.ToString();
        var job = new ImportJob(id, resolved, Name(fileName, request), bytes, actor, time.GetUtcNow().UtcDateTime);
        db.Add(job);
        audit.Record(db, "catalog.import.queued", id.ToString(), details: new { format = resolved.ToString().ToLowerInvariant(), bytes });
        await db.SaveChangesAsync(ct);
        return TypedResults.Accepted($"/api/v1/catalog/imports/{id}", new Response(id, job.Status));
    }

    internal static ImportFormat? Resolve(string? format, string? contentType)
    {
        if (format is not null)
        {
            return format.Trim().ToLowerInvariant() switch
            {
                "csv" => ImportFormat.Csv,
                "jsonl" or "ndjson" => ImportFormat.Jsonl,
                "aces" => ImportFormat.Aces,
                "pies" => ImportFormat.Pies,
                _ => null,
            };
        }

        if (contentType is null || !MediaTypeHeaderValue.TryParse(contentType, out var media))
        {
            return null;
        }

        return media.MediaType?.ToLowerInvariant() switch
        {
            "text/csv" => ImportFormat.Csv,
            "application/x-ndjson" or "application/jsonl" or "application/x-jsonlines" => ImportFormat.Jsonl,
            _ => null,
        };
    }

    private static bool IsXml(string contentType) =>
        MediaTypeHeaderValue.TryParse(contentType, out var media) && media.MediaType is "application/xml" or "text/xml";

    private static string? Name(string? fileName, HttpRequest request)
    {
        var name = fileName;
        if (name is null && ContentDispositionHeaderValue.TryParse(request.Headers.ContentDisposition.ToString(), out var disposition))
        {
            name = disposition.FileNameStar ?? disposition.FileName?.Trim('"');
        }

        name = name is null ? null : Path.GetFileName(name.Trim());
        return string.IsNullOrEmpty(name) ? null : name.Length > 255 ? name[..255] : name;
    }
}
