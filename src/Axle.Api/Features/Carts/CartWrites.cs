using Axle.Api.Platform.Data;
using Axle.Api.Platform.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Axle.Api.Features.Carts;

/// <summary>The start and end of cart writes that require If-Match: find what they change, bump the version, save, answer.</summary>
internal static class CartWrites
{
    public static async Task<Results<Ok<CartResponse>, ValidationProblem, ProblemHttpResult>> SaveAndShowAsync(
        AppDbContext db, HttpContext http, CartView view, Cart cart, DateTime now, CancellationToken ct)
    {
        cart.Touch(now);
        if (await CartAccess.SaveAsync(db, ct) is { } conflict)
        {
            return conflict;
        }

        Conditional.SetETag(http, CartAccess.ETag(cart));
        return TypedResults.Ok(await view.BuildAsync(cart, ct));
    }

    /// <summary>Finds the cart for a write that requires If-Match; the problem to answer, or null and the cart.</summary>
    public static async Task<(Cart? Cart, ProblemHttpResult? Problem)> FindForWriteAsync(
        AppDbContext db, HttpContext http, Guid userId, CancellationToken ct)
    {
        if (!CartAccess.Allowed(http.User, userId) || await CartAccess.FindAsync(db, userId, ct) is not { } cart)
        {
            return (null, CartAccess.NotFound());
        }

        return Conditional.RequireIfMatch(http, CartAccess.ETag(cart)) is { } failure ? (null, failure) : (cart, null);
    }

    /// <summary>The same for a write to one line: a missing line (404) is answered before a stale If-Match (412).</summary>
    public static async Task<(Cart? Cart, CartItem? Item, ProblemHttpResult? Problem)> FindItemForWriteAsync(
        AppDbContext db, HttpContext http, Guid userId, Guid itemId, CancellationToken ct)
    {
        if (!CartAccess.Allowed(http.User, userId) || await CartAccess.FindAsync(db, userId, ct) is not { } cart)
        {
            return (null, null, CartAccess.NotFound());
        }

        if (cart.Find(itemId) is not { } item)
        {
            return (null, null, CartRules.ItemNotFound());
        }

        return Conditional.RequireIfMatch(http, CartAccess.ETag(cart)) is { } failure ? (null, null, failure) : (cart, item, null);
    }
}
