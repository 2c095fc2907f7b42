using System.ComponentModel.DataAnnotations;
using System.Text.Json;
using Axle.Api.Features.Audit;
using Axle.Api.Features.Suppliers.Mapping;
using Axle.Api.Platform.Data;
using Axle.Api.Platform.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Axle.Api.Features.Suppliers;

/// <summary>
/// <c>PATCH /api/v1/suppliers/{id}</c> (If-Match): members present change. <c>warehouses</c> replaces the set the supplier
/// owns; <c>mapping</c> replaces the mapping (validated; <c>null</c> returns to Axle's own format); <c>ipAllowList</c>
/// replaces the list (<c>[]</c> accepts any address).
/// </summary>
internal static class PatchSupplier
{
    public sealed record Request(
        [property: StringLength(Supplier.NameMaxLength, MinimumLength = 1)] string? Name,
        bool? Active,
        bool? Webhook,
        [property: MaxLength(Supplier.MaxWarehouses)] IReadOnlyList<string>? Warehouses,
        JsonElement Mapping,
        [property: MaxLength(Supplier.MaxIpAllowList)] IReadOnlyList<string>? IpAllowList,
        bool? ApplyPrices,
        bool? AutoCorrect);

    public static async Task<Results<Ok<SupplierResponse>, ValidationProblem, ProblemHttpResult>> Handle(
        long id, Request request, HttpContext http, AppDbContext db, AuditTrail audit, TimeProvider time, CancellationToken ct)
    {
        if (await db.Set<Supplier>().FirstOrDefaultAsync(s => s.Id == id, ct) is not { } supplier)
        {
            return Problems.NotFound("No supplier has this id.");
        }

        if (Conditional.RequireIfMatch(http, ETags.From(supplier.Version)) is { } failure)
        {
            return failure;
        }

        var errors = new Dictionary<string, string[]>();
        if (request.Name is not null && string.IsNullOrWhiteSpace(request.Name))
        {
            errors["name"] = ["The name cannot be blank."];
        }

        SupplierMapping? mapping = null;
        if (request.Mapping.ValueKind == JsonValueKind.Object)
        {
            try
            {
                mapping = request.Mapping.Deserialize<SupplierMapping>(SupplierResponse.Json);
                SupplierInput.CheckMapping(mapping, errors);
            }
            catch (JsonException)
            {
                errors["mapping"] = ["The mapping does not have the expected shape."];
            }
        }
        else if (request.Mapping.ValueKind is not (JsonValueKind.Undefined or JsonValueKind.Null))
        {
            errors["mapping"] = ["The mapping is an object, or null for Axle's own format."];
        }

        var networks = request.IpAllowList is null ? supplier.IpAllowList : SupplierInput.CheckNetworks(request.IpAllowList, errors);
        List<long>? warehouseIds = null;
        if (request.Warehouses is { } codes)
        {
            (warehouseIds, var conflict) = codes.Count == 0 ? ([], null) : await SupplierInput.ResolveWarehousesAsync(db, id, codes, errors, ct);
            if (conflict is not null)
            {
                return conflict;
            }
        }

        if (errors.Count > 0)
        {
            return Problems.Validation(errors);
        }

        var now = time.GetUtcNow().UtcDateTime;
        if (request.Name is { } name)
        {
            supplier.Rename(name.Trim());
        }

        if (request.Active is { } active)
        {
            supplier.SetActive(active);
        }

        if (request.Webhook is { } webhook)
        {
            supplier.SetWebhook(webhook);
        }

        if (request.Mapping.ValueKind != JsonValueKind.Undefined)
        {
            supplier.SetMapping(SupplierInput.SerializeMapping(mapping));
        }

        supplier.SetIpAllowList(networks);
        supplier.SetPolicies(request.ApplyPrices ?? supplier.ApplyPrices, request.AutoCorrect ?? supplier.AutoCorrect);
        supplier.Touch(now);
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        if (warehouseIds is not null)
        {
            await db.Set<SupplierWarehouse>().Where(sw => sw.SupplierId == id).ExecuteDeleteAsync(ct);
            db.AddRange(warehouseIds.Select(w => new SupplierWarehouse(id, w)));
        }

        audit.Record(db, "suppliers.updated", $"supplier/{supplier.Id}",
            details: new { supplier.Active, supplier.WebhookEnabled, request.Warehouses, MappingChanged = request.Mapping.ValueKind != JsonValueKind.Undefined });
        try
        {
            await db.SaveChangesAsync(ct);
            await transaction.CommitAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            return Problems.Create(StatusCodes.Status412PreconditionFailed, "precondition_failed", "Precondition failed",
                "The supplier changed while this request ran. GET it again for the current ETag and retry.");
        }
        catch (DbUpdateException e) when (DbErrors.IsUniqueViolation(e))
        {
            return Problems.Conflict("warehouse_owned", "Warehouse owned by another supplier",
                "Another supplier claimed one of these warehouses meanwhile.");
        }

        Conditional.SetETag(http, ETags.From(supplier.Version));
        return TypedResults.Ok(SupplierResponse.From(supplier, await SupplierInput.WarehouseCodesAsync(db, id, ct), now));
    }
}
