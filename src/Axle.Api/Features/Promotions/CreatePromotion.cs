using Axle.Api.Features.Audit;
using Axle.Api.Features.Pricing;
using Axle.Api.Platform.Data;
using Axle.Api.Platform.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Axle.Api.Features.Promotions;

/// <summary><c>POST /api/v1/promotions</c>.</summary>
internal static class CreatePromotion
{
    public static async Task<Results<Created<PromotionResponse>, ValidationProblem, ProblemHttpResult>> Handle(
        PromotionRequest request, HttpContext http, AppDbContext db, AuditTrail audit, IOptions<ShippingOptions> shipping,
        TimeProvider time, CancellationToken ct)
    {
        var (terms, errors) = await PromotionValidation.ValidateAsync(db, request, shipping.Value.Currency, ct);
        if (!PromotionValidation.IsValidCode(request.Code))
        {
            errors["code"] = ["The code is 3-32 letters, digits, '-' and '_', starting with a letter or digit."];
        }

        if (terms is null || errors.Count > 0)
        {
            return Problems.Validation(errors);
        }

        var code = Promotion.NormalizeCode(request.Code!);
        if (await db.Set<Promotion>().AnyAsync(p => p.Code == code, ct))
        {
            return PromotionProblems.CodeTaken(code);
        }

        var promotion = new Promotion(code, terms, time.GetUtcNow().UtcDateTime);
        db.Add(promotion);
        audit.Record(db, "promotions.created", $"promotion/{promotion.Id}", details: new { promotion.Code });
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException e) when (DbErrors.IsUniqueViolation(e))
        {
            return PromotionProblems.CodeTaken(code);
        }

        Conditional.SetETag(http, ETags.From(promotion.Version));
        return TypedResults.Created($"/api/v1/promotions/{promotion.Id}", PromotionResponse.From(promotion));
    }
}
