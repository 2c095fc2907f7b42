using System.Security.Claims;
using Axle.Api.Platform.Data;
using Axle.Api.Platform.Http;
using Axle.Api.Platform.Security;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Axle.Api.Features.Identity;

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
