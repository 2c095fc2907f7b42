using Microsoft.AspNetCore.OutputCaching;

namespace Axle.Api.Features.Catalog;

/// <summary>Catalog reads are output-cached under one tag; every catalog write evicts it.</summary>
internal static class CatalogCache
{
    public const string Tag = "catalog";

    public static ValueTask InvalidateAsync(IOutputCacheStore store, CancellationToken ct) => store.EvictByTagAsync(Tag, ct);
}
