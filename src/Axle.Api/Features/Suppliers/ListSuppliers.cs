using Axle.Api.Features.Inventory;
using Axle.Api.Platform.Data;
using Axle.Api.Platform.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace Axle.Api.Features.Suppliers;

/// <summary><c>GET /api/v1/suppliers</c>: by id, cursor-paginated.</summary>
internal static class ListSuppliers
{
    public const string CursorPurpose = "suppliers";

    public sealed record Query(
        [FromQuery(Name = "active")] bool? Active,
        [FromQuery(Name = "limit")] string? Limit,
        [FromQuery(Name = "cursor")] string? Cursor);

    public static async Task<Results<Ok<Page<SupplierResponse>>, ProblemHttpResult>> Handle(
        [AsParameters] Query query, HttpContext http, AppDbContext db, CursorCodec cursors, TimeProvider time, CancellationToken ct)
    {
        var fingerprint = Pagination.Fingerprint("id asc", ("active", query.Active?.ToString()));
        if (!cursors.TryOpen<long>(CursorPurpose, fingerprint, query.Limit, query.Cursor, out var page, out var problem))
        {
            return problem;
        }

        var suppliers = db.Set<Supplier>().AsNoTracking();
        if (query.Active is { } active)
        {
            suppliers = suppliers.Where(s => s.Active == active);
        }

        if (page.After is { } after)
        {
            suppliers = suppliers.Where(s => s.Id > after);
        }

        var rows = await suppliers.OrderBy(s => s.Id).ToPageAsync(page, s => s.Id, ct);
        var ids = rows.Items.Select(s => s.Id).ToList();
        var warehouses = (await db.Set<SupplierWarehouse>().AsNoTracking().Where(sw => ids.Contains(sw.SupplierId))
                .Join(db.Set<Warehouse>(), sw => sw.WarehouseId, w => w.Id, (sw, w) => new { sw.SupplierId, w.Code })
                .ToListAsync(ct))
            .ToLookup(x => x.SupplierId, x => x.Code);
        var now = time.GetUtcNow().UtcDateTime;
        return http.PageResult(rows.Select(s => SupplierResponse.From(s, [.. warehouses[s.Id].Order()], now)));
    }
}
