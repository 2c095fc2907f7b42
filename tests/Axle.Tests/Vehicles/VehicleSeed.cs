using Axle.Api.Features.Catalog;
using Axle.Api.Platform.Data;
using Axle.Tests.Infrastructure;
using Microsoft.AspNetCore.OutputCaching;
using Microsoft.Extensions.DependencyInjection;

namespace Axle.Tests.Vehicles;

/// <summary>Seeds catalog vehicles straight into the database and evicts the cached catalog reads, as an import would.</summary>
internal static class VehicleSeed
{
    /// <summary>A make name no other test uses, e.g. "Make QXKTWB".</summary>
    public static string UniqueMake(string prefix = "Make") =>
        prefix + " " + new string([.. Guid.NewGuid().ToString("N").Where(char.IsAsciiLetter).Take(6).Select(char.ToUpperInvariant)]);

    public static async Task<List<Vehicle>> AddAsync(AxleFactory factory, CancellationToken ct, params Vehicle[] vehicles)
    {
        await using (var scope = factory.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
            db.AddRange(vehicles);
            await db.SaveChangesAsync(ct);
        }

        await CatalogCache.InvalidateAsync(factory.Services.GetRequiredService<IOutputCacheStore>(), ct);
        return [.. vehicles];
    }
}
