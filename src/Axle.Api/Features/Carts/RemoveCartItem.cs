using Axle.Api.Platform.Data;
using Axle.Api.Platform.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Axle.Api.Features.Carts;

/// <summary><c>DELETE /api/v1/carts/{userId}/items/{itemId}</c>: removes a line. Requires If-Match.</summary>
internal static class RemoveCartItem
{
    public static async Task<Results<NoContent, ProblemHttpResult>> Handle(
        Guid userId, Guid itemId, HttpContext http, AppDbContext db, TimeProvider time,
        CancellationToken ct)
    {
        var (cart, item, problem) = await CartWrites.FindItemForWriteAsync(db, http, userId, itemId, ct);
        if (cart is null || item is null)
        {
            return problem!;
        }

        cart.Remove(item);
        cart.Touch(time.GetUtcNow().UtcDateTime);
        if (await CartAccess.SaveAsync(db, ct) is { } conflict)
        {
            return conflict;
        }

        Conditional.SetETag(http, CartAccess.ETag(cart));
        return TypedResults.NoContent();
    }
}
