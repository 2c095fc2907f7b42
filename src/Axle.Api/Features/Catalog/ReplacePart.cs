using Axle.Api.Features.Audit;
using Axle.Api.Platform.Data;
using Axle.Api.Platform.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.OutputCaching;
using Microsoft.EntityFrameworkCore;

namespace Axle.Api.Features.Catalog;

internal static class ReplacePart
{
    public static async Task<Results<Ok<PartRepresentation>, ValidationProblem, ProblemHttpResult>> Handle(
        long id, PartRequest request, HttpContext http, AppDbContext db, AuditTrail audit, IOutputCacheStore cache,
        TimeProvider time, CancellationToken ct)
    {
        var errors = PartRules.Validate(request);
        if (errors.Count > 0)
        {
            return Problems.Validation(errors);
        }

        if (await PartRepresentation.LoadAsync(db, id, ct) is not { } part)
        {
            return Problems.NotFound("No part has this id.");
        }

        if (Conditional.RequireIfMatch(http, ETags.From(part.Version)) is { } failure)
        {
            return failure;
        }

        return await SaveAsync(part, request, http, db, audit, cache, time, ct);
    }

    /// <summary>Writes a validated full representation onto a loaded part whose If-Match has passed: PUT and PATCH.</summary>
    internal static async Task<Results<Ok<PartRepresentation>, ValidationProblem, ProblemHttpResult>> SaveAsync(
        Part part, PartRequest request, HttpContext http, AppDbContext db, AuditTrail audit, IOutputCacheStore cache,
        TimeProvider time, CancellationToken ct)
    {
        if (await PartWriter.FindCategoryAsync(db, request.Category!, ct) is not { } category)
        {
            return PartWriter.UnknownCategory(request.Category!);
        }

        if (await db.Set<Part>().AnyAsync(p => p.Sku == request.Sku && p.Id != part.Id, ct))
        {
            return PartWriter.SkuTaken(request.Sku!);
        }

        PartRepresentation saved;
        try
        {
            await using var transaction = await db.Database.BeginTransactionAsync(ct);
            var brand = await PartWriter.FindOrAddBrandAsync(db, request.Brand!, ct);
            await db.SaveChangesAsync(ct);

            PartWriter.Apply(part, request, brand, category);
            part.Touch(time.GetUtcNow().UtcDateTime);
            await PartWriter.ReplaceCrossReferencesAsync(db, part, request, ct);
            audit.Record(db, "catalog.part_updated", $"part/{part.Id}",
                details: new { part.Sku, method = http.Request.Method, part.Version });
            await db.SaveChangesAsync(ct);
            await transaction.CommitAsync(ct);
            saved = await PartRepresentation.FromAsync(db, part, ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            return PartWriter.ConcurrentUpdate();
        }
        catch (DbUpdateException e) when (DbErrors.IsUniqueViolation(e))
        {
            return await PartWriter.UniqueViolationAsync(db, request.Sku!, ct);
        }

        await CatalogCache.InvalidateAsync(cache, ct);
        Conditional.SetETag(http, ETags.From(saved.Version));
        return TypedResults.Ok(saved);
    }
}
