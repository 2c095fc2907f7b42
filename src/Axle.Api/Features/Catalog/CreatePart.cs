using Axle.Api.Features.Audit;
using Axle.Api.Platform.Data;
using Axle.Api.Platform.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.OutputCaching;
using Microsoft.EntityFrameworkCore;

namespace Axle.Api.Features.Catalog;

internal static class CreatePart
{
    public static async Task<Results<Created<PartRepresentation>, ValidationProblem, ProblemHttpResult>> Handle(
        PartRequest request, HttpContext http, AppDbContext db, AuditTrail audit, IOutputCacheStore cache, TimeProvider time,
        CancellationToken ct)
    {
        var errors = PartRules.Validate(request);
        if (errors.Count > 0)
        {
            return Problems.Validation(errors);
        }

        if (await PartWriter.FindCategoryAsync(db, request.Category!, ct) is not { } category)
        {
            return PartWriter.UnknownCategory(request.Category!);
        }

        if (await db.Set<Part>().AnyAsync(p => p.Sku == request.Sku, ct))
        {
            return PartWriter.SkuTaken(request.Sku!);
        }

        var now = time.GetUtcNow().UtcDateTime;
        PartRepresentation created;
        try
        {
            await using var transaction = await db.Database.BeginTransactionAsync(ct);
            var brand = await PartWriter.FindOrAddBrandAsync(db, request.Brand!, ct);
            await db.SaveChangesAsync(ct);

            var part = new Part(request.Sku!, request.PartNumber!.Trim(), brand.Id, category.Id, request.Name!.Trim(),
                PartRules.ToMinor(request.Price!.Amount!.Value), request.Price.Currency!, now);
            PartWriter.Apply(part, request, brand, category);
            db.Add(part);
            await db.SaveChangesAsync(ct);

            await PartWriter.ReplaceCrossReferencesAsync(db, part, request, ct);
            audit.Record(db, "catalog.part_created", $"part/{part.Id}", details: new { part.Sku });
            await db.SaveChangesAsync(ct);
            await transaction.CommitAsync(ct);
            created = await PartRepresentation.FromAsync(db, part, ct);
        }
        catch (DbUpdateException e) when (DbErrors.IsUniqueViolation(e))
        {
            // Lost a race: another request created this SKU (or this new brand) between the check and the insert.
            return await PartWriter.UniqueViolationAsync(db, request.Sku!, ct);
        }

        await CatalogCache.InvalidateAsync(cache, ct);
        Conditional.SetETag(http, ETags.From(created.Version));
        return TypedResults.Created($"/api/v1/parts/{created.Id}", created);
    }
}
