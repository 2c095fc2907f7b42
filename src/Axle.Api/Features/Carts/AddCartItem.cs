using System.ComponentModel.DataAnnotations;
using System.Security.Claims;
using Axle.Api.Platform.Data;
using Axle.Api.Platform.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace Axle.Api.Features.Carts;

/// <summary>
/// <c>POST /api/v1/carts/{userId}/items</c>: adds units of a part, to its line when the cart has one. If-Match is optional
/// here; without it a write that loses a race with another write re-reads the cart and applies the add again, so
/// concurrent adds never lose units.
/// </summary>
internal static class AddCartItem
{
    public sealed record Request(
        [property: Required, Range(1, long.MaxValue)] long? PartId,
        [property: Required, Range(1, Cart.MaxQuantity)] int? Quantity);

    public static async Task<Results<Created<CartResponse>, ValidationProblem, ProblemHttpResult>> Handle(
        Guid userId, Request request, ClaimsPrincipal principal, HttpContext http, AppDbContext db, CartView view,
        IOptions<CartOptions> options, TimeProvider time, CancellationToken ct)
    {
        if (!CartAccess.Allowed(principal, userId))
        {
            return CartAccess.NotFound();
        }

        if (await CartPart.FindAsync(db, request.PartId!.Value, ct) is not { } part)
        {
            return CartRules.PartNotFound(request.PartId.Value);
        }

        var conditional = http.Request.Headers.IfMatch.Count > 0;
        for (var attempt = 1; ; attempt++)
        {
            db.ChangeTracker.Clear();
            if (await CartAccess.FindOrStartAsync(db, principal, userId, time, ct) is not { } cart)
            {
                return CartAccess.NotFound();
            }

            if (Conditional.CheckIfMatch(http, CartAccess.ETag(cart)) is { } failure)
            {
                return failure;
            }

            var line = cart.FindPart(part.Id);
            if (line is null && cart.Items.Count >= options.Value.MaxLines)
            {
                return CartRules.CartFull(options.Value.MaxLines);
            }

            var quantity = (line?.Quantity ?? 0) + request.Quantity!.Value;
            if (await CartRules.CheckAsync(db, part, quantity, view.Currency, options.Value.MaxAlternatives, ct) is { } refused)
            {
                return refused;
            }

            var now = time.GetUtcNow().UtcDateTime;
            cart.Add(part.Id, request.Quantity.Value, part.PriceMinor, part.Currency, now);
            cart.Touch(now);
            if (await CartAccess.SaveAsync(db, ct) is { } conflict)
            {
                if (!conditional && attempt < options.Value.MaxWriteAttempts)
                {
                    await Task.Delay(Random.Shared.Next(5, 25 * attempt), ct);
                    continue;
                }

                return conflict;
            }

            Conditional.SetETag(http, CartAccess.ETag(cart));
            return TypedResults.Created($"/api/v1/carts/{userId}", await view.BuildAsync(cart, ct));
        }
    }
}
