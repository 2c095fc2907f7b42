namespace Axle.Api.Features.Vehicles;

/// <summary>GET /api/v1/vehicles/makes|models|years|engines and GET /api/v1/vehicles/vin/{vin}.</summary>
internal static class VehicleEndpoints
{
    public static WebApplication MapVehicles(this WebApplication app) => app;
}
