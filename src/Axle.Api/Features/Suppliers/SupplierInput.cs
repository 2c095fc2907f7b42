using System.Net;
using System.Text.Json;
using Axle.Api.Features.Inventory;
using Axle.Api.Features.Suppliers.Mapping;
using Axle.Api.Platform.Data;
using Axle.Api.Platform.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Axle.Api.Features.Suppliers;

/// <summary>Checks shared by create and patch: the mapping, the IP allow-list and the warehouses a supplier claims.</summary>
internal static class SupplierInput
{
    public const int MaxNetworks = 50;

    public static void CheckMapping(SupplierMapping? mapping, Dictionary<string, string[]> errors)
    {
        if (mapping is null)
        {
            return;
        }

        foreach (var (field, messages) in mapping.Validate())
        {
            errors["mapping." + field] = messages;
        }
    }

    public static string? SerializeMapping(SupplierMapping? mapping) =>
        mapping is null ? null : JsonSerializer.Serialize(mapping, SupplierResponse.Json);

    /// <summary>The allow-list as stored (comma-separated), or an error; an empty list means "any address".</summary>
    public static string? CheckNetworks(IReadOnlyList<string>? networks, Dictionary<string, string[]> errors)
    {
        if (networks is null || networks.Count == 0)
        {
            return null;
        }

        if (networks.Count > MaxNetworks)
        {
            errors["ipAllowList"] = [$"At most {MaxNetworks} entries."];
            return null;
        }

        var bad = networks.Where(n => !IPNetwork.TryParse(n, out _) && !IPAddress.TryParse(n, out _)).ToList();
        if (bad.Count > 0)
        {
            errors["ipAllowList"] = [$"Not an IP address or CIDR network: {string.Join(", ", bad.Take(5))}."];
            return null;
        }

        return string.Join(',', networks.Select(n => n.Trim()));
    }

    /// <summary>
    /// The warehouse ids for <paramref name="codes"/>: each must exist (400) and not belong to another supplier (409).
    /// </summary>
    public static async Task<(List<long>? Ids, ProblemHttpResult? Conflict)> ResolveWarehousesAsync(
        AppDbContext db, long? supplierId, IReadOnlyList<string> codes, Dictionary<string, string[]> errors, CancellationToken ct)
    {
        var wanted = codes.Select(c => c.Trim().ToUpperInvariant()).Distinct().ToList();
        var found = await db.Set<Warehouse>().AsNoTracking().Where(w => wanted.Contains(w.Code))
            .Select(w => new { w.Id, w.Code }).ToListAsync(ct);
        var missing = wanted.Except(found.Select(f => f.Code)).ToList();
        if (missing.Count > 0)
        {
            errors["warehouses"] = [$"No warehouse has the code: {string.Join(", ", missing.Take(10))}."];
            return (null, null);
        }

        var ids = found.Select(f => f.Id).ToList();
        var owned = await db.Set<SupplierWarehouse>().AsNoTracking()
            .Where(sw => ids.Contains(sw.WarehouseId) && sw.SupplierId != supplierId)
            .Select(sw => sw.WarehouseId).ToListAsync(ct);
        if (owned.Count > 0)
        {
            var taken = found.Where(f => owned.Contains(f.Id)).Select(f => f.Code);
            return (null, Problems.Conflict("warehouse_owned", "Warehouse owned by another supplier",
                $"These warehouses already belong to another supplier: {string.Join(", ", taken)}."));
        }

        return (ids, null);
    }

    public static Task<List<string>> WarehouseCodesAsync(AppDbContext db, long supplierId, CancellationToken ct) =>
        db.Set<SupplierWarehouse>().AsNoTracking().Where(sw => sw.SupplierId == supplierId)
            .Join(db.Set<Warehouse>(), sw => sw.WarehouseId, w => w.Id, (sw, w) => w.Code)
            .OrderBy(c => c).ToListAsync(ct);
}
