using Axle.Api.Features.Audit;
using Axle.Api.Platform.Data;
using Axle.Api.Platform.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Axle.Api.Features.Suppliers;

/// <summary>
/// <c>DELETE /api/v1/suppliers/{id}</c> (If-Match): removes the supplier with its part list, snapshot, runs and event ids.
/// Its warehouses, their stock and ledger stay (they become warehouses Axle manages itself); pushes still in the inbox are
/// dropped unapplied. To pause a supplier instead, PATCH <c>active: false</c>.
/// </summary>
internal static class DeleteSupplier
{
    public static async Task<Results<NoContent, ProblemHttpResult>> Handle(
        long id, HttpContext http, AppDbContext db, AuditTrail audit, CancellationToken ct)
    {
        if (await db.Set<Supplier>().FirstOrDefaultAsync(s => s.Id == id, ct) is not { } supplier)
        {
            return Problems.NotFound("No supplier has this id.");
        }

        if (Conditional.RequireIfMatch(http, ETags.From(supplier.Version)) is { } failure)
        {
            return failure;
        }

        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        await db.Set<SupplierEvent>().Where(e => e.SupplierId == id).ExecuteDeleteAsync(ct);
        db.Remove(supplier);
        audit.Record(db, "suppliers.deleted", $"supplier/{supplier.Id}", details: new { supplier.Code });
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

        return TypedResults.NoContent();
    }
}
