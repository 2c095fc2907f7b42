using System.ComponentModel.DataAnnotations;
using Axle.Api.Features.Pricing;
using Axle.Api.Platform.Data;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Axle.Api.Features.Carts;

/// <summary>
/// <c>PUT /api/v1/carts/{userId}/shipping-address</c>: where the cart would ship, for the tax and shipping estimate.
/// Only country and region are kept; checkout takes the full address. Requires If-Match.
/// </summary>
internal static class SetShippingAddress
{
    public sealed record Request(
        [property: Required, RegularExpression("^[A-Za-z]{2}$", ErrorMessage = "The country is an ISO 3166-1 alpha-2 code such as US.")]
        string? Country,
        [property: StringLength(100)] string? Region);

    public static async Task<Results<Ok<CartResponse>, ValidationProblem, ProblemHttpResult>> Handle(
        Guid userId, Request request, HttpContext http, AppDbContext db, CartView view, TimeProvider time, CancellationToken ct)
    {
        var (cart, problem) = await CartWrites.FindForWriteAsync(db, http, userId, ct);
        if (cart is null)
        {
            return problem!;
        }

        var region = string.IsNullOrWhiteSpace(request.Region) ? null : request.Region.Trim().ToUpperInvariant();
        cart.ShipTo(new Destination(request.Country!.ToUpperInvariant(), region));
        return await CartWrites.SaveAndShowAsync(db, http, view, cart, time.GetUtcNow().UtcDateTime, ct);
    }
}
