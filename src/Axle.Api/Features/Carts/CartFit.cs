using Axle.Api.Features.Catalog;
using Axle.Api.Features.Vehicles;
using Axle.Api.Platform.Data;
using Microsoft.EntityFrameworkCore;

namespace Axle.Api.Features.Carts;

/// <summary>
/// Checks parts against the cart's vehicle through the catalog's fitments. The vehicle is resolved to catalog vehicle
/// configurations on every read (the catalog changes): by VIN through the known VIN patterns (positions 1-8 + model year),
/// else by year/make/model (and engine when given) on the vehicles' lookup keys.
/// </summary>
internal static class CartFit
{
    /// <summary>
    /// The catalog vehicles the cart's vehicle is, or null when it cannot be identified (a VIN the catalog has no pattern
    /// for and no year/make/model to fall back on).
    /// </summary>
    public static async Task<IQueryable<int>?> VehicleIdsAsync(AppDbContext db, CartVehicle vehicle, CancellationToken ct)
    {
        if (vehicle.Vin is { } vin && VinDecoder.Decode(vin).Vehicle is { } decoded)
        {
            var prefix = decoded.Vin[..8];
            var year = decoded.ModelYear;
            var known = db.Set<VinPattern>().Where(p => p.Prefix == prefix && p.Year == year).Select(p => p.VehicleId);
            if (await known.AnyAsync(ct))
            {
                return known;
            }
        }

        if (vehicle is { Year: { } y, Make: { } make, Model: { } model })
        {
            var makeKey = Vehicle.Key(make);
            var modelKey = Vehicle.Key(model);
            var vehicles = db.Set<Vehicle>().Where(v => v.MakeKey == makeKey && v.ModelKey == modelKey && v.Year == y);
            if (vehicle.Engine is { } engine)
            {
                var lower = engine.ToLowerInvariant();
                vehicles = vehicles.Where(v => v.Engine != null && v.Engine.ToLower() == lower);
            }

            return vehicles.Select(v => v.Id);
        }

        return null;
    }

    /// <summary>yes / no / unknown per part id (every id asked for is in the result).</summary>
    public static async Task<IReadOnlyDictionary<long, string>> CheckAsync(
        AppDbContext db, IQueryable<int>? vehicleIds, IReadOnlyCollection<long> partIds, CancellationToken ct)
    {
        var result = partIds.Distinct().ToDictionary(id => id, _ => Fits.Unknown);
        if (vehicleIds is null || result.Count == 0)
        {
            return result;
        }

        var ids = result.Keys.ToList();
        var withFitments = await db.Set<Fitment>().AsNoTracking().Where(f => ids.Contains(f.PartId))
            .Select(f => f.PartId).Distinct().ToListAsync(ct);
        var fitting = await db.Set<Fitment>().AsNoTracking()
            .Where(f => ids.Contains(f.PartId) && vehicleIds.Contains(f.VehicleId))
            .Select(f => f.PartId).Distinct().ToListAsync(ct);
        foreach (var id in withFitments)
        {
            result[id] = fitting.Contains(id) ? Fits.Yes : Fits.No;
        }

        return result;
    }
}
