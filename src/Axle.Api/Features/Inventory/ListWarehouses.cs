using Axle.Api.Platform.Data;
using Axle.Api.Platform.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace Axle.Api.Features.Inventory;

/// <summary><c>GET /api/v1/warehouses</c>: by id, optionally only active or inactive ones.</summary>
internal static class ListWarehouses
{
    public const string CursorPurpose = "warehouses";

    public sealed record Query(
        [FromQuery(Name = "active")] bool? Active,
        [FromQuery(Name = "limit")] string? Limit,
        [FromQuery(Name = "cursor")] string? Cursor);

    public static async Task<Results<Ok<Page<WarehouseResponse>>, ProblemHttpResult>> Handle(
        [AsParameters] Query query, HttpContext http, AppDbContext db, CursorCodec cursors, CancellationToken ct)
    {
        var fingerprint = Pagination.Fingerprint("id asc", ("active", query.Active?.ToString()));
        if (!cursors.TryOpen<long>(CursorPurpose, fingerprint, query.Limit, query.Cursor, out var page, out var problem))
        {
            return problem;
        }

        var warehouses = db.Set<Warehouse>().AsNoTracking();
        if (query.Active is { } active)
        {
            warehouses = warehouses.Where(w => w.Active == active);
        }

        if (page.After is { } after)
        {
            warehouses = warehouses.Where(w => w.Id > after);
        }

        var rows = await warehouses.OrderBy(w => w.Id).ToPageAsync(page, w => w.Id, ct);
        return http.PageResult(rows.Select(WarehouseResponse.From));
    }
}
