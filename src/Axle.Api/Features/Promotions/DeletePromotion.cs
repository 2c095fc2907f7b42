using Axle.Api.Features.Audit;
using Axle.Api.Platform.Data;
using Axle.Api.Platform.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Axle.Api.Features.Promotions;

/// <summary>
/// <c>DELETE /api/v1/promotions/{id}</c>: 204 when no order has redeemed it (its assignments and counters go with it);
/// otherwise it is deactivated instead (200 with <c>active: false</c>), so redemptions keep their promotion. Requires If-Match.
/// </summary>
internal static class DeletePromotion
{
    public static async Task<Results<NoContent, Ok<PromotionResponse>, ProblemHttpResult>> Handle(
        Guid id, HttpContext http, AppDbContext db, AuditTrail audit, TimeProvider time, CancellationToken ct)
    {
        if (await db.Set<Promotion>().FirstOrDefaultAsync(p => p.Id == id, ct) is not { } promotion)
        {
            return PromotionProblems.NotFound();
        }

        if (Conditional.RequireIfMatch(http, ETags.From(promotion.Version)) is { } failure)
        {
            return failure;
        }

        var redeemed = await db.Set<PromotionRedemption>().AnyAsync(r => r.PromotionId == id, ct);
        if (redeemed)
        {
            promotion.Deactivate(time.GetUtcNow().UtcDateTime);
        }
        else
        {
            db.Remove(promotion);
        }

        audit.Record(db, redeemed ? "promotions.deactivated" : "promotions.deleted", $"promotion/{id}", details: new { promotion.Code });
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            return PromotionProblems.Changed();
        }
        catch (DbUpdateException) when (!redeemed)
        {
            // An order redeemed it between the check and the delete (the redemption's foreign key refused the delete).
            return Problems.Conflict("promotion_redeemed", "Promotion redeemed",
                "An order redeemed this promotion meanwhile. Retry: it will be deactivated instead.");
        }

        if (!redeemed)
        {
            return TypedResults.NoContent();
        }

        Conditional.SetETag(http, ETags.From(promotion.Version));
        return TypedResults.Ok(PromotionResponse.From(promotion));
    }
}
