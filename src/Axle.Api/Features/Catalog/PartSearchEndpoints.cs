namespace Axle.Api.Features.Catalog;

/// <summary>GET /api/v1/parts (search) and GET /api/v1/parts/{id} (detail).</summary>
internal static class PartSearchEndpoints
{
    public static WebApplication MapPartSearch(this WebApplication app) => app;
}
