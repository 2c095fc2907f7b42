using Axle.Api.Features.Vehicles;
using Axle.Api.Platform.Hosting;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Axle.Api.Features.Catalog;

/// <summary>The catalog: part search and detail, catalog writes, vehicles and VINs, bulk imports, the demo catalog.</summary>
public static class CatalogEndpoints
{
    public static WebApplicationBuilder AddCatalog(this WebApplicationBuilder builder)
    {
        builder.Services.AddStartupTask<DemoCatalog>();
        builder.AddCatalogCache();
        builder.Services.TryAddScoped<IPartUsage, NoPartUsage>();
        builder.AddCatalogImports();
        return builder;
    }

    public static WebApplication MapCatalog(this WebApplication app)
    {
        app.MapPartSearch();
        app.MapPartWrites();
        app.MapVehicles();
        app.MapCatalogImports();
        return app;
    }
}
