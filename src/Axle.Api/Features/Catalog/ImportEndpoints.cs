namespace Axle.Api.Features.Catalog;

/// <summary>POST /api/v1/catalog/imports and GET /api/v1/catalog/imports/{id}.</summary>
internal static class ImportEndpoints
{
    public static WebApplication MapCatalogImports(this WebApplication app) => app;
}
