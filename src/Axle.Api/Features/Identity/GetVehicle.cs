using System.Security.Claims;
using Axle.Api.Platform.Data;
using Axle.Api.Platform.Http;
using Axle.Api.Platform.Security;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Axle.Api.Features.Identity;

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
