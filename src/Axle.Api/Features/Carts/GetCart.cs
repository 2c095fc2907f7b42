using System.Security.Claims;
using Axle.Api.Platform.Data;
using Axle.Api.Platform.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Axle.Api.Features.Carts;

/// <summary><c>GET /api/v1/carts/{userId}</c>: the active cart, started on the owner's first read.</summary>
internal static class GetCart
{
    public static async Task<Results<Ok<CartResponse>, ProblemHttpResult>> Handle(
        Guid userId, ClaimsPrincipal principal, HttpContext http, AppDbContext db, CartView view, TimeProvider time,
        CancellationToken ct)
    {
        if (!CartAccess.Allowed(principal, userId)
            || await CartAccess.FindOrStartAsync(db, principal, userId, time, ct) is not { } cart)
        {
            return CartAccess.NotFound();
        }

        // No 304 here: the ETag versions the cart's own state, while the body also shows live prices and stock.
        Conditional.SetETag(http, CartAccess.ETag(cart));
        return TypedResults.Ok(await view.BuildAsync(cart, ct));
    }
}
