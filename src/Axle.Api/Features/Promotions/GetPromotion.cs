using Axle.Api.Platform.Data;
using Axle.Api.Platform.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Axle.Api.Features.Promotions;

/// <summary><c>GET /api/v1/promotions/{id}</c>.</summary>
internal static class GetPromotion
{
    public static async Task<Results<Ok<PromotionResponse>, NotModifiedResult, ProblemHttpResult>> Handle(
        Guid id, HttpContext http, AppDbContext db, CancellationToken ct)
    {
        if (await db.Set<Promotion>().AsNoTracking().FirstOrDefaultAsync(p => p.Id == id, ct) is not { } promotion)
        {
            return PromotionProblems.NotFound();
        }

        // The ETag versions the admin-set terms; redemptions move the counter without changing it.
        if (Conditional.CheckIfNoneMatch(http, ETags.From(promotion.Version)) is { } notModified)
        {
            return notModified;
        }

        return TypedResults.Ok(PromotionResponse.From(promotion));
    }
}
