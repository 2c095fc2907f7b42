using Axle.Api.Platform.Data;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Axle.Api.Features.Carts;

/// <summary><c>DELETE /api/v1/carts/{userId}/shipping-address</c>: no destination, so no tax in the estimate. Requires If-Match.</summary>
internal static class ClearShippingAddress
{
    public static async Task<Results<Ok<CartResponse>, ValidationProblem, ProblemHttpResult>> Handle(
        Guid userId, HttpContext http, AppDbContext db, CartView view, TimeProvider time, CancellationToken ct)
    {
        var (cart, problem) = await CartWrites.FindForWriteAsync(db, http, userId, ct);
        if (cart is null)
        {
            return problem!;
        }

        cart.ShipTo(null);
        return await CartWrites.SaveAndShowAsync(db, http, view, cart, time.GetUtcNow().UtcDateTime, ct);
    }
}
