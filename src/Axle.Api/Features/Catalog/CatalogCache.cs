using Microsoft.AspNetCore.OutputCaching;

namespace Axle.Api.Features.Catalog;

/// <summary>
/// Server-side output cache for the anonymous catalog GETs (search and detail), one entry per path and query, tagged
/// <c>catalog</c>. Whoever changes parts, fitments, prices or stock calls <c>CatalogCache.InvalidateAsync</c> after saving.
/// </summary>
public static class CatalogCache
{
    public const string Policy = "catalog";
    public const string Tag = "catalog";

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
}
