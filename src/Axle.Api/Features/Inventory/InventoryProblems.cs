using Axle.Api.Features.Catalog;
using Axle.Api.Platform.Data;
using Axle.Api.Platform.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Axle.Api.Features.Inventory;

/// <summary>The inventory's expected failures, each with a stable code.</summary>
internal static class InventoryProblems
{
    public static ProblemHttpResult InsufficientStock(IReadOnlyList<SkuShortage> shortages) =>
        Problems.Conflict("insufficient_stock", "Insufficient stock",
            string.Join(" ", shortages.Select(s => $"Only {s.Available} of {s.Sku} available ({s.Requested} requested).")),
            new Dictionary<string, object?>
            {
                ["skus"] = shortages.Select(s => s.Sku).ToArray(),
                ["shortages"] = shortages.Select(s => new { s.Sku, s.Requested, s.Available }).ToArray(),
            });

    /// <summary>An on-hand decrease that the level cannot take: it would go below zero or below what is reserved.</summary>
    public static ProblemHttpResult InsufficientStock(string sku, int requested, int available) =>
        InsufficientStock([new SkuShortage(0, sku, requested, available)]);

    public static ProblemHttpResult UnknownSku(string sku) => Problems.NotFound($"No part has the SKU '{Clip(sku)}'.");

    public static ProblemHttpResult WarehouseInactive(string code) =>
        Problems.Conflict("warehouse_inactive", "Warehouse inactive", $"Warehouse {code} is inactive; activate it first.");

    private static string Clip(string text) => text.Length <= 64 ? text : text[..64] + "…";
}

/// <summary>Small reads the inventory handlers share.</summary>
internal static class InventoryLookups
{
    public sealed record PartRef(long Id, string Sku);

    public sealed record WarehouseRef(long Id, string Code, bool Active);

    public static Task<PartRef?> PartAsync(AppDbContext db, string sku, CancellationToken ct) =>
        db.Set<Part>().AsNoTracking().Where(p => p.Sku == sku).Select(p => new PartRef(p.Id, p.Sku)).FirstOrDefaultAsync(ct);

    public static Task<WarehouseRef?> WarehouseAsync(AppDbContext db, long id, CancellationToken ct) =>
        db.Set<Warehouse>().AsNoTracking().Where(w => w.Id == id).Select(w => new WarehouseRef(w.Id, w.Code, w.Active))
            .FirstOrDefaultAsync(ct);

    public sealed record Resolved(PartRef? Part, IReadOnlyList<WarehouseRef?> Warehouses, Dictionary<string, string[]> Errors);

    /// <summary>Looks up a request's SKU and warehouse ids; each one that does not exist becomes a field error.</summary>
    public static async Task<Resolved> ResolveAsync(
        AppDbContext db, string sku, IReadOnlyList<(string Field, long Id)> warehouses, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        var part = await PartAsync(db, sku, ct);
        if (part is null)
        {
            errors["sku"] = ["No part has this SKU."];
        }

        var found = new List<WarehouseRef?>();
        foreach (var (field, id) in warehouses)
        {
            var warehouse = await WarehouseAsync(db, id, ct);
            if (warehouse is null)
            {
                errors[field] = ["No warehouse has this id."];
            }

            found.Add(warehouse);
        }

        return new Resolved(part, found, errors);
    }

    /// <summary>Available units of a level now (0 when it does not exist), for the detail of a 409.</summary>
    public static Task<int> AvailableAsync(AppDbContext db, long partId, long warehouseId, CancellationToken ct) =>
        db.Set<StockLevel>().Where(l => l.PartId == partId && l.WarehouseId == warehouseId)
            .Select(l => l.OnHand - l.Reserved).FirstOrDefaultAsync(ct);
}

/// <summary>One stock level as the API shows it.</summary>
public sealed record StockLevelResponse(
    string Sku, long PartId, long WarehouseId, string WarehouseCode, int OnHand, int Reserved, int Available,
    int ReorderPoint, int ReorderQuantity)
{
    internal static StockLevelResponse From(LevelChange l) =>
        new(l.Sku, l.PartId, l.WarehouseId, l.WarehouseCode, l.OnHand, l.Reserved, l.Available, l.ReorderPoint, l.ReorderQuantity);
}
