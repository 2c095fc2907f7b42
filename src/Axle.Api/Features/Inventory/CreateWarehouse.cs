using System.ComponentModel.DataAnnotations;
using Axle.Api.Features.Audit;
using Axle.Api.Platform.Data;
using Axle.Api.Platform.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Axle.Api.Features.Inventory;

/// <summary><c>POST /api/v1/warehouses</c>.</summary>
internal static class CreateWarehouse
{
    public sealed record Request(
        [property: Required, RegularExpression("^[A-Z0-9][A-Z0-9-]{1,15}$",
            ErrorMessage = "The code is 2-16 upper-case letters, digits and '-', starting with a letter or digit.")] string? Code,
        [property: Required, StringLength(Warehouse.NameMaxLength, MinimumLength = 1)] string? Name,
        [property: Required] AddressInput? Address,
        bool? Active);

    public static async Task<Results<Created<WarehouseResponse>, ValidationProblem, ProblemHttpResult>> Handle(
        Request request, HttpContext http, AppDbContext db, AuditTrail audit, TimeProvider time, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(request.Name))
        {
            return Problems.Validation("name", "A name is required.");
        }

        var code = request.Code!;
        if (await db.Set<Warehouse>().AnyAsync(w => w.Code == code, ct))
        {
            return CodeTaken(code);
        }

        var warehouse = new Warehouse(code, request.Name.Trim(), request.Address!.ToAddress(), request.Active ?? true,
            time.GetUtcNow().UtcDateTime);
        db.Add(warehouse);
        try
        {
            await db.SaveChangesAsync(ct);
            audit.Record(db, "inventory.warehouse_created", $"warehouse/{warehouse.Id}", details: new { warehouse.Code });
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException e) when (DbErrors.IsUniqueViolation(e))
        {
            return CodeTaken(code);
        }

        Conditional.SetETag(http, ETags.From(warehouse.Version));
        return TypedResults.Created($"/api/v1/warehouses/{warehouse.Id}", WarehouseResponse.From(warehouse));
    }

    private static ProblemHttpResult CodeTaken(string code) =>
        Problems.Conflict("warehouse_code_taken", "Warehouse code taken", $"Another warehouse already has the code {code}.");
}
