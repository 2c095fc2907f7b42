using Axle.Api.Platform.Security;

namespace Axle.Api.Features.Promotions;

/// <summary>
/// Promotions: codes with a percentage or fixed discount, a minimum, a validity window, global and per-customer limits,
/// brand/category restrictions and personalized offers. Admin CRUD here; carts apply codes through
/// <see cref="PromotionEngine"/>, which checkout also uses to redeem and release them.
/// </summary>
public static class PromotionEndpoints
{
    public static WebApplicationBuilder AddPromotions(this WebApplicationBuilder builder)
    {
        builder.Services.AddScoped<PromotionEngine>();
        return builder;
    }

    public static WebApplication MapPromotions(this WebApplication app)
    {
        const string IfMatchRule = " Requires If-Match with the promotion's ETag (428 without, 412 stale).";
        var group = app.MapGroup("/api/v1/promotions").WithTags("Promotions").RequireAuthorization(Policies.Admin)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden);
        group.MapPost("/", CreatePromotion.Handle)
            .WithName("CreatePromotion")
            .WithSummary("Create a promotion code")
            .WithDescription("Admins only. code: 3-32 letters, digits, '-', '_', stored upper-case (customers type it in any case), " +
                "unique (409 promotion_code_taken). kind percent (percentOff 0 < p ≤ 100) or fixed (amountOff in the store's " +
                "currency). minSubtotal, startsAt (inclusive) and endsAt (exclusive, UTC), maxRedemptions (all customers), " +
                "maxPerCustomer, brandIds and categoryIds (a category covers its sub-categories; only matching lines count " +
                "toward the discount and the minimum; with both, a line must match both), personalized (only assigned customers), " +
                "active (default true).")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status409Conflict);
        group.MapGet("/", ListPromotions.Handle)
            .WithName("ListPromotions")
            .WithSummary("Promotions, newest first")
            .WithDescription("Cursor-paginated (limit ≤ 100). ?active=true|false filters.");
        group.MapGet("/{id:guid}", GetPromotion.Handle)
            .WithName("GetPromotion")
            .WithSummary("One promotion with its redemption count")
            .WithDescription("ETag from the promotion's version (redemptions do not change it); If-None-Match → 304.")
            .ProducesProblem(StatusCodes.Status404NotFound);
        group.MapPut("/{id:guid}", ReplacePromotion.Handle)
            .WithName("ReplacePromotion")
            .WithSummary("Replace a promotion's terms")
            .WithDescription("The same body as create; the code never changes and the counters stay." + IfMatchRule)
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status412PreconditionFailed)
            .ProducesProblem(StatusCodes.Status428PreconditionRequired);
        group.MapDelete("/{id:guid}", DeletePromotion.Handle)
            .WithName("DeletePromotion")
            .WithSummary("Delete a promotion, or deactivate it once redeemed")
            .WithDescription("204 when no order redeemed it; otherwise it is deactivated and 200 shows it." + IfMatchRule)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status412PreconditionFailed)
            .ProducesProblem(StatusCodes.Status428PreconditionRequired);
        group.MapPost("/{id:guid}/assignments", AssignPromotion.ToUsers)
            .WithName("AssignPromotion")
            .WithSummary("Offer a personalized promotion to customers")
            .WithDescription($"userIds: 1-{AssignPromotion.MaxUsers} existing users (unknown ids → 400). Repeating an assignment is harmless.")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound);
        group.MapPost("/{id:guid}/assignments:garage", AssignPromotion.ToGarages)
            .WithName("AssignPromotionByGarage")
            .WithSummary("Offer a personalized promotion to every customer with a matching vehicle in their garage")
            .WithDescription("make (required) and model compared case-insensitively; yearFrom/yearTo inclusive. Answers how many " +
                "customers matched and how many were newly assigned.")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound);
        return app;
    }
}
