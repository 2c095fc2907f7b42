using Microsoft.AspNetCore.OutputCaching;

namespace Axle.Api.Features.Catalog;

/// <summary>
/// Server-side output cache for the anonymous catalog GETs (search and detail), one entry per path and query, tagged
/// <c>catalog</c>. Whoever changes parts, fitments or prices calls <c>CatalogCache.InvalidateAsync</c> after saving.
/// Stock changes are narrower (<see cref="StockChangedAsync"/>): responses that show a part's available quantity are
/// also tagged with that part (<see cref="TagParts"/>), and responses whose membership depends on stock (the
/// <c>inStock=true</c> search) with <see cref="StockFilteredTag"/>, so checkout traffic leaves the rest of the cache warm.
/// </summary>
public static class CatalogCache
{
    public const string Policy = "catalog";
    public const string Tag = "catalog";

    /// <summary>Responses whose set of parts depends on which parts are in stock.</summary>
    public const string StockFilteredTag = "catalog:stock-filtered";

    /// <summary>Responses that show this part's available quantity.</summary>
    public static string PartTag(long partId) => $"catalog:part:{partId}";

    /// <summary>Matches <c>Cache-Control: public, max-age=60</c> sent to clients.</summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(60);

    public const string CacheControl = "public, max-age=60";

    public static WebApplicationBuilder AddCatalogCache(this WebApplicationBuilder builder)
    {
        builder.Services.AddOutputCache(o => o.AddPolicy(Policy, p => p
            .Expire(Lifetime)
            .SetVaryByQuery("*")
            .Tag(Tag)));
        return builder;
    }

    /// <summary>Drops every cached catalog response. Call after committing any change to parts or what they show.</summary>
    public static async Task InvalidateAsync(IOutputCacheStore store, CancellationToken ct = default) =>
        await store.EvictByTagAsync(Tag, ct);

    /// <summary><see cref="InvalidateAsync(IOutputCacheStore, CancellationToken)"/> with the store from the container.</summary>
    public static Task InvalidateAsync(IServiceProvider services, CancellationToken ct = default) =>
        InvalidateAsync(services.GetRequiredService<IOutputCacheStore>(), ct);

    /// <summary>Tags the response being cached as showing these parts' stock.</summary>
    public static void TagParts(HttpContext http, IEnumerable<long> partIds)
    {
        if (http.Features.Get<IOutputCacheFeature>()?.Context.Tags is { } tags)
        {
            foreach (var id in partIds)
            {
                tags.Add(PartTag(id));
            }
        }
    }

    /// <summary>Tags the response being cached as listing only parts in stock.</summary>
    public static void TagStockFiltered(HttpContext http) =>
        http.Features.Get<IOutputCacheFeature>()?.Context.Tags.Add(StockFilteredTag);

    /// <summary>
    /// Drops the cached responses that a committed stock change makes stale: those showing a changed part, and, when a
    /// level went in or out of stock, those filtered by stock. A part's total crosses zero only if one of its levels does,
    /// so checking levels never misses a change of the part's in-stock status.
    /// </summary>
    public static async Task StockChangedAsync(IOutputCacheStore store, IEnumerable<StockChange> changes, CancellationToken ct = default)
    {
        var list = changes.ToList();
        foreach (var partId in list.Select(c => c.PartId).Distinct())
        {
            await store.EvictByTagAsync(PartTag(partId), ct);
        }

        if (list.Any(c => c.CrossesZero))
        {
            await store.EvictByTagAsync(StockFilteredTag, ct);
        }
    }
}

/// <summary>One stock level's available units before and after a committed change, as the catalog cache sees it.</summary>
public readonly record struct StockChange(long PartId, int AvailableBefore, int AvailableAfter)
{
    public bool CrossesZero => AvailableBefore > 0 != AvailableAfter > 0;
}
