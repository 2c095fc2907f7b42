using Axle.Api.Platform.Http;

namespace Axle.Api.Features.Catalog;

/// <summary>GET /api/v1/parts (search) and GET /api/v1/parts/{id} (detail).</summary>
internal static class PartSearchEndpoints
{
    public static WebApplication MapPartSearch(this WebApplication app)
    {
        var group = app.MapGroup("/api/v1/parts")
            .WithTags("Catalog")
            .AllowAnonymous()
            .CacheOutput(CatalogCache.Policy);

        group.MapGet("/", SearchParts.Handle)
            .WithName("SearchParts")
            .WithSummary("Search parts, by vehicle or VIN, text, part number, category, brand, stock and price")
            .WithDescription("Filters combine with AND. make/model/year/engine or vin narrow to parts that fit; unknown makes, " +
                "models and VINs the catalog does not know give 200 with no items, a year outside 1900 to next year or an " +
                "invalid VIN gives 400. partNumber ignores case and punctuation and also finds interchange and superseded numbers. " +
                "Cursor-paginated (limit ≤ 100); a cursor only opens with the filters and sort it was issued for. " +
                "fitmentNote is set when filtering by vehicle. Sends an ETag (If-None-Match → 304) and Cache-Control: public, max-age=60.")
            .Produces<Page<SearchParts.Item>>()
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status400BadRequest);

        group.MapGet("/{id}", GetPart.Handle)
            .WithName("GetPart")
            .WithSummary("One part: attributes, images, documents, fitments, interchange numbers and supersession")
            .WithDescription($"Fitments of consecutive years are collapsed into year ranges; at most {GetPart.MaxFitments} are listed (by make, " +
                "model, newest first) and fitmentCount says how many there are: search by vehicle for the rest. ETag from the part's version " +
                "(If-None-Match → 304). An unknown or non-numeric id gives 404.")
            .Produces<GetPart.Response>()
            .ProducesProblem(StatusCodes.Status404NotFound);
        return app;
    }
}
