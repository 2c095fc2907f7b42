using System.ComponentModel.DataAnnotations;
using Axle.Api.Features.Catalog;
using Axle.Api.Platform.Data;
using Axle.Api.Platform.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Axle.Api.Features.Vehicles;

public sealed record VinVehicle(int Id, int Year, string Make, string Model, string? Submodel, string? Engine);

public sealed record VinResponse(
    string Vin,
    string Wmi,
    string? Manufacturer,
    string? Make,
    string Region,
    string? Country,
    int ModelYear,
    string CheckDigit,
    string PlantCode,
    string SerialNumber,
    [property: MaxLength(DecodeVin.MaxVehicles)] IReadOnlyList<VinVehicle> Vehicles,
    bool VehiclesTruncated);

internal static class DecodeVin
{
    /// <summary>
    /// Catalog vehicles one VIN answer lists at most (lowest ids first): a VIN prefix and year name one model, so a handful
    /// of submodel and engine configurations in practice. <c>vehiclesTruncated</c> says when more matched.
    /// </summary>
    public const int MaxVehicles = 100;

    public static async Task<Results<Ok<VinResponse>, NotModifiedResult, ValidationProblem>> Handle(
        string vin, HttpContext http, AppDbContext db, CancellationToken ct)
    {
        var result = VinDecoder.Decode(vin);
        if (result.Vehicle is not { } decoded)
        {
            return Invalid(result.Errors);
        }

        // The catalog knows a VIN by its WMI + vehicle descriptor (positions 1-8) and model year.
        var prefix = decoded.Vin[..8];
        var vehicles = await db.Set<VinPattern>().AsNoTracking()
            .Where(p => p.Prefix == prefix && p.Year == decoded.ModelYear)
            .Join(db.Set<Vehicle>(), p => p.VehicleId, v => v.Id, (p, v) => v)
            .Distinct()
            .OrderBy(v => v.Id)
            .Select(v => new VinVehicle(v.Id, v.Year, v.Make, v.Model, v.Submodel, v.Engine))
            .Take(MaxVehicles + 1)
            .ToListAsync(ct);
        var truncated = vehicles.Count > MaxVehicles;
        if (truncated)
        {
            vehicles.RemoveAt(MaxVehicles);
        }

        var response = new VinResponse(decoded.Vin, decoded.Wmi, decoded.Manufacturer, decoded.Make, decoded.Region,
            decoded.Country, decoded.ModelYear, decoded.CheckDigit.ToString(), decoded.PlantCode.ToString(),
            decoded.SerialNumber, vehicles, truncated);
        using var hasher = new ETagHasher();
        hasher.Add(response.Vin);
        foreach (var v in vehicles)
        {
            hasher.Add(v.Id).Add(v.Make).Add(v.Model).Add(v.Submodel).Add(v.Engine);
        }

        http.Response.Headers.CacheControl = $"public, max-age={VehicleEndpoints.MaxAgeSeconds}";
        if (Conditional.CheckIfNoneMatch(http, hasher.ToETag()) is { } notModified)
        {
            return notModified;
        }

        return TypedResults.Ok(response);
    }

    internal static ValidationProblem Invalid(IReadOnlyList<VinError> errors) =>
        TypedResults.ValidationProblem(
            new Dictionary<string, string[]> { ["vin"] = [.. errors.Select(e => e.Message)] },
            detail: "The VIN is not valid: " + string.Join(", ", errors.Select(e => e.Code)) + ".",
            type: Problems.TypeBase + "invalid-vin",
            title: "Invalid VIN",
            extensions: new Dictionary<string, object?>
            {
                ["code"] = "invalid_vin",
                ["reasons"] = errors.Select(e => e.Code).ToArray(),
            });
}
