using System.ComponentModel.DataAnnotations;
using System.Security.Claims;
using Axle.Api.Features.Audit;
using Axle.Api.Features.Carts;
using Axle.Api.Features.Catalog;
using Axle.Api.Features.Identity;
using Axle.Api.Features.Inventory;
using Axle.Api.Features.Payments;
using Axle.Api.Features.Pricing;
using Axle.Api.Features.Promotions;
using Axle.Api.Platform.Data;
using Axle.Api.Platform.Http;
using Axle.Api.Platform.Security;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Axle.Api.Features.Orders;

/// <summary>
/// <c>POST /api/v1/orders</c> (Idempotency-Key required): checkout. Validates the address and lines, prices them with
/// <see cref="PriceCalculator"/>, then in <b>one transaction</b> reserves the stock (one conditional update per warehouse
/// level), writes the order (<c>pending_payment</c>), its payment record and history, and closes the cart. Then it charges
/// the card through <see cref="IPaymentGateway"/> and settles: approved → <c>paid</c> with the reservation confirmed, in
/// one transaction; declined → 402 with the reservation released and the order cancelled; no answer → 202 with the
/// order still <c>pending_payment</c> (its stock hold expires unless the payment webhook or the reconciliation settles it).
/// A crash at any point leaves either nothing or a pending order whose hold expires and which the reconciliation settles.
/// </summary>
internal static class PlaceOrder
{
    public const int MaxLines = 100;

    public sealed record LineRequest(
        [property: Required, Range(1, long.MaxValue)] long? PartId,
        [property: Required, Range(1, Cart.MaxQuantity)] int? Quantity);

    public sealed record PaymentRequest(
        [property: Required, StringLength(16, MinimumLength = 1)] string? Method,
        [property: Required, StringLength(200, MinimumLength = 1)] string? Token);

    /// <param name="AcknowledgeFit">Required (true) when a line is known not to fit the cart's vehicle.</param>
    /// <param name="ExpectedTotal">When given, the order is placed only at exactly this total (409 total_changed otherwise).</param>
    public sealed record Request(
        Guid? CartId,
        [property: MaxLength(MaxLines)] List<LineRequest>? Items,
        [property: Required] AddressDto? ShippingAddress,
        [property: Required] PaymentRequest? Payment,
        [property: StringLength(16)] string? ShippingMethod,
        [property: StringLength(64)] string? PromotionCode,
        bool? AcknowledgeFit,
        Money? ExpectedTotal);

    private sealed record PartFacts(
        long Id, string Sku, string PartNumber, string Name, PartStatus Status, long PriceMinor, string Currency, long CoreChargeMinor,
        bool Hazmat, int? WeightGrams, int BrandId, int CategoryId);

    public static async Task<Results<Created<OrderResponse>, Accepted<OrderResponse>, ValidationProblem, ProblemHttpResult>> Handle(
        Request request, ClaimsPrincipal principal, AppDbContext db, InventoryReservations reservations, OrderSettlement settlement,
        IPaymentGateway gateway, PromotionEngine promotions, ITaxCalculator tax, IShippingCalculator shipping, IOptions<ShippingOptions> shippingOptions,
        IOptions<OrderOptions> orderOptions, AuditTrail audit, TimeProvider time, HttpContext http, CancellationToken ct)
    {
        if (principal.UserId() is not { } userId)
        {
            return Problems.Forbidden("Orders are placed by customers' own accounts.");
        }

        if (Validate(request) is { } invalid)
        {
            return invalid;
        }

        // A retry after the server died between placing the order and storing the answer: the order is already there
        // under the id this Idempotency-Key derives; answer with it as it stands now rather than place it twice.
        var claim = http.Features.Get<IdempotencyClaim>();
        var orderId = claim?.DeriveId("order") ?? Guid.CreateVersion7(time.GetUtcNow());
        if (claim is not null && await db.Set<Order>().AnyAsync(o => o.Id == orderId && o.UserId == userId, ct))
        {
            var earlier = await OrderReads.FindAsync(db, orderId, ct);
            return earlier?.Status == OrderStateMachine.Name(OrderStatus.PendingPayment)
                ? TypedResults.Accepted($"/api/v1/orders/{orderId}", earlier)
                : TypedResults.Created($"/api/v1/orders/{orderId}", earlier);
        }

        // Unpaid orders hold stock: a cap per customer keeps a script from parking scarce parts in checkouts that never pay.
        var maxPending = orderOptions.Value.MaxPendingPerCustomer;
        if (await db.Set<Order>().CountAsync(o => o.UserId == userId && o.Status == OrderStatus.PendingPayment, ct) >= maxPending)
        {
            return Problems.Conflict("too_many_pending_orders", "Too many unpaid orders",
                $"At most {maxPending} orders may wait for payment at once. Complete or cancel one first.",
                new Dictionary<string, object?> { ["maxPendingOrders"] = maxPending });
        }

        var method = request.ShippingMethod ?? ShippingMethods.Standard;
        var address = request.ShippingAddress!.ToEntity();
        var actor = OrderEvents.Actor(principal);

        // The lines: the request's own, or the caller's active cart (with its vehicle, for the fit check).
        Cart? cart = null;
        List<(long PartId, int Quantity)> lines;
        if (request.Items is { Count: > 0 } items)
        {
            lines = [.. items.GroupBy(i => i.PartId!.Value).Select(g => (g.Key, g.Sum(i => i.Quantity!.Value)))];
            if (lines.FirstOrDefault(l => l.Quantity > Cart.MaxQuantity) is { PartId: > 0 } over)
            {
                return Problems.Validation("items", $"At most {Cart.MaxQuantity} units of one part (part {over.PartId}).");
            }
        }
        else
        {
            cart = await db.Set<Cart>().AsNoTracking().Include(c => c.Items)
                .FirstOrDefaultAsync(c => c.UserId == userId && c.Status == CartStatus.Active, ct);
            if (request.CartId is { } cartId && cart?.Id != cartId)
            {
                return Problems.NotFound("No active cart with this id.");
            }

            if (cart is null || cart.Items.Count == 0)
            {
                return Problems.BadRequest("cart_empty", "The cart is empty: add items, or send items with the order.");
            }

            lines = [.. cart.Items.OrderBy(i => i.AddedAt).ThenBy(i => i.Id).Select(i => (i.PartId, i.Quantity))];
        }

        var ids = lines.Select(l => l.PartId).ToList();
        var parts = await db.Set<Part>().AsNoTracking().Where(p => ids.Contains(p.Id))
            .Select(p => new PartFacts(p.Id, p.Sku, p.PartNumber, p.Name, p.Status, p.PriceMinor, p.Currency, p.CoreChargeMinor, p.Hazmat,
                p.WeightGrams, p.BrandId, p.CategoryId))
            .ToDictionaryAsync(p => p.Id, ct);
        if (ids.Where(id => !parts.ContainsKey(id)).ToList() is { Count: > 0 } unknown)
        {
            return Problems.Create(StatusCodes.Status400BadRequest, "unknown_part", "Unknown part",
                $"No part with id {string.Join(", ", unknown)}.", new Dictionary<string, object?> { ["partIds"] = unknown });
        }

        var currency = shippingOptions.Value.Currency;
        if (parts.Values.FirstOrDefault(p => p.Status != PartStatus.Active) is { } discontinued)
        {
            return Problems.Conflict("part_discontinued", "Part discontinued", $"{discontinued.Sku} is discontinued and can no longer be ordered.",
                new Dictionary<string, object?> { ["partId"] = discontinued.Id });
        }

        if (parts.Values.FirstOrDefault(p => p.Currency != currency) is { } foreign)
        {
            return Problems.Conflict("currency_mismatch", "Currency not sold", $"{foreign.Sku} is priced in {foreign.Currency}; orders are in {currency}.");
        }

        if (!ShippingMethods.CarriesHazmat(method) && parts.Values.Where(p => p.Hazmat).Select(p => p.Sku).ToList() is { Count: > 0 } hazmat)
        {
            return Problems.Create(StatusCodes.Status400BadRequest, "hazmat_not_shippable", "Hazardous parts cannot ship this way",
                $"{string.Join(", ", hazmat)} {(hazmat.Count == 1 ? "is" : "are")} hazardous and cannot go by {method}; choose " +
                $"{ShippingMethods.Standard}.", new Dictionary<string, object?> { ["skus"] = hazmat, ["shippingMethod"] = method });
        }

        // Fit against the cart's vehicle: a line known not to fit needs the customer's explicit acknowledgement.
        var vehicleIds = cart?.Vehicle is { } vehicle ? await CartFit.VehicleIdsAsync(db, vehicle, ct) : null;
        var fits = await CartFit.CheckAsync(db, vehicleIds, ids, ct);
        var misfits = ids.Where(id => fits[id] == "no").ToList();
        if (misfits.Count > 0 && request.AcknowledgeFit != true)
        {
            return Problems.Conflict("fit_acknowledgement_required", "Part does not fit the vehicle",
                $"{string.Join(", ", misfits.Select(id => parts[id].Sku))} do not fit the cart's vehicle. Send acknowledgeFit: true to order anyway.",
                new Dictionary<string, object?> { ["partIds"] = misfits });
        }

        // Prices are the catalog's current ones (what the cart shows); the client may pin the total it showed the customer.
        var priceLines = lines.Select(l => new PriceLine(parts[l.PartId].PriceMinor, l.Quantity, parts[l.PartId].CoreChargeMinor, currency)).ToList();
        var subtotal = PriceCalculator.Subtotal(priceLines);
        // A promotion code (the request's, else the cart's) must still apply now: a code that stopped applying is refused
        // rather than silently dropped, so the customer never pays more than the total they were shown.
        var promotionCode = request.PromotionCode ?? cart?.PromotionCode;
        PromotionQuote? promotion = null;
        if (!string.IsNullOrWhiteSpace(promotionCode))
        {
            promotion = await promotions.QuoteAsync(promotionCode, userId,
                [.. lines.Select(l => new PromotionLine(l.PartId, parts[l.PartId].BrandId, parts[l.PartId].CategoryId,
                    checked(parts[l.PartId].PriceMinor * l.Quantity)))], ct);
            if (promotion.Refusal is { } refusal)
            {
                return Problems.Create(StatusCodes.Status400BadRequest, refusal, "Promotion not applicable", PromotionRefusals.Describe(refusal),
                    new Dictionary<string, object?> { ["promotionCode"] = promotionCode });
            }
        }

        var discount = promotion?.DiscountMinor ?? 0;
        var destination = new Destination(address.Country, address.Region);
        var quote = shipping.Quote(new ShippingRequest(currency,
            [.. lines.Select(l => new ShippingLine(parts[l.PartId].WeightGrams, l.Quantity, parts[l.PartId].Hazmat))],
            subtotal - discount, destination, method));
        var rate = tax.RateFor(destination);
        var price = PriceCalculator.Calculate(new PriceInput(currency, priceLines, discount, rate.Percent, quote.AmountMinor));
        if (request.ExpectedTotal is { } expected
            && (expected.Currency != currency || !MinorUnits.TryFromAmount(expected.Amount, out var expectedMinor) || expectedMinor != price.Total))
        {
            return Problems.Conflict("total_changed", "Total changed",
                $"The order would total {MinorUnits.ToAmount(price.Total)} {currency}, not {expected.Amount} {expected.Currency}.",
                new Dictionary<string, object?> { ["total"] = Money.FromMinor(price.Total, currency) });
        }

        var now = time.GetUtcNow().UtcDateTime;
        var order = new Order(
            orderId, OrderNumbers.Next(), userId, currency,
            new OrderTotals(price.Subtotal, price.Discount, price.Tax, price.Shipping, price.CoreCharges, price.Total),
            rate.Percent, rate.Jurisdiction, method, address, promotion?.Code, actor, now);
        if (cart?.Vehicle is { } v)
        {
            order.ForVehicle(v.Year, v.Make, v.Model, v.Engine, v.Vin);
        }

        foreach (var (partId, quantity) in lines)
        {
            var p = parts[partId];
            var item = order.AddItem(new OrderItem(order.Id, OrderItemKind.Part, p.Id, p.Sku, p.PartNumber, p.Name, quantity, p.PriceMinor,
                p.Hazmat, fits[partId], fits[partId] == "no", null));
            if (p.CoreChargeMinor > 0)
            {
                order.AddItem(new OrderItem(order.Id, OrderItemKind.CoreCharge, p.Id, p.Sku, p.PartNumber, "Core charge: " + p.Name, quantity,
                    p.CoreChargeMinor, false, fits[partId], false, item.Id));
            }
        }

        var payment = new Payment(order.Id, gateway.Name, price.Total, currency, $"order:{order.Id}", now);
        var promotionExhausted = false;
        var outcome = await reservations.ReserveAsync(
            new ReserveCommand([.. lines.Select(l => new AllocationLine(l.PartId, l.Quantity))], "order", order.Id.ToString(),
                new ShipTo(address.Country, address.Region), actor),
            async (reservation, token) =>
            {
                if (cart is not null && !await CloseCartAsync(db, cart, now, token))
                {
                    return false;
                }

                // The promotion's limits are claimed in the same transaction: a limit reached by a concurrent checkout
                // rolls this order back whole (stock included).
                if (promotion?.PromotionId is { } promotionId
                    && !await promotions.TryRedeemAsync(db, promotionId, userId, order.Id, price.Discount, token))
                {
                    promotionExhausted = true;
                    return false;
                }

                order.HoldWith(reservation.Id);
                db.Add(order);
                db.Add(payment);
                OrderEvents.RecordCreated(db, order, now);
                audit.Record(db, "order.placed", $"order/{order.Id}", details: new
                {
                    order.Number,
                    total = price.Total,
                    currency,
                    lines = lines.Select(l => new { l.PartId, l.Quantity }),
                });
                return true;
            },
            ct);

        switch (outcome)
        {
            case ReserveOutcome.Insufficient shortage:
                return Problems.Conflict("insufficient_stock", "Insufficient stock",
                    $"Not enough stock for {string.Join(", ", shortage.Shortages.Select(s => s.Sku))}.",
                    new Dictionary<string, object?>
                    {
                        ["skus"] = shortage.Shortages.Select(s => s.Sku).ToList(),
                        ["shortages"] = shortage.Shortages.Select(s => new { s.PartId, s.Sku, requested = s.Requested, available = s.Available }).ToList(),
                    });
            case ReserveOutcome.UnknownParts unknownParts:
                return Problems.Create(StatusCodes.Status400BadRequest, "unknown_part", "Unknown part",
                    $"No part with id {string.Join(", ", unknownParts.PartIds)}.");
            case ReserveOutcome.Refused when promotionExhausted:
                return Problems.Conflict(PromotionRefusals.Exhausted, "Promotion used up",
                    "The promotion reached its usage limit while the order was being placed. Remove the code and place the order again.",
                    new Dictionary<string, object?> { ["promotionCode"] = promotion?.Code });
            case ReserveOutcome.Refused:
                return Problems.Conflict("cart_changed", "Cart changed",
                    "The cart changed while the order was being placed. Review it and place the order again.");
        }

        var settled = await settlement.ChargeAsync(order.Id, request.Payment!.Token!, actor, ct);
        var placed = await OrderReads.FindAsync(db, order.Id, ct);
        var location = $"/api/v1/orders/{order.Id}";
        return settled switch
        {
            SettleOutcome.Paid => TypedResults.Created(location, placed),
            SettleOutcome.Pending => TypedResults.Accepted(location, placed),
            SettleOutcome.Declined => Problems.Create(StatusCodes.Status402PaymentRequired, "payment_declined", "Payment declined",
                $"The card was declined ({placed!.Payment?.FailureCode ?? "declined"}). Nothing was charged and no stock is held; " +
                "place the order again with another card.",
                new Dictionary<string, object?> { ["orderId"] = order.Id, ["declineCode"] = placed.Payment?.FailureCode }),
            SettleOutcome.StockLost => Problems.Conflict("insufficient_stock", "Insufficient stock",
                "The stock sold out while the payment was confirmed; the payment was refunded.",
                new Dictionary<string, object?> { ["orderId"] = order.Id, ["skus"] = lines.Select(l => parts[l.PartId].Sku).ToList() }),
            // Settled meanwhile by the webhook or the reconciliation: answer by where the order stands now.
            _ when placed?.Status == OrderStateMachine.Name(OrderStatus.Paid) => TypedResults.Created(location, placed),
            _ => TypedResults.Accepted(location, placed),
        };
    }

    /// <summary>Closes the active cart the order was placed from, if it is still as read (else the customer changed it meanwhile).</summary>
    private static async Task<bool> CloseCartAsync(AppDbContext db, Cart cart, DateTime now, CancellationToken ct) =>
        await db.Set<Cart>()
            .Where(c => c.Id == cart.Id && c.Status == CartStatus.Active && c.Version == cart.Version)
            .ExecuteUpdateAsync(s => s
                .SetProperty(c => c.Status, CartStatus.CheckedOut)
                .SetProperty(c => c.UpdatedAt, now)
                .SetProperty(c => c.Version, c => c.Version + 1), ct) == 1;

    private static ValidationProblem? Validate(Request request)
    {
        var errors = new Dictionary<string, string[]>();
        if (request.Items is { Count: > 0 } && request.CartId is not null)
        {
            errors["cartId"] = ["Send either cartId or items, not both."];
        }

        if (request.Payment is { Method: { } method } && method != "card")
        {
            errors["payment.method"] = ["The only payment method is card."];
        }

        if (request.ShippingMethod is { } shippingMethod && !ShippingMethods.IsKnown(shippingMethod))
        {
            errors["shippingMethod"] = [$"Use one of: {string.Join(", ", ShippingMethods.All)}."];
        }

        if (request.ExpectedTotal is { } total && (total.Amount < 0 || total.Currency is not { Length: 3 }))
        {
            errors["expectedTotal"] = ["A non-negative amount with an ISO 4217 currency."];
        }

        return errors.Count > 0 ? Problems.Validation(errors) : null;
    }
}
