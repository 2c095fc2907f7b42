using System.Globalization;
using Axle.Api.Features.Catalog;

namespace Axle.Bench.Generate;

internal sealed record BrandRow(int Id, string Name, string Slug);

internal sealed record CategoryRow(int Id, string Name, string Slug, int? ParentId);

internal sealed record VehicleRow(int Id, int Year, string Make, string Model, string? Submodel, string? Engine, int BaseVehicleId, string MakeKey, string ModelKey);

internal sealed record PartRow(
    long Id, string Sku, string PartNumber, string NormalizedPartNumber, int BrandId, int CategoryId, string Name,
    string Description, long PriceMinor, long CoreChargeMinor, bool Hazmat, int WeightGrams, int LengthMm, int WidthMm,
    int HeightMm, DateTime CreatedAt);

internal readonly record struct FitmentRow(long Id, long PartId, int VehicleId, string? Position, int Quantity);

internal sealed record InterchangeRow(long Id, long PartId, string Number, string NormalizedNumber, string BrandName, string Kind);

/// <summary>
/// Deterministic synthetic rows: the same settings and seed give the same catalog on either provider. Rows are
/// computed from their index (no per-part state is kept), so a ten-million-row fitment table streams in constant memory.
/// </summary>
internal sealed class SyntheticCatalog
{
    // A fixed clock keeps runs reproducible; only the order of CreatedAt matters to the API.
    private static readonly DateTime Epoch = new(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc);

    private readonly GenerateSettings _settings;
    private readonly (string Make, string Model)[] _models = CatalogShape.Models.ToArray();
    private readonly Dictionary<string, int> _categoryIds = [];
    private readonly string[] _brandPrefixes = CatalogShape.Brands.Select(CatalogShape.Prefix).ToArray();

    public SyntheticCatalog(GenerateSettings settings)
    {
        _settings = settings;
        Brands = CatalogShape.Brands.Select((name, i) => new BrandRow(i + 1, name, Slugs.From(name))).ToList();
        var categories = new List<CategoryRow>();
        foreach (var parent in CatalogShape.PartTypes.Select(t => t.Parent).Distinct())
        {
            categories.Add(new CategoryRow(categories.Count + 1, parent, Slugs.From(parent), null));
            _categoryIds[parent] = categories.Count;
        }

        foreach (var (category, parent) in CatalogShape.PartTypes.Select(t => (t.Category, t.Parent)).Distinct())
        {
            categories.Add(new CategoryRow(categories.Count + 1, category, Slugs.From(category), _categoryIds[parent]));
            _categoryIds[category] = categories.Count;
        }

        Categories = categories;
        VehicleCount = Math.Min(settings.Vehicles, CatalogShape.VehicleCapacity);
        FitmentCounts = SkewedCounts(VehicleCount, settings.Fitments, settings.Parts, settings.Seed);
    }

    public IReadOnlyList<BrandRow> Brands { get; }

    public IReadOnlyList<CategoryRow> Categories { get; }

    public int VehicleCount { get; }

    /// <summary>Fitments per vehicle (index = vehicle id - 1), already capped at the number of parts.</summary>
    public int[] FitmentCounts { get; }

    public long FitmentTotal => FitmentCounts.Sum(c => (long)c);

    /// <summary>
    /// Vehicle i is a (model, year) slot visited in a scattered order, so even a small count spans every make and
    /// model year; later rounds add engines and then submodels to slots already used.
    /// </summary>
    public IEnumerable<VehicleRow> Vehicles()
    {
        var slots = _models.Length * CatalogShape.Years;
        var stride = CoprimeStride(slots, 7919);
        for (var i = 0; i < VehicleCount; i++)
        {
            var round = i / slots;
            var slot = (int)((long)(i % slots) * stride % slots);
            var modelIndex = slot % _models.Length;
            var yearIndex = slot / _models.Length;
            var (make, model) = _models[modelIndex];
            var engine = CatalogShape.Engines[(round + modelIndex) % CatalogShape.Engines.Length];
            var submodel = CatalogShape.Submodels[round / CatalogShape.Engines.Length];
            yield return new VehicleRow(
                i + 1, CatalogShape.FirstYear + yearIndex, make, model, submodel, engine,
                100_000 + slot, Vehicle.Key(make), Vehicle.Key(model));
        }
    }

    public IEnumerable<PartRow> Parts()
    {
        var brands = Brands.Count;
        for (long id = 1; id <= _settings.Parts; id++)
        {
            var h = Hash(_settings.Seed, id);
            var type = TypeOf(id);
            var brandIndex = (int)((h >> 8) % (ulong)brands);
            var brand = Brands[brandIndex];
            var number = $"{_brandPrefixes[brandIndex]}-{100_000 + ((id * 7919) % 900_000)}";
            var name = type.Position is null ? $"{brand.Name} {type.Noun}" : $"{brand.Name} {type.Noun}, {type.Position}";
            var price = Math.Max(199, type.BasePriceMinor + ((long)((h >> 16) % 60) - 20) * 50);
            yield return new PartRow(
                id,
                "BX-" + id.ToString("D8", CultureInfo.InvariantCulture),
                number,
                PartNumbers.Normalize(number),
                brand.Id,
                _categoryIds[type.Category],
                name,
                $"{name}. Direct-fit replacement; sold {(type.Quantity > 1 ? $"as {type.Quantity} per vehicle" : "individually")}.",
                price,
                type.Core ? 2500 + (long)((h >> 24) % 6) * 500 : 0,
                type.Hazmat,
                200 + (int)((h >> 28) % 8000),
                100 + (int)((h >> 40) % 500),
                50 + (int)((h >> 44) % 300),
                20 + (int)((h >> 52) % 200),
                Epoch.AddSeconds(-id));
        }
    }

    /// <summary>
    /// Vehicle by vehicle (so the (VehicleId, PartId) index fills in order), each vehicle's parts walked with a
    /// stride coprime to the part count: distinct parts per vehicle without a set of what was used.
    /// </summary>
    public IEnumerable<FitmentRow> Fitments()
    {
        var parts = _settings.Parts;
        long id = 0;
        for (var v = 0; v < FitmentCounts.Length; v++)
        {
            var h = Hash(_settings.Seed ^ 0x5bd1e995, v);
            var start = (long)(h % (ulong)parts);
            var stride = parts == 1 ? 1 : CoprimeStride(parts, 1 + (int)((h >> 32) % (ulong)(parts - 1)));
            for (var k = 0; k < FitmentCounts[v]; k++)
            {
                var partId = ((start + (long)k * stride) % parts) + 1;
                var type = TypeOf(partId);
                yield return new FitmentRow(++id, partId, v + 1, type.Position, type.Quantity);
            }
        }
    }

    /// <summary>About 30% of parts carry an OEM number, and a third of those an aftermarket number too.</summary>
    public IEnumerable<InterchangeRow> Interchanges()
    {
        long id = 0;
        for (long partId = 1; partId <= _settings.Parts; partId++)
        {
            var h = Hash(_settings.Seed ^ 0x27d4eb2f, partId);
            if (h % 10 >= 3)
            {
                continue;
            }

            var (make, _) = _models[(int)((h >> 8) % (ulong)_models.Length)];
            var oem = $"{10_000 + (h >> 16) % 90_000}-{10_000 + (h >> 36) % 90_000}";
            yield return new InterchangeRow(++id, partId, oem, PartNumbers.Normalize(oem), make, "Oem");
            if (h % 3 == 0)
            {
                var brandIndex = (int)((h >> 20) % (ulong)Brands.Count);
                var brand = Brands[brandIndex].Name;
                var other = $"{_brandPrefixes[brandIndex]}{10_000 + (h >> 44) % 90_000}";
                yield return new InterchangeRow(++id, partId, other, PartNumbers.Normalize(other), brand, "Aftermarket");
            }
        }
    }

    private CatalogShape.PartType TypeOf(long partId) =>
        CatalogShape.PartTypes[(int)(Hash(_settings.Seed, partId) % (ulong)CatalogShape.PartTypes.Length)];

    /// <summary>
    /// Zipf-like popularity (weight 1/(rank+10)^0.8) over a seeded shuffle of vehicles: a few vehicles get thousands of
    /// parts, the long tail dozens. Each count is capped at the number of parts.
    /// </summary>
    internal static int[] SkewedCounts(int vehicles, long fitments, int parts, int seed)
    {
        var counts = new int[vehicles];
        if (vehicles == 0 || fitments == 0)
        {
            return counts;
        }

        var ranks = Enumerable.Range(0, vehicles).ToArray();
        new Random(seed).Shuffle(ranks);
        var weights = new double[vehicles];
        var total = 0.0;
        for (var r = 0; r < vehicles; r++)
        {
            weights[r] = 1.0 / Math.Pow(r + 10, 0.8);
            total += weights[r];
        }

        long assigned = 0;
        for (var r = 0; r < vehicles; r++)
        {
            var count = (int)Math.Min(parts, Math.Floor(fitments * weights[r] / total));
            counts[ranks[r]] = count;
            assigned += count;
        }

        // Hand out what rounding left over, most popular first, without passing the cap.
        for (var r = 0; assigned < fitments && r < vehicles; r++)
        {
            var room = Math.Min(parts - counts[ranks[r]], fitments - assigned);
            var extra = (int)Math.Min(room, Math.Max(1, (fitments - assigned) / Math.Max(1, vehicles - r)));
            counts[ranks[r]] += extra;
            assigned += extra;
        }

        return counts;
    }

    private static int CoprimeStride(int n, int candidate)
    {
        var s = Math.Max(1, candidate % n);
        while (Gcd(s, n) != 1)
        {
            s = s % n + 1;
        }

        return s;
    }

    private static int Gcd(int a, int b)
    {
        while (b != 0)
        {
            (a, b) = (b, a % b);
        }

        return a;
    }

    /// <summary>SplitMix64 of (seed, index): cheap, well mixed, stable across runtimes (unlike string.GetHashCode).</summary>
    internal static ulong Hash(int seed, long index)
    {
        unchecked
        {
            var z = ((ulong)seed * 0x9E3779B97F4A7C15UL) ^ ((ulong)index + 0x632BE59BD9B4E019UL);
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
            return z ^ (z >> 31);
        }
    }
}
