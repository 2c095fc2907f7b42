namespace Axle.Api.Features.Catalog;

/// <summary>POST /api/v1/parts, PUT|PATCH|DELETE /api/v1/parts/{id}.</summary>
internal static class PartWriteEndpoints
{
    public static WebApplication MapPartWrites(this WebApplication app) => app;
}
