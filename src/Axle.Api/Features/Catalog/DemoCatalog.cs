using System.Globalization;
using Axle.Api.Features.Vehicles;
using Axle.Api.Platform.Data;
using Axle.Api.Platform.Hosting;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using static Axle.Api.Features.Catalog.DemoCatalogData;

namespace Axle.Api.Features.Catalog;

/// <summary>
/// Loads the demo catalog on first start when <c>Seed:Demo</c> is on and the catalog is empty: 60+ models of 29 makes
/// over model years 2000-2025, about 3,000 parts with fitments, interchange numbers, supersessions, images and documents.
/// Generated deterministically (fixed seed), so every install shows the same data. Part numbers are fictitious.
/// </summary>
internal sealed partial class DemoCatalog(IOptions<SeedOptions> seed, TimeProvider time, ILogger<DemoCatalog> logger) : IStartupTask
{
    // Engine-specific part types exist once per engine of a generation; the others once per generation.
    private static readonly HashSet<string> EngineSpecific =
    [
        "Oil Filters", "Air Filters", "Spark Plugs", "Ignition Coils", "Serpentine Belts", "Gaskets", "Water Pumps",
        "Thermostats", "Alternators", "Starters",
    ];

    public async Task RunAsync(IServiceProvider services, CancellationToken ct)
    {
        if (seed.Value.Demo != true)
        {
            return;
        }

        var db = services.GetRequiredService<AppDbContext>();
        if (await db.Set<Part>().AnyAsync(ct))
        {
            return;
        }

        var started = time.GetTimestamp();
        var counts = await LoadAsync(db, time.GetUtcNow().UtcDateTime, ct);
        LogLoaded(logger, counts.Parts, counts.Vehicles, counts.Fitments, (int)time.GetElapsedTime(started).TotalMilliseconds);
    }

    internal sealed record Counts(int Parts, int Vehicles, int Fitments);

    internal static async Task<Counts> LoadAsync(AppDbContext db, DateTime now, CancellationToken ct)
    {
        var random = new Random(20261123);
        db.ChangeTracker.AutoDetectChangesEnabled = false;
        await using var transaction = await db.Database.BeginTransactionAsync(ct);

        // Brands and the two-level category tree.
        var brands = PartTypes.SelectMany(t => t.Brands).Distinct().ToDictionary(n => n, n => new Brand(n));
        db.AddRange(brands.Values);
        var parents = PartTypes.Select(t => t.Parent).Distinct().ToDictionary(n => n, n => new Category(n, null));
        db.AddRange(parents.Values);
        await db.SaveChangesAsync(ct);
        var categories = PartTypes.Select(t => (t.Category, t.Parent)).Distinct()
            .ToDictionary(c => c.Category, c => new Category(c.Category, parents[c.Parent].Id));
        db.AddRange(categories.Values);

        // Vehicles: one per model year and engine of every generation.
        var vehicles = new List<(Model Model, Generation Generation, Vehicle Vehicle)>();
        var baseVehicleId = 100_000;
        foreach (var model in Models)
        {
            foreach (var generation in model.Generations)
            {
                for (var year = generation.From; year <= generation.To; year++)
                {
                    foreach (var engine in generation.Engines)
                    {
                        var vehicle = new Vehicle(year, model.Make, model.Name, model.Submodel, engine, baseVehicleId++);
                        vehicles.Add((model, generation, vehicle));
                        db.Add(vehicle);
                    }
                }
            }
        }

        await db.SaveChangesAsync(ct);

        // Parts per generation (and per engine where the part depends on it), each fitted to those vehicles.
        var fitted = new List<(Part Part, PartType Type, List<Vehicle> Vehicles, string Make)>();
        var sequence = 0;
        foreach (var group in vehicles.GroupBy(v => (v.Model, v.Generation)))
        {
            var (model, generation) = group.Key;
            var electric = generation.Engines.All(e => e == "Electric");
            foreach (var type in PartTypes)
            {
                if ((type.CombustionOnly && electric) || (!type.Always && random.NextDouble() > 0.45))
                {
                    continue;
                }

                var engineGroups = EngineSpecific.Contains(type.Category)
                    ? group.GroupBy(v => v.Vehicle.Engine ?? "").Select(g => (Engine: g.Key, Vehicles: g.Select(x => x.Vehicle).ToList()))
                    : [(Engine: "", Vehicles: group.Select(x => x.Vehicle).ToList())];
                foreach (var (engine, fits) in engineGroups)
                {
                    var brandName = type.Brands[random.Next(type.Brands.Length)];
                    var part = NewPart(++sequence, type, brands[brandName], categories[type.Category], model, generation, engine, random, now);
                    db.Add(part);
                    fitted.Add((part, type, fits, model.Make));
                }
            }
        }

        await db.SaveChangesAsync(ct);

        var fitmentCount = 0;
        foreach (var (part, type, fits, make) in fitted)
        {
            foreach (var vehicle in fits)
            {
                db.Add(new Fitment(part.Id, vehicle.Id, type.Position, type.Quantity,
                    type.Position is null ? null : $"{type.Position}; {vehicle.Engine}"));
                fitmentCount++;
            }

            db.Add(new Interchange(part.Id, OemNumber(make, random), make, InterchangeKind.Oem));
            var other = type.Brands[random.Next(type.Brands.Length)];
            db.Add(new Interchange(part.Id, $"{Prefix(other)}{random.Next(10_000, 99_999)}", other, InterchangeKind.Aftermarket));
            if (part.Id % 15 == 0)
            {
                db.Add(new Supersession($"{Prefix(part.Brand!.Name)}-{random.Next(1000, 9999)}X", null, part.Id,
                    now.Date.AddDays(-random.Next(30, 900)), "Replaced by an updated design."));
            }
        }

        // VIN patterns for the makes the WMI table knows, so the VIN decoder can name model and engine.
        foreach (var (model, generation, vehicle) in vehicles)
        {
            if (VinPrefix(model, vehicle) is { } prefix)
            {
                db.Add(new VinPattern(prefix, vehicle.Year, vehicle.Id));
            }
        }

        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        db.ChangeTracker.Clear();
        db.ChangeTracker.AutoDetectChangesEnabled = true;
        return new Counts(fitted.Count, vehicles.Count, fitmentCount);
    }

    private static Part NewPart(
        int sequence, PartType type, Brand brand, Category category, Model model, Generation generation, string engine,
        Random random, DateTime now)
    {
        var number = $"{Prefix(brand.Name)}-{1000 + (sequence * 7 % 9000)}";
        var sku = $"AX-{sequence:D6}";
        var fitsText = $"{generation.From}-{generation.To} {model.Make} {model.Name}" + (engine.Length > 0 ? $" {engine}" : "");
        var name = $"{brand.Name} {type.Noun}" + (type.Position is null ? "" : $", {type.Position}");
        var price = type.BasePriceMinor + (random.Next(-20, 40) * 50);
        var part = new Part(sku, number, brand.Id, category.Id, name, price, "USD", now.AddMinutes(-sequence));
        part.Describe(
            $"{name} for {fitsText}. Direct-fit replacement; sold {(type.Quantity > 1 ? $"as {type.Quantity} per vehicle" : "individually")}.",
            type.Core ? 2500 + random.Next(0, 6) * 500 : 0,
            type.Hazmat,
            200 + random.Next(0, 8000),
            100 + random.Next(0, 500),
            50 + random.Next(0, 300),
            20 + random.Next(0, 200));
        part.AddAttribute("Warranty", (1 + random.Next(0, 3)).ToString(CultureInfo.InvariantCulture), AttributeType.Number, "years");
        if (type.Position is not null)
        {
            part.AddAttribute("Position", type.Position);
        }

        if (type.Category == "Brake Pads")
        {
            part.AddAttribute("Friction Material", random.Next(0, 2) == 0 ? "Ceramic" : "Semi-Metallic");
            part.AddAttribute("Hardware Included", random.Next(0, 2) == 0 ? "true" : "false", AttributeType.Boolean);
        }
        else if (type.Category == "Spark Plugs")
        {
            part.AddAttribute("Gap", (0.028 + random.Next(0, 4) * 0.004).ToString("0.000", CultureInfo.InvariantCulture), AttributeType.Number, "in");
        }

        part.AddImage($"https://img.axle.example/parts/{sku}-1.jpg", name, 0);
        part.AddImage($"https://img.axle.example/parts/{sku}-2.jpg", name + " (installed)", 1);
        if (type.Core || type.Parent is "Suspension" or "Electrical" || random.Next(0, 3) == 0)
        {
            part.AddDocument($"https://docs.axle.example/parts/{sku}/installation.pdf", $"{type.Noun} installation guide",
                DocumentType.InstallationManual, 150_000 + random.Next(0, 2_000_000));
        }

        if (random.Next(0, 2) == 0)
        {
            part.AddDocument($"https://docs.axle.example/parts/{sku}/spec-sheet.pdf", $"{name} specification sheet",
                DocumentType.SpecSheet, 40_000 + random.Next(0, 300_000));
        }

        return part;
    }

    private static string Prefix(string brand) =>
        new string(brand.Where(char.IsAsciiLetter).Take(2).ToArray()).ToUpperInvariant();

    private static string OemNumber(string make, Random random) => make switch
    {
        "Toyota" or "Lexus" => $"{random.Next(10_000, 99_999)}-{random.Next(10_000, 99_999)}",
        "Honda" or "Acura" => $"{random.Next(10_000, 99_999)}-{Letters(random, 3)}-{random.Next(100, 999)}",
        "Ford" or "Lincoln" => $"{Letters(random, 2)}{random.Next(1, 9)}Z-{random.Next(1000, 9999)}-{Letters(random, 1)}",
        _ => random.Next(10_000_000, 99_999_999).ToString(CultureInfo.InvariantCulture),
    };

    private static string Letters(Random random, int count) =>
        new(Enumerable.Range(0, count).Select(_ => "ABCDEFGHJKLMNPRSTUVWXYZ"[random.Next(23)]).ToArray());

    /// <summary>
    /// A synthetic but well-formed VIN prefix (positions 1-8) for a vehicle: the make's WMI, then four characters from
    /// the model and engine, and a position 7 that is a letter from 2010 on and a digit before, as the year rule expects.
    /// </summary>
    internal static string? VinPrefix(Model model, Vehicle vehicle)
    {
        if (WmiTable.FirstWmiOf(model.Make) is not { } wmi)
        {
            return null;
        }

        const string allowed = "ABCDEFGHJKLMNPRSTUVWXYZ0123456789";
        var hash = (uint)StableHash(model.Name + "|" + vehicle.Engine);
        var chars = new char[5];
        for (var i = 0; i < 5; i++)
        {
            chars[i] = allowed[(int)(hash % (uint)allowed.Length)];
            hash /= (uint)allowed.Length;
        }

        // Position 7 is the fourth of these five characters.
        chars[3] = vehicle.Year >= 2010 ? "ABCDEFGHJKLMNPRSTUVWXYZ"[(int)(hash % 23)] : (char)('0' + (int)(hash % 10));
        return wmi + new string(chars);
    }

    private static int StableHash(string value)
    {
        unchecked
        {
            var hash = (int)2166136261;
            foreach (var c in value)
            {
                hash = (hash ^ c) * 16777619;
            }

            return hash & int.MaxValue;
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Demo catalog loaded: {Parts} parts, {Vehicles} vehicles, {Fitments} fitments in {Milliseconds} ms")]
    private static partial void LogLoaded(ILogger logger, int parts, int vehicles, int fitments, int milliseconds);
}
