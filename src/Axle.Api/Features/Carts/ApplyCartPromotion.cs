using System.Security.Claims;
using Axle.Api.Features.Promotions;
using Axle.Api.Platform.Data;
using Axle.Api.Platform.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Axle.Api.Features.Carts;

/// <summary>
/// <c>POST /api/v1/carts/{userId}/promotions</c> <c>{code}</c>: puts a promotion code on the cart (replacing any other)
/// when it applies to the cart as it is now; otherwise 400 with the refusal's stable code and the cart unchanged.
/// If-Match optional (412 when stale).
/// </summary>
internal static class ApplyCartPromotion
{
    private const int MaxInputLength = 64;

    public sealed record Request(string? Code);

    public static async Task<Results<Ok<CartResponse>, ValidationProblem, ProblemHttpResult>> Handle(
        Guid userId, Request request, ClaimsPrincipal principal, HttpContext http, AppDbContext db, CartView view,
        TimeProvider time, CancellationToken ct)
    {
        if (!CartAccess.Allowed(principal, userId))
        {
            return CartAccess.NotFound();
        }

        if (string.IsNullOrWhiteSpace(request.Code) || request.Code.Length > MaxInputLength)
        {
            return Problems.Validation("code", $"A promotion code of 1-{MaxInputLength} characters is required.");
        }

        if (await CartAccess.FindOrStartAsync(db, principal, userId, time, ct) is not { } cart)
        {
            return CartAccess.NotFound();
        }

        if (Conditional.CheckIfMatch(http, CartAccess.ETag(cart)) is { } failure)
        {
            return failure;
        }

        // The cart read prices the code exactly as it will be shown, so the decision is made by building it once.
        cart.ApplyPromotion(request.Code);
        cart.Touch(time.GetUtcNow().UtcDateTime);
        var shown = await view.BuildAsync(cart, ct);
        if (shown.Promotion is { Applied: false, Reason: { } reason })
        {
            return PromotionProblems.Refused(shown.Promotion.Code, reason);
        }

        if (await CartAccess.SaveAsync(db, ct) is { } conflict)
        {
            return conflict;
        }

        Conditional.SetETag(http, CartAccess.ETag(cart));
        return TypedResults.Ok(shown);
    }
}
