using System.Security.Claims;
using Axle.Api.Platform.Data;
using Axle.Api.Platform.Security;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Axle.Api.Features.Identity;

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
