using System.ComponentModel.DataAnnotations;
using Axle.Api.Platform.Data;
using Axle.Api.Platform.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Axle.Api.Features.Inventory;

/// <summary><c>GET /api/v1/inventory/{sku}</c>: the SKU's levels per warehouse and their totals.</summary>
internal static class GetStock
{
    /// <summary>
    /// Warehouses one answer lists at most (by code); <c>warehouseCount</c> says how many hold a level of the SKU, the totals
    /// cover all of them, and <c>GET /api/v1/inventory?warehouseId=</c> pages through any warehouse's levels.
    /// </summary>
    public const int MaxWarehouses = 100;

    public sealed record WarehouseStock(
        long WarehouseId, string WarehouseCode, bool Active, int OnHand, int Reserved, int Available, int ReorderPoint,
        int ReorderQuantity);

    public sealed record Totals(int OnHand, int Reserved, int Available);

    /// <param name="Warehouses">The SKU's level in each warehouse, by warehouse code, at most 100.</param>
    /// <param name="WarehouseCount">Warehouses holding a level of the SKU; more than listed when over 100.</param>
    /// <param name="Totals">Sums over every warehouse, listed or not.</param>
    public sealed record Response(
        string Sku, long PartId, [property: MaxLength(MaxWarehouses)] IReadOnlyList<WarehouseStock> Warehouses, int WarehouseCount,
        Totals Totals);

    public static async Task<Results<Ok<Response>, NotModifiedResult, ProblemHttpResult>> Handle(
        string sku, HttpContext http, AppDbContext db, CancellationToken ct)
    {
        if (await InventoryLookups.PartAsync(db, sku, ct) is not { } part)
        {
            return InventoryProblems.UnknownSku(sku);
        }

        var levels = await db.Set<StockLevel>().AsNoTracking()
            .Where(l => l.PartId == part.Id)
            .OrderBy(l => l.Warehouse!.Code)
            .Select(l => new
            {
                l.Id,
                l.Version,
                Stock = new WarehouseStock(l.WarehouseId, l.Warehouse!.Code, l.Warehouse.Active, l.OnHand, l.Reserved,
                    l.OnHand - l.Reserved, l.ReorderPoint, l.ReorderQuantity),
                WarehouseVersion = l.Warehouse.Version,
            })
            .ToListAsync(ct);

        using (var hasher = new ETagHasher())
        {
            hasher.Add(part.Id);
            foreach (var level in levels)
            {
                hasher.Add(level.Id).Add(level.Version).Add(level.WarehouseVersion);
            }

            if (Conditional.CheckIfNoneMatch(http, hasher.ToETag()) is { } notModified)
            {
                return notModified;
            }
        }

        var stock = levels.Select(l => l.Stock).ToList();
        return TypedResults.Ok(new Response(part.Sku, part.Id, [.. stock.Take(MaxWarehouses)], stock.Count,
            new Totals(stock.Sum(s => s.OnHand), stock.Sum(s => s.Reserved), stock.Sum(s => s.Available))));
    }
}
