using System.ComponentModel.DataAnnotations;
using System.Security.Claims;
using Axle.Api.Platform.Data;
using Axle.Api.Platform.Http;
using Axle.Api.Platform.Security;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Axle.Api.Features.Identity;

internal sealed record MeResponse(
    Guid Id, string Email, string Name, string? Phone, [property: MaxLength(Platform.Security.Roles.MaxPerUser)] IReadOnlyList<string> Roles,
    AddressDto? DefaultShippingAddress, AddressDto? DefaultBillingAddress, DateTime CreatedAt, DateTime UpdatedAt)
{
    public static MeResponse From(User u) => new(
        u.Id, u.Email, u.Name, u.Phone, u.RoleNames, AddressDto.From(u.DefaultShippingAddress),
        AddressDto.From(u.DefaultBillingAddress), u.CreatedAt, u.UpdatedAt);
}

internal static class GetMe
{
    public static async Task<Results<Ok<MeResponse>, NotModifiedResult, ProblemHttpResult>> Handle(
        ClaimsPrincipal principal, HttpContext http, AppDbContext db, CancellationToken ct)
    {
        if (principal.UserId() is not { } userId)
        {
            return NotAUser();
        }

        var user = await db.Set<User>().AsNoTracking().Include(u => u.Roles).FirstOrDefaultAsync(u => u.Id == userId, ct);
        if (user is null)
        {
            return NotAUser();
        }

        if (Conditional.CheckIfNoneMatch(http, ETags.From(user.Version)) is { } notModified)
        {
            return notModified;
        }

        return TypedResults.Ok(MeResponse.From(user));
    }

    /// <summary>A machine client, or a user deleted after the token was issued.</summary>
    internal static ProblemHttpResult NotAUser() =>
        Problems.Unauthorized("This endpoint needs the access token of an existing user.");
}
