using System.ComponentModel.DataAnnotations;
using Axle.Api.Features.Catalog;
using Axle.Api.Platform.Data;
using Axle.Api.Platform.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Axle.Api.Features.Vehicles;

public sealed record NamedItem(string Name);

public sealed record YearItem(int Year);

/// <param name="Items">At most 1000, in the list's order.</param>
/// <param name="Truncated">True when the catalog holds more than 1000 and the rest were left off.</param>
public sealed record ItemList<T>([property: MaxLength(VehicleLists.MaxItems)] IReadOnlyList<T> Items, bool Truncated);

/// <summary>
/// The year/make/model pickers. Lookups use the normalized keys, so "mercedes benz" finds "Mercedes-Benz"; unknown
/// values give empty lists, missing required parameters 400. Lists are short and complete, so they are not paginated:
/// a picker with more than <see cref="MaxItems"/> entries (no real make, model or year has that many) lists the first
/// ones and says it is truncated.
/// </summary>
internal static class VehicleLists
{
    public const int MaxItems = 1000;

    public static async Task<Results<Ok<ItemList<NamedItem>>, NotModifiedResult, ValidationProblem>> Makes(
        HttpContext http, AppDbContext db, CancellationToken ct)
    {
        var names = await db.Set<Vehicle>().AsNoTracking()
            .GroupBy(v => v.MakeKey).Select(g => g.Min(v => v.Make)!).ToListAsync(ct);
        return Respond(http, Named(names));
    }

    public static async Task<Results<Ok<ItemList<NamedItem>>, NotModifiedResult, ValidationProblem>> Models(
        string? make, HttpContext http, AppDbContext db, CancellationToken ct)
    {
        if (Missing(("make", make)) is { } invalid)
        {
            return invalid;
        }

        var makeKey = Vehicle.Key(make!);
        var names = await db.Set<Vehicle>().AsNoTracking().Where(v => v.MakeKey == makeKey)
            .GroupBy(v => v.ModelKey).Select(g => g.Min(v => v.Model)!).ToListAsync(ct);
        return Respond(http, Named(names));
    }

    public static async Task<Results<Ok<ItemList<YearItem>>, NotModifiedResult, ValidationProblem>> Years(
        string? make, string? model, HttpContext http, AppDbContext db, CancellationToken ct)
    {
        if (Missing(("make", make), ("model", model)) is { } invalid)
        {
            return invalid;
        }

        var (makeKey, modelKey) = (Vehicle.Key(make!), Vehicle.Key(model!));
        var years = await db.Set<Vehicle>().AsNoTracking().Where(v => v.MakeKey == makeKey && v.ModelKey == modelKey)
            .Select(v => v.Year).Distinct().ToListAsync(ct);
        var items = years.OrderDescending().Select(y => new YearItem(y)).ToList();
        using var hasher = new ETagHasher();
        foreach (var item in items.Take(MaxItems))
        {
            hasher.Add(item.Year);
        }

        return Respond(http, new ItemList<YearItem>([.. items.Take(MaxItems)], items.Count > MaxItems), hasher.ToETag());
    }

    public static async Task<Results<Ok<ItemList<NamedItem>>, NotModifiedResult, ValidationProblem>> Submodels(
        string? make, string? model, int? year, HttpContext http, AppDbContext db, CancellationToken ct)
    {
        if (Missing(("make", make), ("model", model), ("year", year?.ToString(System.Globalization.CultureInfo.InvariantCulture))) is { } invalid)
        {
            return invalid;
        }

        var names = await Configurations(db, make!, model!, year!.Value)
            .Where(v => v.Submodel != null).Select(v => v.Submodel!).Distinct().ToListAsync(ct);
        return Respond(http, Named(names));
    }

    public static async Task<Results<Ok<ItemList<NamedItem>>, NotModifiedResult, ValidationProblem>> Engines(
        string? make, string? model, int? year, string? submodel, HttpContext http, AppDbContext db, CancellationToken ct)
    {
        if (Missing(("make", make), ("model", model), ("year", year?.ToString(System.Globalization.CultureInfo.InvariantCulture))) is { } invalid)
        {
            return invalid;
        }

        var query = Configurations(db, make!, model!, year!.Value).Where(v => v.Engine != null);
        if (!string.IsNullOrWhiteSpace(submodel))
        {
            var trimmed = submodel.Trim();
            query = query.Where(v => v.Submodel == trimmed);
        }

        var names = await query.Select(v => v.Engine!).Distinct().ToListAsync(ct);
        return Respond(http, Named(names));
    }

    private static IQueryable<Vehicle> Configurations(AppDbContext db, string make, string model, int year)
    {
        var (makeKey, modelKey) = (Vehicle.Key(make), Vehicle.Key(model));
        return db.Set<Vehicle>().AsNoTracking().Where(v => v.MakeKey == makeKey && v.ModelKey == modelKey && v.Year == year);
    }

    private static ItemList<NamedItem> Named(IEnumerable<string> names)
    {
        var distinct = names.Distinct(StringComparer.OrdinalIgnoreCase).Order(StringComparer.OrdinalIgnoreCase).ToList();
        return new([.. distinct.Take(MaxItems).Select(n => new NamedItem(n))], distinct.Count > MaxItems);
    }

    private static Results<Ok<ItemList<NamedItem>>, NotModifiedResult, ValidationProblem> Respond(HttpContext http, ItemList<NamedItem> list)
    {
        using var hasher = new ETagHasher();
        foreach (var item in list.Items)
        {
            hasher.Add(item.Name);
        }

        hasher.Add(list.Truncated ? 1 : 0);

        return Respond(http, list, hasher.ToETag());
    }

    private static Results<Ok<T>, NotModifiedResult, ValidationProblem> Respond<T>(HttpContext http, T body, string etag)
    {
        http.Response.Headers.CacheControl = $"public, max-age={VehicleEndpoints.MaxAgeSeconds}";
        if (Conditional.CheckIfNoneMatch(http, etag) is { } notModified)
        {
            return notModified;
        }

        return TypedResults.Ok(body);
    }

    private static ValidationProblem? Missing(params (string Name, string? Value)[] parameters)
    {
        var missing = parameters.Where(p => string.IsNullOrWhiteSpace(p.Value) || Vehicle.Key(p.Value).Length == 0).ToList();
        return missing.Count == 0
            ? null
            : Problems.Validation(missing.ToDictionary(p => p.Name, p => new[] { $"The query parameter '{p.Name}' is required." }));
    }
}
