using System.ComponentModel.DataAnnotations;
using Axle.Api.Platform.Data;
using Axle.Api.Platform.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace Axle.Api.Features.Carts;

/// <summary><c>PATCH /api/v1/carts/{userId}/items/{itemId}</c>: sets a line's quantity (the same checks as adding). Requires If-Match.</summary>
internal static class UpdateCartItem
{
    public sealed record Request([property: Required, Range(1, Cart.MaxQuantity)] int? Quantity);

    public static async Task<Results<Ok<CartResponse>, ValidationProblem, ProblemHttpResult>> Handle(
        Guid userId, Guid itemId, Request request, HttpContext http, AppDbContext db, CartView view,
        IOptions<CartOptions> options, TimeProvider time, CancellationToken ct)
    {
        var (cart, item, problem) = await CartWrites.FindItemForWriteAsync(db, http, userId, itemId, ct);
        if (cart is null || item is null)
        {
            return problem!;
        }

        // A part deleted from the catalog takes its cart lines with it (cascade), so the line's part exists.
        var part = (await CartPart.FindAsync(db, item.PartId, ct))!;
        var quantity = request.Quantity!.Value;
        if (await CartRules.CheckAsync(db, part, quantity, view.Currency, options.Value.MaxAlternatives, ct) is { } refused)
        {
            return refused;
        }

        var now = time.GetUtcNow().UtcDateTime;
        item.SetQuantity(quantity, part.PriceMinor, part.Currency, now);
        cart.Touch(now);
        if (await CartAccess.SaveAsync(db, ct) is { } conflict)
        {
            return conflict;
        }

        Conditional.SetETag(http, CartAccess.ETag(cart));
        return TypedResults.Ok(await view.BuildAsync(cart, ct));
    }
}
