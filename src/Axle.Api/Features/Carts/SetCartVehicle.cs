using System.ComponentModel.DataAnnotations;
using System.Security.Claims;
using Axle.Api.Features.Identity;
using Axle.Api.Features.Vehicles;
using Axle.Api.Platform.Data;
using Axle.Api.Platform.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Axle.Api.Features.Carts;

/// <summary>
/// <c>PUT /api/v1/carts/{userId}/vehicle</c>: the vehicle every line is checked against, given one way: a vehicle from
/// the cart owner's garage (copied, so deleting it later does not change the cart), a VIN, or year/make/model with an
/// optional engine. Requires If-Match.
/// </summary>
internal static class SetCartVehicle
{
    public sealed record Request(
        Guid? GarageVehicleId,
        [property: StringLength(32)] string? Vin,
        int? Year,
        [property: StringLength(64)] string? Make,
        [property: StringLength(64)] string? Model,
        [property: StringLength(64)] string? Engine);

    public static async Task<Results<Ok<CartResponse>, ValidationProblem, ProblemHttpResult>> Handle(
        Guid userId, Request request, ClaimsPrincipal principal, HttpContext http, AppDbContext db, CartView view,
        TimeProvider time, CancellationToken ct)
    {
        if (!CartAccess.Allowed(principal, userId))
        {
            return CartAccess.NotFound();
        }

        var now = time.GetUtcNow().UtcDateTime;
        var vin = Clean(request.Vin);
        var hasYmm = request.Year is not null || Clean(request.Make) is not null || Clean(request.Model) is not null
            || Clean(request.Engine) is not null;
        if ((request.GarageVehicleId is not null ? 1 : 0) + (vin is not null ? 1 : 0) + (hasYmm ? 1 : 0) != 1)
        {
            return Problems.Validation("", "Give exactly one of: garageVehicleId, vin, or year/make/model (engine optional).");
        }

        CartVehicle vehicle;
        if (request.GarageVehicleId is { } garageId)
        {
            // The garage of the cart's owner, whoever asks: another customer's vehicle id is as unknown as a made-up one.
            var saved = await db.Set<GarageVehicle>().AsNoTracking().FirstOrDefaultAsync(v => v.Id == garageId && v.UserId == userId, ct);
            if (saved is null)
            {
                return Problems.Create(StatusCodes.Status404NotFound, "garage_vehicle_not_found", "Not found",
                    "No such vehicle in this user's garage.");
            }

            vehicle = new CartVehicle(CartVehicleSource.Garage, saved.Id, saved.Year, saved.Make, saved.Model, saved.Engine, saved.Vin);
        }
        else if (vin is not null)
        {
            var decoded = VinDecoder.Decode(vin);
            if (decoded.Vehicle is not { } v)
            {
                return DecodeVin.Invalid(decoded.Errors);
            }

            vehicle = new CartVehicle(CartVehicleSource.Vin, null, v.ModelYear, v.Make, null, null, v.Vin);
        }
        else
        {
            var make = Clean(request.Make);
            var model = Clean(request.Model);
            var errors = new Dictionary<string, string[]>();
            if (request.Year is not { } year || year < 1900 || year > now.Year + 1)
            {
                errors["year"] = [$"A year between 1900 and {now.Year + 1} is required."];
            }

            if (make is null)
            {
                errors["make"] = ["A make is required."];
            }

            if (model is null)
            {
                errors["model"] = ["A model is required."];
            }

            if (errors.Count > 0)
            {
                return Problems.Validation(errors);
            }

            vehicle = new CartVehicle(CartVehicleSource.YearMakeModel, null, request.Year, make, model, Clean(request.Engine), null);
        }

        var (cart, problem) = await CartWrites.FindForWriteAsync(db, http, userId, ct);
        if (cart is null)
        {
            return problem!;
        }

        cart.SetVehicle(vehicle);
        return await CartWrites.SaveAndShowAsync(db, http, view, cart, now, ct);
    }

    private static string? Clean(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
