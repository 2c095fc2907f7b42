using Axle.Api.Features.Audit;
using Axle.Api.Platform.Data;
using Axle.Api.Platform.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.OutputCaching;
using Microsoft.EntityFrameworkCore;

namespace Axle.Api.Features.Catalog;

internal static class DeletePart
{
    /// <summary>
    /// Deletes the part (204), or — when orders refer to it — discontinues it instead (200 with the part), because
    /// order history must keep pointing at what was sold.
    /// </summary>
    public static async Task<Results<NoContent, Ok<PartRepresentation>, ProblemHttpResult>> Handle(
        long id, HttpContext http, AppDbContext db, AuditTrail audit, IEnumerable<IPartUsage> usages, IOutputCacheStore cache,
        TimeProvider time, CancellationToken ct)
    {
        if (await PartRepresentation.LoadAsync(db, id, ct) is not { } part)
        {
            return Problems.NotFound("No part has this id.");
        }

        if (Conditional.RequireIfMatch(http, ETags.From(part.Version)) is { } failure)
        {
            return failure;
        }

        // Every feature that keeps pointing at parts (orders, the stock ledger) registers its own IPartUsage.
        var referenced = false;
        foreach (var usage in usages)
        {
            referenced = referenced || await usage.IsReferencedAsync(part.Id, ct);
        }

        try
        {
            if (referenced)
            {
                part.Discontinue(time.GetUtcNow().UtcDateTime);
                audit.Record(db, "catalog.part_discontinued", $"part/{part.Id}", details: new { part.Sku, reason = "referenced" });
            }
            else
            {
                db.Remove(part);
                audit.Record(db, "catalog.part_deleted", $"part/{part.Id}", details: new { part.Sku });
            }

            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            return PartWriter.ConcurrentUpdate();
        }

        await CatalogCache.InvalidateAsync(cache, ct);
        if (!referenced)
        {
            return TypedResults.NoContent();
        }

        var representation = await PartRepresentation.FromAsync(db, part, ct);
        Conditional.SetETag(http, ETags.From(representation.Version));
        return TypedResults.Ok(representation);
    }
}
