using System.Globalization;
using System.Linq.Expressions;
using Axle.Api.Features.Vehicles;
using Axle.Api.Platform.Data;
using Axle.Api.Platform.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace Axle.Api.Features.Catalog;

/// <summary>
/// <c>GET /api/v1/parts</c>: parts filtered by vehicle (make/model/year/engine or VIN), text, part number, category,
/// brand, stock and price; keyset-paginated per sort with the id as tie-breaker.
/// </summary>
internal static class SearchParts
{
    public const string CursorPurpose = "parts";
    private const int MinYear = 1900;
    private const int MaxFilterLength = 100;

    /// <param name="Make">Vehicle make, e.g. <c>Toyota</c> (case and punctuation ignored).</param>
    /// <param name="Model">Vehicle model, e.g. <c>Camry</c>.</param>
    /// <param name="Year">Model year, 1900 to next year.</param>
    /// <param name="Engine">Engine as listed by the vehicle endpoints, e.g. <c>2.5L I4</c>.</param>
    /// <param name="Vin">A 17-character VIN; decoded and matched to the catalog's vehicles.</param>
    /// <param name="Q">Full-text search over part number, name, brand and description (all words, prefix match).</param>
    /// <param name="PartNumber">Exact part number, ignoring case and punctuation; also interchange and superseded numbers.</param>
    /// <param name="Category">Category slug or name; a parent category includes its children.</param>
    /// <param name="Brand">Brand slug or name.</param>
    /// <param name="InStock"><c>true</c>: only parts with stock available.</param>
    /// <param name="MinPrice">Lowest price, a decimal amount (e.g. <c>19.99</c>).</param>
    /// <param name="MaxPrice">Highest price, a decimal amount.</param>
    /// <param name="Sort"><c>relevance</c> (default with q or partNumber), <c>name</c> (default otherwise), <c>price</c>, <c>-price</c>, <c>newest</c>.</param>
    /// <param name="Limit">Page size, default 25, at most 100.</param>
    /// <param name="Cursor">The <c>nextCursor</c> of the previous page.</param>
    public sealed record Query(
        [FromQuery(Name = "make")] string? Make,
        [FromQuery(Name = "model")] string? Model,
        [FromQuery(Name = "year")] string? Year,
        [FromQuery(Name = "engine")] string? Engine,
        [FromQuery(Name = "vin")] string? Vin,
        [FromQuery(Name = "q")] string? Q,
        [FromQuery(Name = "partNumber")] string? PartNumber,
        [FromQuery(Name = "category")] string? Category,
        [FromQuery(Name = "brand")] string? Brand,
        [FromQuery(Name = "inStock")] string? InStock,
        [FromQuery(Name = "minPrice")] string? MinPrice,
        [FromQuery(Name = "maxPrice")] string? MaxPrice,
        [FromQuery(Name = "sort")] string? Sort,
        [FromQuery(Name = "limit")] string? Limit,
        [FromQuery(Name = "cursor")] string? Cursor);

    public sealed record Money(decimal Amount, string Currency);

    public sealed record Item(
        long Id, string Sku, string PartNumber, string Brand, string Name, string Category, Money Price,
        int AvailableQuantity, string? ImageUrl, string? FitmentNote);

    /// <summary>Keyset position: the sort value (number, text or time, by sort) and the id.</summary>
    public readonly record struct Seek(long Number, string? Text, DateTime? At, long Id);

    internal enum SortOrder
    {
        Relevance,
        Name,
        Price,
        PriceDescending,
        Newest,
    }

    // A class with settable members (not a positional record) so EF Core can filter and sort after projecting into it.
    internal sealed class Row
    {
        public long Id { get; init; }
        public string Sku { get; init; } = "";
        public string PartNumber { get; init; } = "";
        public string Brand { get; init; } = "";
        public string Category { get; init; } = "";
        public string Name { get; init; } = "";
        public long PriceMinor { get; init; }
        public string Currency { get; init; } = "";
        public DateTime CreatedAt { get; init; }
        public long Version { get; init; }
        public int Score { get; init; }
        public string? ImageUrl { get; init; }
    }

    private sealed record Filters(
        string? MakeKey, string? ModelKey, int? Year, string? Engine, DecodedVin? Vin, IReadOnlyList<string> Terms, string? Q,
        string? PartNumber, string? CategorySlug, string? BrandSlug, bool InStock, long? MinPriceMinor, long? MaxPriceMinor,
        SortOrder Sort)
    {
        public bool ByVehicle => MakeKey is not null || ModelKey is not null || Year is not null || Engine is not null || Vin is not null;

        /// <summary>
        /// Exactly a make, model and year in a sort that <c>vehicle_parts</c> carries: the search walks that table's
        /// index for the vehicle in sort order and stops after a page (see <see cref="VehiclePart"/>).
        /// </summary>
        public bool ByVehicleKey => MakeKey is not null && ModelKey is not null && Year is not null && Engine is null && Vin is null
            && Sort != SortOrder.Relevance;
    }

    public static async Task<Results<Ok<Page<Item>>, NotModifiedResult, ValidationProblem, ProblemHttpResult>> Handle(
        [AsParameters] Query query, HttpContext http, AppDbContext db, CursorCodec cursors, TimeProvider time, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        var filters = Validate(query, time.GetUtcNow().Year + 1, errors);
        if (filters is null)
        {
            return Problems.Validation(errors);
        }

        var fingerprint = Pagination.Fingerprint(
            filters.Sort.ToString(),
            ("make", filters.MakeKey), ("model", filters.ModelKey), ("year", filters.Year?.ToString(CultureInfo.InvariantCulture)),
            ("engine", filters.Engine), ("vin", filters.Vin?.Vin), ("q", filters.Q?.ToLowerInvariant()),
            ("partNumber", filters.PartNumber), ("category", filters.CategorySlug), ("brand", filters.BrandSlug),
            ("inStock", filters.InStock ? "true" : null),
            ("minPrice", filters.MinPriceMinor?.ToString(CultureInfo.InvariantCulture)),
            ("maxPrice", filters.MaxPriceMinor?.ToString(CultureInfo.InvariantCulture)));
        if (!cursors.TryOpen<Seek>(CursorPurpose, fingerprint, query.Limit, query.Cursor, out var page, out var problem))
        {
            return problem;
        }

        http.Response.Headers.CacheControl = CatalogCache.CacheControl;

        var vehicleIds = filters.ByVehicle ? VehicleIds(db, filters) : null;
        var keyed = filters.ByVehicleKey;
        var parts = await FilterAsync(db, filters, keyed ? null : vehicleIds, ct);
        Page<Row> rows = parts is null
            ? new Page<Row>([], null)
            : await Order(keyed ? ProjectByVehicleKey(db, parts, filters) : Project(parts, filters), filters.Sort, page.After)
                .ToPageAsync(page, r => KeyOf(r, filters.Sort), ct);

        var ids = rows.Items.Select(r => r.Id).ToList();
        var available = await CatalogStock.AvailableAsync(db, ids, ct);
        CatalogCache.TagParts(http, ids);
        if (filters.InStock)
        {
            CatalogCache.TagStockFiltered(http);
        }

        var notes = vehicleIds is null ? null : await FitmentNotesAsync(db, ids, vehicleIds, ct);

        using (var hasher = new ETagHasher())
        {
            foreach (var row in rows.Items)
            {
                hasher.Add(row.Id).Add(row.Version).Add(available.GetValueOrDefault(row.Id));
            }

            // The next cursor itself is freshly encrypted and time-stamped on every request, so hashing its text would
            // make every ETag unique. What it encodes is the last row (hashed above), this query, and that more follow.
            hasher.Add(fingerprint).Add(rows.NextCursor is null ? "end" : "more");
            if (Conditional.CheckIfNoneMatch(http, hasher.ToETag()) is { } notModified)
            {
                return notModified;
            }
        }

        return http.PageResult(rows.Select(r => new Item(
            r.Id, r.Sku, r.PartNumber, r.Brand, r.Name, r.Category, new Money(Prices.ToAmount(r.PriceMinor), r.Currency),
            available.GetValueOrDefault(r.Id), r.ImageUrl, notes?.GetValueOrDefault(r.Id))));
    }

    private static Filters? Validate(Query query, int maxYear, Dictionary<string, string[]> errors)
    {
        int? year = null;
        if (!string.IsNullOrWhiteSpace(query.Year))
        {
            if (int.TryParse(query.Year.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var y) && y >= MinYear && y <= maxYear)
            {
                year = y;
            }
            else
            {
                errors["year"] = [$"year must be a whole number from {MinYear} to {maxYear}."];
            }
        }

        DecodedVin? vin = null;
        if (!string.IsNullOrWhiteSpace(query.Vin))
        {
            var decoded = VinDecoder.Decode(query.Vin);
            if (decoded.IsValid)
            {
                vin = decoded.Vehicle;
            }
            else
            {
                errors["vin"] = [.. decoded.Errors.Select(e => $"{e.Code}: {e.Message}")];
            }
        }

        var minPrice = ParsePrice(query.MinPrice, "minPrice", ceiling: true, errors);
        var maxPrice = ParsePrice(query.MaxPrice, "maxPrice", ceiling: false, errors);
        if (minPrice is not null && maxPrice is not null && minPrice > maxPrice)
        {
            errors["maxPrice"] = ["maxPrice must not be below minPrice."];
        }

        bool inStock = false;
        if (!string.IsNullOrEmpty(query.InStock) && !bool.TryParse(query.InStock, out inStock))
        {
            errors["inStock"] = ["inStock must be true or false."];
        }

        var q = Clean(query.Q, "q", errors);
        IReadOnlyList<string> terms = [];
        if (q is not null)
        {
            terms = PartSearchSql.Terms(q);
            if (terms.Count == 0)
            {
                errors["q"] = ["q must contain at least one letter or digit."];
            }
        }

        string? partNumber = null;
        if (Clean(query.PartNumber, "partNumber", errors) is { } rawNumber)
        {
            partNumber = PartNumbers.Normalize(rawNumber);
            if (partNumber.Length == 0)
            {
                errors["partNumber"] = ["partNumber must contain at least one letter or digit."];
            }
        }

        var make = Key(Clean(query.Make, "make", errors));
        var model = Key(Clean(query.Model, "model", errors));
        var engine = Clean(query.Engine, "engine", errors)?.ToLowerInvariant();
        var category = Slug(Clean(query.Category, "category", errors));
        var brand = Slug(Clean(query.Brand, "brand", errors));

        var ranked = q is not null || partNumber is not null;
        SortOrder? sort = query.Sort?.Trim() switch
        {
            null or "" => ranked ? SortOrder.Relevance : SortOrder.Name,
            "relevance" => ranked ? SortOrder.Relevance : SortOrder.Name,
            "name" => SortOrder.Name,
            "price" => SortOrder.Price,
            "-price" => SortOrder.PriceDescending,
            "newest" => SortOrder.Newest,
            _ => null,
        };
        if (sort is null)
        {
            errors["sort"] = ["sort must be one of relevance, name, price, -price, newest."];
        }

        return errors.Count > 0
            ? null
            : new Filters(make, model, year, engine, vin, terms, q, partNumber, category, brand, inStock, minPrice, maxPrice, sort!.Value);
    }

    private static string? Clean(string? value, string field, Dictionary<string, string[]> errors)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        var trimmed = value.Trim();
        if (trimmed.Length > MaxFilterLength)
        {
            errors[field] = [$"{field} must be at most {MaxFilterLength} characters."];
            return null;
        }

        return trimmed;
    }

    // An empty key ("---") can never match a real make or category; it filters to nothing rather than being ignored.
    private static string? Key(string? value) => value is null ? null : Vehicle.Key(value);

    private static string? Slug(string? value) => value is null ? null : Slugs.From(value);

    private static long? ParsePrice(string? raw, string field, bool ceiling, Dictionary<string, string[]> errors)
    {
        if (string.IsNullOrWhiteSpace(raw))
        {
            return null;
        }

        if (!decimal.TryParse(raw.Trim(), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var amount)
            || amount > Prices.MaxAmount)
        {
            errors[field] = [$"{field} must be a non-negative decimal amount such as 19.99."];
            return null;
        }

        // Compared in minor units: a minimum rounds up and a maximum down, so 19.999 never admits a 19.99 part.
        var minor = amount * Prices.MinorPerMajor;
        return (long)(ceiling ? decimal.Ceiling(minor) : decimal.Floor(minor));
    }

    /// <summary>
    /// The vehicles searched for, as a subquery: the (MakeKey, ModelKey, Year) index narrows vehicles, then the
    /// (VehicleId, PartId) index yields their parts. Kept in SQL rather than read into a list, so a broad filter (a make
    /// alone) never turns into thousands of parameters.
    /// </summary>
    private static IQueryable<int> VehicleIds(AppDbContext db, Filters filters)
    {
        var vehicles = db.Set<Vehicle>().AsNoTracking();
        if (filters.MakeKey is { } make)
        {
            vehicles = vehicles.Where(v => v.MakeKey == make);
        }

        if (filters.ModelKey is { } model)
        {
            vehicles = vehicles.Where(v => v.ModelKey == model);
        }

        if (filters.Year is { } year)
        {
            vehicles = vehicles.Where(v => v.Year == year);
        }

        if (filters.Engine is { } engine)
        {
            vehicles = vehicles.Where(v => v.Engine != null && v.Engine.ToLower() == engine);
        }

        if (filters.Vin is { } vin)
        {
            var prefix = vin.Vin[..8];
            var modelYear = vin.ModelYear;
            var known = db.Set<VinPattern>().Where(p => p.Prefix == prefix && p.Year == modelYear).Select(p => p.VehicleId);
            vehicles = vehicles.Where(v => known.Contains(v.Id));
        }

        return vehicles.Select(v => v.Id);
    }

    /// <summary>The filtered parts, or null when a filter already proves the result empty.</summary>
    private static async Task<IQueryable<Part>?> FilterAsync(
        AppDbContext db, Filters filters, IQueryable<int>? vehicleIds, CancellationToken ct)
    {
        var parts = db.Set<Part>().AsNoTracking();
        if (vehicleIds is not null)
        {
            var fitting = db.Set<Fitment>().Where(f => vehicleIds.Contains(f.VehicleId)).Select(f => f.PartId);
            parts = parts.Where(p => fitting.Contains(p.Id));
        }

        if (filters.Terms.Count > 0)
        {
            var matching = db.Database.IsNpgsql()
                ? db.Database.SqlQueryRaw<long>(PartSearchSql.PostgresMatchingIds, PartSearchSql.ToTsQuery(filters.Terms))
                : db.Database.SqlQueryRaw<long>(PartSearchSql.SqliteMatchingIds, PartSearchSql.ToFts5Query(filters.Terms));
            // PostgreSQL forgives typos: when no part has every word ("brak pads"), parts whose words are each similar
            // by trigrams are the result instead. SQLite has no similarity index; there the strict match stands.
            if (db.Database.IsNpgsql() && filters.Terms.All(t => t.Length >= PartSearchSql.MinFuzzyTermLength)
                && !await matching.AnyAsync(ct))
            {
                matching = db.Database.SqlQueryRaw<long>(
                    PartSearchSql.PostgresSimilarIds(filters.Terms.Count), [.. filters.Terms.Cast<object>()]);
            }

            parts = parts.Where(p => matching.Contains(p.Id));
        }

        if (filters.PartNumber is { } number)
        {
            var interchanged = db.Set<Interchange>().Where(i => i.NormalizedNumber == number).Select(i => i.PartId);
            var superseding = db.Set<Supersession>().Where(s => s.NormalizedOldNumber == number).Select(s => s.NewPartId);
            parts = parts.Where(p => p.NormalizedPartNumber == number || interchanged.Contains(p.Id) || superseding.Contains(p.Id));
        }

        if (filters.CategorySlug is { } slug)
        {
            var categoryIds = await CategoryWithDescendantsAsync(db, slug, ct);
            if (categoryIds.Count == 0)
            {
                return null;
            }

            parts = parts.Where(p => categoryIds.Contains(p.CategoryId));
        }

        if (filters.BrandSlug is { } brand)
        {
            parts = parts.Where(p => p.Brand!.Slug == brand);
        }

        if (filters.MinPriceMinor is { } min)
        {
            parts = parts.Where(p => p.PriceMinor >= min);
        }

        if (filters.MaxPriceMinor is { } max)
        {
            parts = parts.Where(p => p.PriceMinor <= max);
        }

        if (filters.InStock)
        {
            parts = CatalogStock.WhereInStock(db, parts);
        }

        return parts;
    }

    private static async Task<List<int>> CategoryWithDescendantsAsync(AppDbContext db, string slug, CancellationToken ct)
    {
        // The category tree is small (hundreds of rows): read it once and walk it here rather than with a recursive CTE.
        var all = await db.Set<Category>().AsNoTracking().Select(c => new { c.Id, c.ParentId, c.Slug }).ToListAsync(ct);
        var result = all.Where(c => c.Slug == slug).Select(c => c.Id).ToList();
        var children = all.Where(c => c.ParentId is not null).ToLookup(c => c.ParentId!.Value, c => c.Id);
        for (var i = 0; i < result.Count; i++)
        {
            result.AddRange(children[result[i]].Where(id => !result.Contains(id)));
        }

        return result;
    }

    private static IQueryable<Row> Project(IQueryable<Part> parts, Filters filters)
    {
        // Relevance is a fixed tier score, not bm25/ts_rank: those move when other rows are inserted (corpus statistics),
        // which would let a keyset cursor skip or repeat rows. Tiers depend on the row alone, so pages stay stable.
        var number = filters.PartNumber ?? "";
        var hasNumber = filters.PartNumber is not null;
        var qNumber = filters.Q is null ? "" : PartNumbers.Normalize(filters.Q);
        var hasQ = filters.Q is not null;
        var phrase = (filters.Q ?? "").ToLowerInvariant();
        var firstTerm = filters.Terms.Count > 0 ? filters.Terms[0] : "";
        return parts.Select(p => new Row
        {
            Id = p.Id,
            Sku = p.Sku,
            PartNumber = p.PartNumber,
            Brand = p.Brand!.Name,
            Category = p.Category!.Name,
            Name = p.Name,
            PriceMinor = p.PriceMinor,
            Currency = p.Currency,
            CreatedAt = p.CreatedAt,
            Version = p.Version,
            ImageUrl = p.Images.OrderBy(i => i.SortOrder).ThenBy(i => i.Id).Select(i => i.Url).FirstOrDefault(),
            Score = (hasNumber && p.NormalizedPartNumber == number ? 40 : 0)
                + (hasQ && p.NormalizedPartNumber == qNumber ? 20 : 0)
                + (hasQ && p.Name.ToLower().Contains(phrase) ? 8 : 0)
                + (hasQ && p.Name.ToLower().Contains(firstTerm) ? 4 : 0)
                + (hasQ && p.Brand!.Name.ToLower().Contains(firstTerm) ? 2 : 0),
        });
    }

    /// <summary>
    /// The parts fitting one (make, model, year), with the sort keys read from <c>vehicle_parts</c>, so that ordering and
    /// seeking happen on that table's per-vehicle index and the parts are joined only for the page's rows.
    /// </summary>
    private static IQueryable<Row> ProjectByVehicleKey(AppDbContext db, IQueryable<Part> parts, Filters filters)
    {
        var make = filters.MakeKey!;
        var model = filters.ModelKey!;
        var year = filters.Year!.Value;
        return db.Set<VehiclePart>().AsNoTracking()
            .Where(vp => vp.MakeKey == make && vp.ModelKey == model && vp.Year == year)
            .Join(parts, vp => vp.PartId, p => p.Id, (vp, p) => new Row
            {
                Id = vp.PartId,
                Sku = p.Sku,
                PartNumber = p.PartNumber,
                Brand = p.Brand!.Name,
                Category = p.Category!.Name,
                Name = vp.Name,
                PriceMinor = vp.PriceMinor,
                Currency = p.Currency,
                CreatedAt = vp.CreatedAt,
                Version = p.Version,
                ImageUrl = p.Images.OrderBy(i => i.SortOrder).ThenBy(i => i.Id).Select(i => i.Url).FirstOrDefault(),
            });
    }

    private static IQueryable<Row> Order(IQueryable<Row> rows, SortOrder sort, Seek? after)
    {
        if (after is { } a)
        {
            // Each seek is "at or past the sort value, and past the cursor's row": the first conjunct is a plain range on
            // the sort column that an index can start from, the second the exact keyset condition.
            rows = rows.Where(sort switch
            {
                SortOrder.Relevance => (Expression<Func<Row, bool>>)(r => r.Score < a.Number || (r.Score == a.Number && r.Id > a.Id)),
                SortOrder.Price => r => r.PriceMinor >= a.Number && (r.PriceMinor > a.Number || r.Id > a.Id),
                SortOrder.PriceDescending => r => r.PriceMinor <= a.Number && (r.PriceMinor < a.Number || r.Id < a.Id),
                SortOrder.Newest => r => r.CreatedAt <= a.At && (r.CreatedAt < a.At || r.Id < a.Id),
                _ => r => string.Compare(r.Name, a.Text) >= 0 && (string.Compare(r.Name, a.Text) > 0 || r.Id > a.Id),
            });
        }

        return sort switch
        {
            SortOrder.Relevance => rows.OrderByDescending(r => r.Score).ThenBy(r => r.Id),
            SortOrder.Price => rows.OrderBy(r => r.PriceMinor).ThenBy(r => r.Id),
            SortOrder.PriceDescending => rows.OrderByDescending(r => r.PriceMinor).ThenByDescending(r => r.Id),
            SortOrder.Newest => rows.OrderByDescending(r => r.CreatedAt).ThenByDescending(r => r.Id),
            _ => rows.OrderBy(r => r.Name).ThenBy(r => r.Id),
        };
    }

    private static Seek KeyOf(Row row, SortOrder sort) => sort switch
    {
        SortOrder.Relevance => new Seek(row.Score, null, null, row.Id),
        SortOrder.Price or SortOrder.PriceDescending => new Seek(row.PriceMinor, null, null, row.Id),
        SortOrder.Newest => new Seek(0, null, row.CreatedAt, row.Id),
        _ => new Seek(0, row.Name, null, row.Id),
    };

    /// <summary>Position and qualifiers of each part's first fitment among the vehicles searched for.</summary>
    private static async Task<Dictionary<long, string?>> FitmentNotesAsync(
        AppDbContext db, List<long> partIds, IQueryable<int> vehicleIds, CancellationToken ct)
    {
        if (partIds.Count == 0)
        {
            return [];
        }

        var fitments = await db.Set<Fitment>().AsNoTracking()
            .Where(f => partIds.Contains(f.PartId) && vehicleIds.Contains(f.VehicleId))
            .OrderBy(f => f.Id)
            .Select(f => new { f.PartId, f.Position, f.Notes })
            .ToListAsync(ct);
        return fitments.GroupBy(f => f.PartId).ToDictionary(g => g.Key, g => Note(g.First().Position, g.First().Notes));
    }

    internal static string? Note(string? position, string? notes)
    {
        if (string.IsNullOrWhiteSpace(notes))
        {
            return string.IsNullOrWhiteSpace(position) ? null : position;
        }

        return string.IsNullOrWhiteSpace(position) || notes.StartsWith(position, StringComparison.OrdinalIgnoreCase)
            ? notes
            : $"{position}; {notes}";
    }
}

/// <summary>Prices are stored in minor units; the API speaks decimal amounts.</summary>
internal static class Prices
{
    public const int MinorPerMajor = 100;

    /// <summary>Far above any part price, and small enough that minor units fit a long.</summary>
    public const decimal MaxAmount = 1_000_000_000m;

    public static decimal ToAmount(long minor) => minor / (decimal)MinorPerMajor;
}
