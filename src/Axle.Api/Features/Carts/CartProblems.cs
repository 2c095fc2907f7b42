using Axle.Api.Features.Catalog;
using Axle.Api.Platform.Data;
using Axle.Api.Platform.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Axle.Api.Features.Carts;

/// <summary>The part a cart line is about, as adding or changing a line needs it.</summary>
internal sealed record CartPart(long Id, string Sku, PartStatus Status, long PriceMinor, string Currency)
{
    public static Task<CartPart?> FindAsync(AppDbContext db, long partId, CancellationToken ct) =>
        db.Set<Part>().AsNoTracking().Where(p => p.Id == partId)
            .Select(p => new CartPart(p.Id, p.Sku, p.Status, p.PriceMinor, p.Currency)).FirstOrDefaultAsync(ct);
}

/// <summary>The checks every quantity change passes, and the carts' expected failures, each with a stable code.</summary>
internal static class CartRules
{
    /// <summary>
    /// Whether <paramref name="quantity"/> units of the part may be in the cart: sold (not discontinued), in the store's
    /// currency, at most <see cref="Cart.MaxQuantity"/>, and available now (live stock over active warehouses). Stock is
    /// not held: checkout reserves it; this answers early and offers alternatives.
    /// </summary>
    public static async Task<ProblemHttpResult?> CheckAsync(
        AppDbContext db, CartPart part, int quantity, string currency, int maxAlternatives, CancellationToken ct)
    {
        if (part.Status != PartStatus.Active)
        {
            return Problems.Conflict("part_discontinued", "Part discontinued",
                $"{part.Sku} is discontinued and can no longer be added.", new Dictionary<string, object?> { ["partId"] = part.Id });
        }

        if (!string.Equals(part.Currency, currency, StringComparison.Ordinal))
        {
            return Problems.Conflict("currency_mismatch", "Currency not sold",
                $"{part.Sku} is priced in {part.Currency}; carts are priced in {currency}.");
        }

        if (quantity > Cart.MaxQuantity)
        {
            return Problems.Conflict("cart_quantity_limit", "Quantity limit",
                $"A cart holds at most {Cart.MaxQuantity} of one part; this would make {quantity}.",
                new Dictionary<string, object?> { ["partId"] = part.Id, ["maxQuantity"] = Cart.MaxQuantity, ["requestedQuantity"] = quantity });
        }

        var available = (await CatalogStock.AvailableAsync(db, [part.Id], ct))[part.Id];
        if (quantity <= available)
        {
            return null;
        }

        var alternatives = await CartAlternatives.FindAsync(db, part.Id, maxAlternatives, ct);
        return Problems.Conflict("insufficient_stock", "Insufficient stock",
            $"Only {available} of {part.Sku} available ({quantity} requested).",
            new Dictionary<string, object?>
            {
                ["skus"] = new[] { part.Sku },
                ["partId"] = part.Id,
                ["requestedQuantity"] = quantity,
                ["availableQuantity"] = available,
                ["alternatives"] = alternatives,
            });
    }

    public static ProblemHttpResult PartNotFound(long partId) =>
        Problems.Create(StatusCodes.Status404NotFound, "part_not_found", "Not found", $"No part has the id {partId}.");

    public static ProblemHttpResult ItemNotFound() => Problems.NotFound("No such line in this cart.");

    public static ProblemHttpResult CartFull(int maxLines) =>
        Problems.Conflict("cart_full", "Cart full", $"A cart holds at most {maxLines} different parts. Remove one first.");
}
