using Axle.Api.Platform.Data;
using Microsoft.EntityFrameworkCore;

namespace Axle.Api.Features.Catalog.Imports;

/// <summary>
/// Applies a batch of ACES applications inside the caller's transaction. The part is found by normalized part number
/// (and brand, when the header names a known one); vehicles by <c>BaseVehicleId</c> or by year + make + model (+ submodel
/// and engine when given), and a year/make/model the catalog lacks is created. A fitment is one part, one vehicle, one
/// position: adding one that exists changes nothing, so importing a file twice is harmless.
/// </summary>
internal sealed class FitmentApplier(AppDbContext db) : IBatchApplier<AcesApp>
{
    public async Task ApplyAsync(IReadOnlyList<ImportRow<AcesApp>> rows, ImportCounts counts, List<RowError> errors, CancellationToken ct)
    {
        var apps = rows.Select(r => r.Value!).ToList();
        var numbers = apps.Select(a => PartNumbers.Normalize(a.PartNumber)).Distinct().ToList();
        var parts = (await db.Set<Part>().Where(p => numbers.Contains(p.NormalizedPartNumber))
            .Select(p => new { p.Id, p.NormalizedPartNumber, p.BrandId }).ToListAsync(ct))
            .ToLookup(p => p.NormalizedPartNumber);
        var brandSlugs = apps.Select(a => a.Brand).OfType<string>().Select(Slugs.From).Distinct().ToList();
        var brands = await db.Set<Brand>().Where(b => brandSlugs.Contains(b.Slug)).ToDictionaryAsync(b => b.Slug, b => b.Id, ct);

        var baseIds = apps.Select(a => a.BaseVehicleId).OfType<int>().Distinct().ToList();
        var byBase = (await db.Set<Vehicle>().Where(v => v.BaseVehicleId != null && baseIds.Contains(v.BaseVehicleId.Value)).ToListAsync(ct))
            .ToLookup(v => v.BaseVehicleId!.Value);
        var makeKeys = apps.Where(a => a.BaseVehicleId is null).Select(a => Vehicle.Key(a.Make!)).Distinct().ToList();
        var modelKeys = apps.Where(a => a.BaseVehicleId is null).Select(a => Vehicle.Key(a.Model!)).Distinct().ToList();
        var byName = (await db.Set<Vehicle>().Where(v => makeKeys.Contains(v.MakeKey) && modelKeys.Contains(v.ModelKey)).ToListAsync(ct))
            .GroupBy(v => (v.MakeKey, v.ModelKey, v.Year)).ToDictionary(g => g.Key, g => g.ToList());

        // Phase 1: resolve every row, creating missing vehicles; a row that cannot resolve writes nothing.
        var plans = new List<(AcesApp App, long PartId, List<Vehicle> Vehicles)>();
        foreach (var row in rows)
        {
            var app = row.Value!;
            var candidates = parts[PartNumbers.Normalize(app.PartNumber)].ToList();
            if (app.Brand is { } brand && brands.TryGetValue(Slugs.From(brand), out var brandId))
            {
                candidates = candidates.Where(p => p.BrandId == brandId).ToList();
            }

            if (candidates.Count != 1)
            {
                errors.Add(new RowError(row.Line, "part", candidates.Count == 0
                    ? $"Unknown part number '{RawPart.Clip(app.PartNumber)}'."
                    : $"Part number '{RawPart.Clip(app.PartNumber)}' belongs to several brands; name the brand in the header (BrandOwner)."));
                counts.Rejected++;
                continue;
            }

            List<Vehicle> vehicles;
            if (app.BaseVehicleId is { } baseId)
            {
                vehicles = byBase[baseId].Where(v => Narrows(v, app)).ToList();
                if (vehicles.Count == 0)
                {
                    errors.Add(new RowError(row.Line, "baseVehicle", byBase[baseId].Any()
                        ? $"No configuration of BaseVehicle {baseId} matches the submodel/engine given."
                        : $"Unknown BaseVehicle id {baseId}."));
                    counts.Rejected++;
                    continue;
                }
            }
            else
            {
                vehicles = [];
                var make = Vehicle.Key(app.Make!);
                var model = Vehicle.Key(app.Model!);
                for (var year = app.YearFrom!.Value; year <= app.YearTo!.Value; year++)
                {
                    if (!byName.TryGetValue((make, model, year), out var configurations))
                    {
                        byName[(make, model, year)] = configurations = [];
                    }

                    var found = configurations.Where(v => Narrows(v, app)).ToList();
                    if (found.Count == 0 && !app.Delete)
                    {
                        var created = new Vehicle(year, app.Make!, app.Model!, app.Submodel, app.Engine, null);
                        db.Add(created);
                        configurations.Add(created);
                        found.Add(created);
                    }

                    vehicles.AddRange(found);
                }
            }

            plans.Add((app, candidates[0].Id, vehicles));
        }

        await db.SaveChangesAsync(ct);

        // Phase 2: one set-based statement for the deletes and one for the adds (FitmentBulkSql). A fitment is one
        // part + vehicle + position; within the batch the last row naming it decides (as if applied in file order),
        // and a row that repeats what an earlier row already asked for changes nothing.
        var final = new Dictionary<FitmentKey, (bool Delete, FitmentRow Row, int Owner)>();
        for (var i = 0; i < plans.Count; i++)
        {
            var (app, partId, vehicles) = plans[i];
            foreach (var vehicle in vehicles)
            {
                var key = FitmentKey.Of(partId, vehicle.Id, app.Position);
                if (!final.TryGetValue(key, out var current) || current.Delete != app.Delete)
                {
                    final[key] = (app.Delete, new FitmentRow(key, app.Position, app.Quantity, app.Notes), i);
                }
            }
        }

        var deleted = await FitmentBulkSql.DeleteAsync(db, [.. final.Where(f => f.Value.Delete).Select(f => f.Key)], ct);
        // In the order of the (VehicleId, PartId) index: neighbouring rows land on the same index pages.
        var added = await FitmentBulkSql.InsertAsync(db,
            [.. final.Values.Where(f => !f.Delete).Select(f => f.Row).OrderBy(r => r.Key.VehicleId).ThenBy(r => r.Key.PartId)], ct);
        var changedBy = final.Where(f => f.Value.Delete ? deleted.Contains(f.Key) : added.Contains(f.Key))
            .Select(f => f.Value.Owner).ToHashSet();
        for (var i = 0; i < plans.Count; i++)
        {
            if (!changedBy.Contains(i))
            {
                counts.Unchanged++;
            }
            else if (plans[i].App.Delete)
            {
                counts.Deleted++;
            }
            else
            {
                counts.Inserted++;
            }
        }
    }

    private static bool Narrows(Vehicle vehicle, AcesApp app) =>
        (app.Submodel is null || Vehicle.Key(vehicle.Submodel ?? "") == Vehicle.Key(app.Submodel))
        && (app.Engine is null || Vehicle.Key(vehicle.Engine ?? "") == Vehicle.Key(app.Engine));
}
