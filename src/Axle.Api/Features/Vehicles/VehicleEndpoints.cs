using Axle.Api.Features.Catalog;

namespace Axle.Api.Features.Vehicles;

/// <summary>GET /api/v1/vehicles/makes|models|years|submodels|engines and GET /api/v1/vehicles/vin/{vin}.</summary>
internal static class VehicleEndpoints
{
    /// <summary>How long shared caches and the output cache keep vehicle lists; catalog writes evict the output cache.</summary>
    public const int MaxAgeSeconds = 300;

    public static WebApplication MapVehicles(this WebApplication app)
    {
        var vehicles = app.MapGroup("/api/v1/vehicles").WithTags("Vehicles").AllowAnonymous()
            .CacheOutput(p => p.Tag(CatalogCache.Tag).Expire(TimeSpan.FromSeconds(MaxAgeSeconds)));

        vehicles.MapGet("/makes", VehicleLists.Makes).WithSummary("Makes in the catalog, sorted by name");
        vehicles.MapGet("/models", VehicleLists.Models)
            .WithSummary("Models of a make, sorted by name")
            .WithDescription("make is required (400 without); an unknown make gives an empty list.")
            .ProducesValidationProblem();
        vehicles.MapGet("/years", VehicleLists.Years)
            .WithSummary("Model years of a make and model, newest first")
            .ProducesValidationProblem();
        vehicles.MapGet("/submodels", VehicleLists.Submodels)
            .WithSummary("Submodels (trims) of a make, model and year, sorted by name")
            .ProducesValidationProblem();
        vehicles.MapGet("/engines", VehicleLists.Engines)
            .WithSummary("Engines of a make, model and year (optionally one submodel), sorted by name")
            .ProducesValidationProblem();
        vehicles.MapGet("/vin/{vin}", DecodeVin.Handle)
            .WithSummary("Validate and decode a VIN; the catalog vehicles it matches")
            .WithDescription("Invalid VIN → 400 invalid_vin with errors.vin (messages) and reasons (stable codes: " +
                "invalid_length, invalid_characters, invalid_check_digit, invalid_model_year).")
            .ProducesProblem(StatusCodes.Status400BadRequest);
        return app;
    }
}
