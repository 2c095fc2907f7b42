using System.ComponentModel.DataAnnotations;
using System.Security.Claims;
using Axle.Api.Features.Vehicles;
using Axle.Api.Platform.Data;
using Axle.Api.Platform.Http;
using Axle.Api.Platform.Security;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Axle.Api.Features.Identity;

public sealed record VehicleRequest(
    int? Year,
    [property: StringLength(VehicleLimits.TextMaxLength)] string? Make,
    [property: StringLength(VehicleLimits.TextMaxLength)] string? Model,
    [property: StringLength(VehicleLimits.TextMaxLength)] string? Submodel,
    [property: StringLength(VehicleLimits.TextMaxLength)] string? Engine,
    [property: StringLength(32)] string? Vin,
    [property: StringLength(VehicleLimits.TextMaxLength)] string? Nickname);

internal static class AddVehicle
{

    public static async Task<Results<Created<VehicleResponse>, ValidationProblem, ProblemHttpResult>> Handle(
        VehicleRequest request, ClaimsPrincipal principal, AppDbContext db, IOptions<IdentityOptions> options,
        TimeProvider time, CancellationToken ct)
    {
        if (principal.UserId() is not { } userId)
        {
            return GetMe.NotAUser();
        }

        var now = time.GetUtcNow().UtcDateTime;
        var vin = Clean(request.Vin)?.ToUpperInvariant();
        var make = Clean(request.Make);
        var model = Clean(request.Model);
        var errors = Validate(request.Year, make, model, vin, now.Year + 1);
        if (errors.Count > 0)
        {
            return Problems.Validation(errors);
        }

        // A VIN fills in what the caller left out: model year always, make when the WMI is known.
        var decoded = vin is null ? null : VinDecoder.Decode(vin).Vehicle;
        var year = request.Year ?? decoded?.ModelYear;
        make ??= decoded?.Make;

        if (!await db.Set<User>().AnyAsync(u => u.Id == userId, ct))
        {
            return GetMe.NotAUser(); // deleted after the token was issued: the garage row would have no owner
        }

        var count = await db.Set<GarageVehicle>().CountAsync(v => v.UserId == userId, ct);
        if (count >= options.Value.MaxGarageVehicles)
        {
            return Problems.Conflict("garage_full", "Garage full",
                $"A garage holds at most {options.Value.MaxGarageVehicles} vehicles. Remove one first.");
        }

        var vehicle = new GarageVehicle(userId, year, make, model, Clean(request.Submodel), Clean(request.Engine), vin,
            Clean(request.Nickname), now);
        db.Add(vehicle);
        await db.SaveChangesAsync(ct);
        return TypedResults.Created($"/api/v1/users/me/vehicles/{vehicle.Id}", VehicleResponse.From(vehicle));
    }

    internal static Dictionary<string, string[]> Validate(int? year, string? make, string? model, string? vin, int maxYear)
    {
        var errors = new Dictionary<string, string[]>();
        if (vin is not null)
        {
            var result = VinDecoder.Decode(vin);
            if (!result.IsValid)
            {
                errors["vin"] = [.. result.Errors.Select(e => e.Message)];
            }
        }

        if (year is { } y && (y < 1900 || y > maxYear))
        {
            errors["year"] = [$"The year must be between 1900 and {maxYear}."];
        }

        if (vin is null)
        {
            if (year is null)
            {
                errors["year"] = ["A year is required unless a VIN is given."];
            }

            if (make is null)
            {
                errors["make"] = ["A make is required unless a VIN is given."];
            }

            if (model is null)
            {
                errors["model"] = ["A model is required unless a VIN is given."];
            }
        }

        return errors;
    }

    private static string? Clean(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
