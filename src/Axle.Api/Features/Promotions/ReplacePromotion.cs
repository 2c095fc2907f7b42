using Axle.Api.Features.Audit;
using Axle.Api.Features.Pricing;
using Axle.Api.Platform.Data;
using Axle.Api.Platform.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Axle.Api.Features.Promotions;

/// <summary><c>PUT /api/v1/promotions/{id}</c>: replaces every term; the code and the counters stay. Requires If-Match.</summary>
internal static class ReplacePromotion
{
    public static async Task<Results<Ok<PromotionResponse>, ValidationProblem, ProblemHttpResult>> Handle(
        Guid id, PromotionRequest request, HttpContext http, AppDbContext db, AuditTrail audit, IOptions<ShippingOptions> shipping,
        TimeProvider time, CancellationToken ct)
    {
        if (await db.Set<Promotion>().FirstOrDefaultAsync(p => p.Id == id, ct) is not { } promotion)
        {
            return PromotionProblems.NotFound();
        }

        var (terms, errors) = await PromotionValidation.ValidateAsync(db, request, shipping.Value.Currency, ct);
        if (request.Code is { } code && Promotion.NormalizeCode(code) != promotion.Code)
        {
            errors["code"] = ["The code of a promotion never changes; create a new promotion for a new code."];
        }

        if (terms is null || errors.Count > 0)
        {
            return Problems.Validation(errors);
        }

        if (Conditional.RequireIfMatch(http, ETags.From(promotion.Version)) is { } failure)
        {
            return failure;
        }

        promotion.Revise(terms, time.GetUtcNow().UtcDateTime);
        audit.Record(db, "promotions.updated", $"promotion/{promotion.Id}",
            details: new { promotion.Code, promotion.Active, promotion.Version });
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            return PromotionProblems.Changed();
        }

        Conditional.SetETag(http, ETags.From(promotion.Version));
        return TypedResults.Ok(PromotionResponse.From(promotion));
    }
}
