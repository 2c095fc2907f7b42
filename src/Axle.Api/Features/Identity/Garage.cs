using System.ComponentModel.DataAnnotations;
using System.Security.Claims;
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

internal sealed record VehicleResponse(
    Guid Id, int? Year, string? Make, string? Model, string? Submodel, string? Engine, string? Vin, string? Nickname,
    DateTime CreatedAt)
{
    public static VehicleResponse From(GarageVehicle v) =>
        new(v.Id, v.Year, v.Make, v.Model, v.Submodel, v.Engine, v.Vin, v.Nickname, v.CreatedAt);
}

/// <summary>The garage is capped (<see cref="IdentityOptions.MaxGarageVehicles"/>), so it is one page; <c>nextCursor</c> is always null.</summary>
internal sealed record VehicleList(IReadOnlyList<VehicleResponse> Items, string? NextCursor);

internal static class ListVehicles
{
    public static async Task<Results<Ok<VehicleList>, ProblemHttpResult>> Handle(
        ClaimsPrincipal principal, AppDbContext db, CancellationToken ct)
    {
        if (principal.UserId() is not { } userId)
        {
            return GetMe.NotAUser();
        }

        var rows = await db.Set<GarageVehicle>().AsNoTracking()
            .Where(v => v.UserId == userId)
            .OrderBy(v => v.CreatedAt).ThenBy(v => v.Id)
            .ToListAsync(ct);
        return TypedResults.Ok(new VehicleList([.. rows.Select(VehicleResponse.From)], null));
    }
}

internal static class GetVehicle
{
    public static async Task<Results<Ok<VehicleResponse>, ProblemHttpResult>> Handle(
        Guid id, ClaimsPrincipal principal, AppDbContext db, CancellationToken ct)
    {
        var userId = principal.UserId();
        var vehicle = await db.Set<GarageVehicle>().AsNoTracking()
            .FirstOrDefaultAsync(v => v.Id == id && v.UserId == userId, ct);
        return vehicle is null ? Problems.NotFound("No such vehicle in your garage.") : TypedResults.Ok(VehicleResponse.From(vehicle));
    }
}

internal static class AddVehicle
{
    private const string VinAlphabet = "0123456789ABCDEFGHJKLMNPRSTUVWXYZ";

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

        var count = await db.Set<GarageVehicle>().CountAsync(v => v.UserId == userId, ct);
        if (count >= options.Value.MaxGarageVehicles)
        {
            return Problems.Conflict("garage_full", "Garage full",
                $"A garage holds at most {options.Value.MaxGarageVehicles} vehicles. Remove one first.");
        }

        var vehicle = new GarageVehicle(userId, request.Year, make, model, Clean(request.Submodel), Clean(request.Engine), vin,
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
            // Length and alphabet only (49 CFR 565: no I, O, Q); check digit and decoding belong to the VIN decoder.
            if (vin.Length != 17)
            {
                errors["vin"] = ["A VIN has exactly 17 characters."];
            }
            else if (!vin.All(VinAlphabet.Contains))
            {
                errors["vin"] = ["A VIN uses only digits and the letters A–Z except I, O and Q."];
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

internal static class DeleteVehicle
{
    public static async Task<Results<NoContent, ProblemHttpResult>> Handle(
        Guid id, ClaimsPrincipal principal, AppDbContext db, CancellationToken ct)
    {
        var userId = principal.UserId();
        var deleted = await db.Set<GarageVehicle>().Where(v => v.Id == id && v.UserId == userId).ExecuteDeleteAsync(ct);
        return deleted == 0 ? Problems.NotFound("No such vehicle in your garage.") : TypedResults.NoContent();
    }
}

internal static class ClearGarage
{
    public static async Task<Results<NoContent, ProblemHttpResult>> Handle(
        ClaimsPrincipal principal, AppDbContext db, CancellationToken ct)
    {
        if (principal.UserId() is not { } userId)
        {
            return GetMe.NotAUser();
        }

        await db.Set<GarageVehicle>().Where(v => v.UserId == userId).ExecuteDeleteAsync(ct);
        return TypedResults.NoContent();
    }
}
