using System.Net;
using System.Text.Json;
using Axle.Api.Features.Catalog;
using Axle.Api.Platform.Data;
using Axle.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Axle.Tests.Catalog;

/// <summary>
/// Builds a small catalog of its own for one test, straight through <see cref="AppDbContext"/>. Every name carries a
/// fresh tag, so tests sharing a database never see each other's parts when they filter by their brand, make or text.
/// </summary>
internal sealed class CatalogSeed(AxleFactory factory)
{
    private static int _sequence;

    /// <summary>Lower-case letters and digits only: one token for the full-text tokenizers.</summary>
    public string Tag { get; } = "t" + Guid.NewGuid().ToString("N")[..10];

    public string Word(string prefix) => prefix + Tag;

    public async Task<Brand> BrandAsync(string? name = null) => await AddAsync(new Brand(name ?? "Brand " + Tag));

    public async Task<Category> CategoryAsync(string name, int? parentId = null) => await AddAsync(new Category($"{name} {Tag}", parentId));

    public async Task<Vehicle> VehicleAsync(int year, string make, string model, string? engine = "2.5L I4", string? submodel = null) =>
        await AddAsync(new Vehicle(year, make, model, submodel, engine, null));

    public async Task<Part> PartAsync(
        Brand brand, Category category, string name, long priceMinor = 1000, string? partNumber = null, string? description = null,
        DateTime? createdAt = null, Action<Part>? configure = null)
    {
        var n = Interlocked.Increment(ref _sequence);
        var part = new Part($"SKU-{Tag}-{n}", partNumber ?? $"PN-{Tag}-{n}", brand.Id, category.Id, name, priceMinor, "USD",
            createdAt ?? DateTime.UtcNow.AddSeconds(n));
        part.Describe(description, 0, false, null, null, null, null);
        configure?.Invoke(part);
        return await AddAsync(part);
    }

    /// <summary>Saves the entity and, like every catalog write, drops cached catalog responses (unless told not to).</summary>
    public async Task<T> AddAsync<T>(T entity, bool invalidateCache = true)
        where T : class
    {
        await using var scope = factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        db.Add(entity);
        await db.SaveChangesAsync(TestContext.Current.CancellationToken);
        if (invalidateCache)
        {
            await CatalogCache.InvalidateAsync(scope.ServiceProvider, TestContext.Current.CancellationToken);
        }

        return entity;
    }

    public async Task AddRangeAsync(IEnumerable<object> entities)
    {
        await using var scope = factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        db.AddRange(entities);
        await db.SaveChangesAsync(TestContext.Current.CancellationToken);
        await CatalogCache.InvalidateAsync(scope.ServiceProvider, TestContext.Current.CancellationToken);
    }

    public Task<Fitment> FitAsync(Part part, Vehicle vehicle, string? position = null, string? notes = null, int quantity = 1) =>
        AddAsync(new Fitment(part.Id, vehicle.Id, position, quantity, notes));
}

internal static class CatalogHttp
{
    public const string Parts = "/api/v1/parts";

    public static async Task<JsonElement> GetPageAsync(this HttpClient client, string url)
    {
        var response = await client.GetAsync(url, TestContext.Current.CancellationToken);
        return await response.AssertJsonAsync(HttpStatusCode.OK);
    }

    public static List<JsonElement> Items(this JsonElement page) => [.. page.GetProperty("items").EnumerateArray()];

    public static List<long> Ids(this JsonElement page) => [.. page.Items().Select(i => i.GetProperty("id").GetInt64())];

    public static string? NextCursor(this JsonElement page) =>
        page.GetProperty("nextCursor").ValueKind == JsonValueKind.Null ? null : page.GetProperty("nextCursor").GetString();
}
