using System.ComponentModel.DataAnnotations;
using System.Security.Claims;
using Axle.Api.Platform.Data;
using Axle.Api.Platform.Http;
using Axle.Api.Platform.Security;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Axle.Api.Features.Identity;

/// <summary>
/// Only these members can be changed; anything else in the body (role, email, flags) is refused with 400 by the
/// global JSON options before this code runs. Absent members stay as they are; an empty phone clears it.
/// </summary>
public sealed record UpdateMeRequest(
    [property: StringLength(User.NameMaxLength, MinimumLength = 1)] string? Name,
    [property: StringLength(User.PhoneMaxLength), RegularExpression(AddressDto.PhonePattern, ErrorMessage = AddressDto.PhoneMessage)] string? Phone,
    AddressDto? DefaultShippingAddress,
    AddressDto? DefaultBillingAddress);

internal static class UpdateMe
{
    public static async Task<Results<Ok<MeResponse>, ValidationProblem, ProblemHttpResult>> Handle(
        UpdateMeRequest request, ClaimsPrincipal principal, AppDbContext db, TimeProvider time, CancellationToken ct)
    {
        if (principal.UserId() is not { } userId)
        {
            return GetMe.NotAUser();
        }

        var name = request.Name?.Trim();
        if (name is { Length: 0 })
        {
            return Problems.Validation("name", "The name cannot be blank.");
        }

        var user = await db.Set<User>().Include(u => u.Roles).FirstOrDefaultAsync(u => u.Id == userId, ct);
        if (user is null)
        {
            return GetMe.NotAUser();
        }

        user.UpdateProfile(name, request.Phone?.Trim(), request.DefaultShippingAddress?.ToEntity(),
            request.DefaultBillingAddress?.ToEntity(), time.GetUtcNow().UtcDateTime);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            return Problems.Conflict("concurrent_update", "Concurrent update",
                "The profile was changed by another request at the same time. Read it again and retry.");
        }

        return TypedResults.Ok(MeResponse.From(user));
    }
}
