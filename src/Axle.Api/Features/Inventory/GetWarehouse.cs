using Axle.Api.Platform.Data;
using Axle.Api.Platform.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Axle.Api.Features.Inventory;

/// <summary><c>GET /api/v1/warehouses/{id}</c>.</summary>
internal static class GetWarehouse
{
    public static async Task<Results<Ok<WarehouseResponse>, NotModifiedResult, ProblemHttpResult>> Handle(
        long id, HttpContext http, AppDbContext db, CancellationToken ct)
    {
        if (await db.Set<Warehouse>().AsNoTracking().FirstOrDefaultAsync(w => w.Id == id, ct) is not { } warehouse)
        {
            return Problems.NotFound("No warehouse has this id.");
        }

        if (Conditional.CheckIfNoneMatch(http, ETags.From(warehouse.Version)) is { } notModified)
        {
            return notModified;
        }

        return TypedResults.Ok(WarehouseResponse.From(warehouse));
    }
}
