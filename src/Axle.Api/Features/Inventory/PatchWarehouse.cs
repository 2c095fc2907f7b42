using System.ComponentModel.DataAnnotations;
using Axle.Api.Features.Audit;
using Axle.Api.Platform.Data;
using Axle.Api.Platform.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.OutputCaching;
using Microsoft.EntityFrameworkCore;

namespace Axle.Api.Features.Inventory;

/// <summary><c>PATCH /api/v1/warehouses/{id}</c>: members present change; the code never does.</summary>
internal static class PatchWarehouse
{
    public sealed record Request(
        [property: StringLength(Warehouse.NameMaxLength, MinimumLength = 1)] string? Name,
        AddressInput? Address,
        bool? Active);

    public static async Task<Results<Ok<WarehouseResponse>, ValidationProblem, ProblemHttpResult>> Handle(
        long id, Request request, HttpContext http, AppDbContext db, AuditTrail audit, IOutputCacheStore cache,
        TimeProvider time, CancellationToken ct)
    {
        if (request.Name is not null && string.IsNullOrWhiteSpace(request.Name))
        {
            return Problems.Validation("name", "The name cannot be blank.");
        }

        if (await db.Set<Warehouse>().FirstOrDefaultAsync(w => w.Id == id, ct) is not { } warehouse)
        {
            return Problems.NotFound("No warehouse has this id.");
        }

        if (Conditional.RequireIfMatch(http, ETags.From(warehouse.Version)) is { } failure)
        {
            return failure;
        }

        var activeChanged = request.Active is { } active && active != warehouse.Active;
        if (request.Name is { } name)
        {
            warehouse.Rename(name.Trim());
        }

        if (request.Address is { } address)
        {
            warehouse.Relocate(address.ToAddress());
        }

        if (request.Active is { } activate)
        {
            warehouse.SetActive(activate);
        }

        warehouse.Touch(time.GetUtcNow().UtcDateTime);
        audit.Record(db, "inventory.warehouse_updated", $"warehouse/{warehouse.Id}",
            details: new { warehouse.Code, warehouse.Active, warehouse.Version });
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            return Problems.Create(StatusCodes.Status412PreconditionFailed, "precondition_failed", "Precondition failed",
                "The warehouse changed while this request ran. GET it again for the current ETag and retry.");
        }

        // Deactivating or activating a warehouse changes what the catalog can sell.
        if (activeChanged)
        {
            await Catalog.CatalogCache.InvalidateAsync(cache, ct);
        }

        Conditional.SetETag(http, ETags.From(warehouse.Version));
        return TypedResults.Ok(WarehouseResponse.From(warehouse));
    }
}
