using Axle.Api.Features.Catalog;
using Axle.Api.Features.Pricing;
using Axle.Api.Features.Promotions;
using Axle.Api.Platform.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Axle.Api.Features.Carts;

/// <summary>
/// Builds what a cart read shows from live data: each line re-priced at the catalog's current price (flagged when it
/// differs from the snapshot), live availability, fit against the cart's vehicle, alternatives for short lines, and
/// totals from <see cref="PriceCalculator"/> with the configured tax and shipping rules, after the discount of the cart's
/// promotion code as <see cref="PromotionEngine"/> prices it now.
/// </summary>
internal sealed class CartView(
    AppDbContext db, ITaxCalculator tax, IShippingCalculator shipping, IOptions<ShippingOptions> shippingOptions,
    IOptions<CartOptions> options, PromotionEngine promotions)
{
    private sealed record PartFacts(
        long Id, string Sku, string PartNumber, string Name, PartStatus Status, long PriceMinor, string Currency,
        long CoreChargeMinor, bool Hazmat, int? WeightGrams, int BrandId, int CategoryId);

    /// <summary>The store's currency: every cart line is priced in it.</summary>
    public string Currency => shippingOptions.Value.Currency;

    public async Task<CartResponse> BuildAsync(Cart cart, CancellationToken ct)
    {
        var items = cart.Items.OrderBy(i => i.AddedAt).ThenBy(i => i.Id).ToList();
        var ids = items.Select(i => i.PartId).ToList();
        var parts = await db.Set<Part>().AsNoTracking().Where(p => ids.Contains(p.Id))
            .Select(p => new PartFacts(p.Id, p.Sku, p.PartNumber, p.Name, p.Status, p.PriceMinor, p.Currency, p.CoreChargeMinor,
                p.Hazmat, p.WeightGrams, p.BrandId, p.CategoryId))
            .ToDictionaryAsync(p => p.Id, ct);
        var available = await CatalogStock.AvailableAsync(db, ids, ct);
        var vehicleIds = cart.Vehicle is { } vehicle ? await CartFit.VehicleIdsAsync(db, vehicle, ct) : null;
        var fits = await CartFit.CheckAsync(db, vehicleIds, ids, ct);

        var currency = Currency;
        var priceLines = items.Select(i => new PriceLine(parts[i.PartId].PriceMinor, i.Quantity, parts[i.PartId].CoreChargeMinor,
            parts[i.PartId].Currency)).ToList();
        var subtotal = PriceCalculator.Subtotal(priceLines);
        var promotion = await QuotePromotionAsync(cart, items, parts, ct);
        var discountMinor = promotion?.DiscountMinor ?? 0;
        var merchandise = subtotal - Math.Clamp(discountMinor, 0, subtotal);
        var quote = shipping.Quote(new ShippingRequest(currency,
            [.. items.Select(i => new ShippingLine(parts[i.PartId].WeightGrams, i.Quantity, parts[i.PartId].Hazmat))],
            merchandise, cart.Destination));
        var rate = cart.Destination is { } destination ? tax.RateFor(destination) : null;
        var price = PriceCalculator.Calculate(new PriceInput(currency, priceLines, discountMinor, rate?.Percent ?? 0m, quote.AmountMinor));

        var lines = new List<CartLineResponse>(items.Count);
        for (var i = 0; i < items.Count; i++)
        {
            var item = items[i];
            var part = parts[item.PartId];
            var changed = item.UnitPriceMinor != part.PriceMinor || item.Currency != part.Currency;
            var isShort = available[part.Id] < item.Quantity;
            lines.Add(new CartLineResponse(
                item.Id, part.Id, part.Sku, part.PartNumber, part.Name, part.Status == PartStatus.Active ? "active" : "discontinued",
                item.Quantity,
                Money.FromMinor(part.PriceMinor, part.Currency),
                changed,
                changed ? Money.FromMinor(item.UnitPriceMinor, item.Currency) : null,
                part.CoreChargeMinor > 0 ? Money.FromMinor(part.CoreChargeMinor, part.Currency) : null,
                Money.FromMinor(price.LineTotals[i], currency),
                available[part.Id],
                !isShort,
                fits[part.Id],
                part.Hazmat,
                part.WeightGrams,
                isShort ? await CartAlternatives.FindAsync(db, part.Id, options.Value.MaxAlternatives, ct) : null));
        }

        var v = cart.Vehicle;
        return new CartResponse(
            cart.Id,
            cart.UserId,
            currency,
            lines,
            v is null ? null : new CartVehicleResponse(SourceName(v.Source), v.GarageVehicleId, v.Year, v.Make, v.Model, v.Engine, v.Vin,
                vehicleIds is not null),
            cart.Destination is { } d ? new CartDestinationResponse(d.Country, d.Region) : null,
            lines.Exists(l => l.Hazmat),
            lines.Exists(l => l.PriceChanged),
            new CartTotals(
                Money.FromMinor(price.Subtotal, currency),
                Money.FromMinor(price.Discount, currency),
                Money.FromMinor(price.Tax, currency),
                Money.FromMinor(price.Shipping, currency),
                Money.FromMinor(price.CoreCharges, currency),
                Money.FromMinor(price.Total, currency)),
            promotion is null ? null : new CartPromotionResponse(promotion.Code, promotion.Applies, promotion.Refusal,
                Money.FromMinor(price.Discount, currency)),
            new CartEstimate(rate?.Percent ?? 0m, rate?.Jurisdiction, quote.BilledKilograms, quote.FreeShipping),
            cart.Version,
            cart.UpdatedAt);
    }

    /// <summary>The cart's code priced against its lines at the catalog's current prices; null without a code.</summary>
    private async Task<PromotionQuote?> QuotePromotionAsync(
        Cart cart, List<CartItem> items, Dictionary<long, PartFacts> parts, CancellationToken ct)
    {
        if (cart.PromotionCode is not { } code)
        {
            return null;
        }

        var lines = items.Select(i => (Part: parts[i.PartId], i.Quantity))
            .Select(l => new PromotionLine(l.Part.Id, l.Part.BrandId, l.Part.CategoryId, checked(l.Part.PriceMinor * l.Quantity))).ToList();
        return await promotions.QuoteAsync(code, cart.UserId, lines, ct);
    }

    public static string SourceName(CartVehicleSource source) => source switch
    {
        CartVehicleSource.Garage => "garage",
        CartVehicleSource.YearMakeModel => "ymm",
        _ => "vin",
    };
}
