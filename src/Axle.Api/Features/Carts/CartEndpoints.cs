namespace Axle.Api.Features.Carts;

/// <summary>
/// Carts: one active cart per customer with live re-pricing, availability, fit checks against a vehicle, alternatives for
/// short parts, and tax/shipping estimates. Owners and staff only; anyone else gets 404.
/// </summary>
public static class CartEndpoints
{
    public static WebApplicationBuilder AddCarts(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<CartOptions>().BindConfiguration(CartOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddScoped<CartView>();
        return builder;
    }

    public static WebApplication MapCarts(this WebApplication app)
    {
        const string IfMatchRule = " Requires If-Match with the cart's ETag (428 without, 412 stale).";
        var group = app.MapGroup("/api/v1/carts/{userId:guid}").WithTags("Carts").RequireAuthorization()
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status404NotFound);
        group.MapGet("/", GetCart.Handle)
            .WithName("GetCart")
            .WithSummary("The user's active cart, started on the owner's first read")
            .WithDescription("Owner or staff; anyone else 404. Lines are re-priced at the current catalog price: priceChanged " +
                "with previousUnitPrice (the price when the quantity was last set) when it moved. available is live stock; a short " +
                "line lists in-stock alternatives (interchange or superseding parts). fits is yes/no/unknown against the cart's " +
                "vehicle. Totals come from one calculator in minor units: tax = (subtotal − discount) × rate, rounded once on the " +
                "total, half away from zero; shipping and core charges are not taxed; no destination → no tax. The ETag versions " +
                "the cart's own state (not the live prices), so this read never answers 304; Cache-Control is no-store.");
        group.MapPost("/items", AddCartItem.Handle)
            .WithName("AddCartItem")
            .WithSummary("Add units of a part (to its line when the cart has one)")
            .WithDescription("quantity 1-99; a line holds at most 99 (409 cart_quantity_limit). Unknown part → 404 part_not_found; " +
                "discontinued → 409 part_discontinued; more than available → 409 insufficient_stock with availableQuantity and " +
                "alternatives. If-Match optional (412 when stale); without it, concurrent adds are all applied. 201 with the cart.")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status412PreconditionFailed);
        group.MapPatch("/items/{itemId:guid}", UpdateCartItem.Handle)
            .WithName("UpdateCartItem")
            .WithSummary("Set a line's quantity")
            .WithDescription("Same checks as adding; the line's price snapshot becomes the current price." + IfMatchRule)
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status412PreconditionFailed)
            .ProducesProblem(StatusCodes.Status428PreconditionRequired);
        group.MapDelete("/items/{itemId:guid}", RemoveCartItem.Handle)
            .WithName("RemoveCartItem")
            .WithSummary("Remove a line")
            .WithDescription("204." + IfMatchRule)
            .ProducesProblem(StatusCodes.Status412PreconditionFailed)
            .ProducesProblem(StatusCodes.Status428PreconditionRequired);
        group.MapPut("/vehicle", SetCartVehicle.Handle)
            .WithName("SetCartVehicle")
            .WithSummary("Check every line against a vehicle")
            .WithDescription("Exactly one of: garageVehicleId (from the cart owner's garage, copied), vin (invalid → 400 invalid_vin " +
                "naming the reasons), or year + make + model (+ engine). A VIN is matched through the catalog's VIN patterns; one " +
                "the catalog does not know leaves every fit unknown." + IfMatchRule)
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status412PreconditionFailed)
            .ProducesProblem(StatusCodes.Status428PreconditionRequired);
        group.MapDelete("/vehicle", ClearCartVehicle.Handle)
            .WithName("ClearCartVehicle")
            .WithSummary("Remove the cart's vehicle")
            .WithDescription(IfMatchRule.Trim())
            .ProducesProblem(StatusCodes.Status412PreconditionFailed)
            .ProducesProblem(StatusCodes.Status428PreconditionRequired);
        group.MapPut("/shipping-address", SetShippingAddress.Handle)
            .WithName("SetCartShippingAddress")
            .WithSummary("Where the cart would ship: country (ISO 3166-1 alpha-2) and region, for the tax and shipping estimate")
            .WithDescription("Tax: the (country, region) rule of Tax:Rates, else the country-wide rule, else Tax:DefaultRatePercent. " +
                "Shipping: Shipping:FlatAmount + Shipping:PerKgAmount per started kilogram (+ HazmatSurcharge), free from " +
                "Shipping:FreeShippingThreshold." + IfMatchRule)
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status412PreconditionFailed)
            .ProducesProblem(StatusCodes.Status428PreconditionRequired);
        group.MapDelete("/shipping-address", ClearShippingAddress.Handle)
            .WithName("ClearCartShippingAddress")
            .WithSummary("Forget the destination (no tax in the estimate)")
            .WithDescription(IfMatchRule.Trim())
            .ProducesProblem(StatusCodes.Status412PreconditionFailed)
            .ProducesProblem(StatusCodes.Status428PreconditionRequired);
        group.MapPost("/promotions", ApplyCartPromotion.Handle)
            .WithName("ApplyCartPromotion")
            .WithSummary("Apply a promotion code to the cart (replacing any other)")
            .WithDescription("code in any case. 200 with the cart when it applies now; otherwise 400 with a stable code: " +
                "promotion_not_found, promotion_inactive, promotion_not_assigned, promotion_not_started, promotion_expired, " +
                "promotion_exhausted, promotion_customer_limit, promotion_not_applicable (no eligible line), " +
                "promotion_minimum_not_met. A code that later stops applying stays on the cart: promotion.applied false with the " +
                "reason and no discount. If-Match optional (412 when stale).")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status412PreconditionFailed);
        group.MapDelete("/promotions", RemoveCartPromotion.Handle)
            .WithName("RemoveCartPromotion")
            .WithSummary("Remove the cart's promotion code")
            .WithDescription("200 with the cart." + IfMatchRule)
            .ProducesProblem(StatusCodes.Status412PreconditionFailed)
            .ProducesProblem(StatusCodes.Status428PreconditionRequired);
        return app;
    }
}
