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
        if (db.Database.IsNpgsql())
        {
            // A large batch's statements cross jit_above_cost, and compiling them costs more than it saves.
            await db.Database.ExecuteSqlRawAsync(FitmentBulkSql.PostgresNoJit, ct);
        }

        var apps = rows.Select(r => r.Value!).ToList();
        var numbers = apps.Select(a => PartNumbers.Normalize(a.PartNumber)).Distinct().ToList();
        var parts = (await db.Set<Part>().Where(p => numbers.Contains(p.NormalizedPartNumber))
            .Select(p => new { p.Id, p.NormalizedPartNumber, p.BrandId }).ToListAsync(ct))
            .ToLookup(p => p.NormalizedPartNumber);
        var brandSlugs = apps.Select(a => a.Brand).OfType<string>().Select(Slugs.From).Distinct().ToList();
        var brands = await db.Set<Brand>().Where(b => brandSlugs.Contains(b.Slug)).ToDictionaryAsync(b => b.Slug, b => b.Id, ct);

        // Lookups read untracked projections with their match keys computed once: tracking thousands of vehicles per
        // batch cost more server CPU than the rest of the batch (measured with dotnet-trace, bench `import`).
        var baseIds = apps.Select(a => a.BaseVehicleId).OfType<int>().Distinct().ToList();
        var byBase = (await db.Set<Vehicle>().AsNoTracking()
            .Where(v => v.BaseVehicleId != null && baseIds.Contains(v.BaseVehicleId.Value))
            .Select(v => new { v.Id, BaseVehicleId = v.BaseVehicleId!.Value, v.Submodel, v.Engine }).ToListAsync(ct))
            .ToLookup(v => v.BaseVehicleId, v => VehicleMatch.Of(v.Id, v.Submodel, v.Engine));
        var named = apps.Where(a => a.BaseVehicleId is null)
            .SelectMany(a => Enumerable.Range(a.YearFrom!.Value, a.YearTo!.Value - a.YearFrom!.Value + 1)
                .Select(year => (Make: Vehicle.Key(a.Make!), Model: Vehicle.Key(a.Model!), Year: year)))
            .Distinct().ToList();
        var byName = (await NamedVehiclesAsync(named, ct))
            .GroupBy(v => (v.MakeKey, v.ModelKey, v.Year))
            .ToDictionary(g => g.Key, g => g.Select(v => VehicleMatch.Of(v.Id, v.Submodel, v.Engine)).ToList());

        // Phase 1: resolve every row, creating missing vehicles; a row that cannot resolve writes nothing.
        var plans = new List<(AcesApp App, long PartId, List<VehicleMatch> Vehicles)>();
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

            var submodel = app.Submodel is null ? null : Vehicle.Key(app.Submodel);
            var engine = app.Engine is null ? null : Vehicle.Key(app.Engine);
            List<VehicleMatch> vehicles;
            if (app.BaseVehicleId is { } baseId)
            {
                var configurations = byBase[baseId];
                vehicles = [.. configurations.Where(v => v.Narrows(submodel, engine))];
                if (vehicles.Count == 0)
                {
                    errors.Add(new RowError(row.Line, "baseVehicle", configurations.Any()
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

                    var found = configurations.Where(v => v.Narrows(submodel, engine)).ToList();
                    if (found.Count == 0 && !app.Delete)
                    {
                        var created = new Vehicle(year, app.Make!, app.Model!, app.Submodel, app.Engine, null);
                        db.Add(created);
                        var match = VehicleMatch.Of(created);
                        configurations.Add(match);
                        found.Add(match);
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

    private sealed record NamedVehicle(int Id, string MakeKey, string ModelKey, int Year, string? Submodel, string? Engine);

    /// <summary>
    /// The configurations of exactly these make/model/years. PostgreSQL matches the triples (unnest); "make in (...) and
    /// model in (...)" returned about half the bench catalog for every batch. SQLite keeps the simple filter.
    /// </summary>
    private async Task<List<NamedVehicle>> NamedVehiclesAsync(List<(string Make, string Model, int Year)> keys, CancellationToken ct)
    {
        if (keys.Count == 0)
        {
            return [];
        }

        if (!db.Database.IsNpgsql())
        {
            var makes = keys.Select(k => k.Make).Distinct().ToList();
            var models = keys.Select(k => k.Model).Distinct().ToList();
            var wanted = keys.ToHashSet();
            return [.. (await db.Set<Vehicle>().AsNoTracking()
                    .Where(v => makes.Contains(v.MakeKey) && models.Contains(v.ModelKey))
                    .Select(v => new NamedVehicle(v.Id, v.MakeKey, v.ModelKey, v.Year, v.Submodel, v.Engine)).ToListAsync(ct))
                .Where(v => wanted.Contains((v.MakeKey, v.ModelKey, v.Year)))];
        }

        return await RawSql.QueryAsync(db, FitmentBulkSql.PostgresNamedVehicles,
            reader => new NamedVehicle(reader.GetInt32(0), reader.GetString(1), reader.GetString(2), reader.GetInt32(3),
                reader.IsDBNull(4) ? null : reader.GetString(4), reader.IsDBNull(5) ? null : reader.GetString(5)),
            ct,
            ("makes", keys.Select(k => k.Make).ToArray()),
            ("models", keys.Select(k => k.Model).ToArray()),
            ("years", keys.Select(k => k.Year).ToArray()));
    }

    /// <summary>
    /// A vehicle configuration as the resolver needs it: its id (read after the save for one the batch creates) and the
    /// keys a row's submodel and engine must equal when the row names them.
    /// </summary>
    private sealed class VehicleMatch
    {
        private readonly Vehicle? _created;
        private readonly int _id;

        private VehicleMatch(int id, Vehicle? created, string? submodel, string? engine)
        {
            _id = id;
            _created = created;
            SubmodelKey = Vehicle.Key(submodel ?? "");
            EngineKey = Vehicle.Key(engine ?? "");
        }

        public int Id => _created?.Id ?? _id;
        public string SubmodelKey { get; }
        public string EngineKey { get; }

        public static VehicleMatch Of(int id, string? submodel, string? engine) => new(id, null, submodel, engine);

        public static VehicleMatch Of(Vehicle created) => new(0, created, created.Submodel, created.Engine);

        public bool Narrows(string? submodelKey, string? engineKey) =>
            (submodelKey is null || SubmodelKey == submodelKey) && (engineKey is null || EngineKey == engineKey);
    }
}
