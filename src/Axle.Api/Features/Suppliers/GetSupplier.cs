using Axle.Api.Platform.Data;
using Axle.Api.Platform.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Axle.Api.Features.Suppliers;

/// <summary><c>GET /api/v1/suppliers/{id}</c>, with an ETag for If-Match on patch.</summary>
internal static class GetSupplier
{
    public static async Task<Results<Ok<SupplierResponse>, NotModifiedResult, ProblemHttpResult>> Handle(
        long id, HttpContext http, AppDbContext db, TimeProvider time, CancellationToken ct)
    {
        if (await db.Set<Supplier>().AsNoTracking().FirstOrDefaultAsync(s => s.Id == id, ct) is not { } supplier)
        {
            return Problems.NotFound("No supplier has this id.");
        }

        var etag = ETags.From(supplier.Version);
        if (Conditional.CheckIfNoneMatch(http, etag) is { } notModified)
        {
            return notModified;
        }

        Conditional.SetETag(http, etag);
        var warehouses = await SupplierInput.WarehouseCodesAsync(db, id, ct);
        return TypedResults.Ok(SupplierResponse.From(supplier, warehouses, time.GetUtcNow().UtcDateTime));
    }
}
