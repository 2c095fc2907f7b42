using System.Security.Claims;
using Axle.Api.Platform.Data;
using Axle.Api.Platform.Security;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Axle.Api.Features.Identity;

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
