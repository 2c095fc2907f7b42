using Axle.Api.Platform.Data;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Axle.Api.Features.Carts;

/// <summary><c>DELETE /api/v1/carts/{userId}/promotions</c>: the cart without a promotion code. Requires If-Match.</summary>
internal static class RemoveCartPromotion
{
    public static async Task<Results<Ok<CartResponse>, ValidationProblem, ProblemHttpResult>> Handle(
        Guid userId, HttpContext http, AppDbContext db, CartView view, TimeProvider time, CancellationToken ct)
    {
        var (cart, problem) = await CartWrites.FindForWriteAsync(db, http, userId, ct);
        if (cart is null)
        {
            return problem!;
        }

        cart.ClearPromotion();
        return await CartWrites.SaveAndShowAsync(db, http, view, cart, time.GetUtcNow().UtcDateTime, ct);
    }
}
