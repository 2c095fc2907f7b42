using Axle.Api.Features.Orders;
using Axle.Api.Platform.Http;

namespace Axle.Api.Features.Returns;

/// <summary>
/// Returns (RMA): the customer asks within the return window, an order manager approves or rejects, the warehouse receives
/// with a condition per item (resaleable units restock), the refund goes through the gateway and the order becomes
/// <c>partially_returned</c> or <c>returned</c>. Core deposits come back with the old unit within the longer core window.
/// </summary>
public static class ReturnEndpoints
{
    public static WebApplicationBuilder AddReturns(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<ReturnOptions>().BindConfiguration(ReturnOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        return builder;
    }

    public static WebApplication MapReturns(this WebApplication app)
    {
        var orders = app.MapGroup("/api/v1/orders/{id:guid}/returns").WithTags("Returns").RequireAuthorization()
            .ProducesProblem(StatusCodes.Status401Unauthorized);
        orders.MapPost("/", RequestReturn.Handle)
            .WithIdempotency()
            .WithName("RequestReturn")
            .WithSummary("Ask to return delivered units (RMA requested)")
            .WithDescription("The order's customer. Order delivered or partially_returned (else 409 order_not_returnable); within " +
                "Returns:Window of delivery, Returns:CoreWindow for core deposit lines (else 409 return_window_closed); at most the " +
                "delivered quantity less other open returns (409 return_quantity_exceeded); 1-50 distinct lines. Reasons: wrong_part, " +
                "does_not_fit, defective, damaged_in_transit, not_needed, core_return, other.")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);
        orders.MapGet("/", ListOrderReturns.Handle)
            .WithName("ListOrderReturns")
            .WithSummary("The returns of an order")
            .ProducesProblem(StatusCodes.Status404NotFound);

        var returns = app.MapGroup("/api/v1/returns").WithTags("Returns").RequireAuthorization()
            .ProducesProblem(StatusCodes.Status401Unauthorized);
        returns.MapGet("/{id:guid}", GetReturn.Handle)
            .WithName("GetReturn")
            .WithSummary("One return: owner or staff, anyone else 404")
            .WithDescription("ETag; If-None-Match → 304.")
            .ProducesProblem(StatusCodes.Status404NotFound);
        returns.MapPost("/{id:guid}/approve", ReviewReturn.Approve)
            .RequireAuthorization(OrderEndpoints.ManageOrders)
            .WithName("ApproveReturn")
            .WithSummary("Approve a requested return (order manager, admin)")
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);
        returns.MapPost("/{id:guid}/reject", ReviewReturn.Reject)
            .RequireAuthorization(OrderEndpoints.ManageOrders)
            .WithName("RejectReturn")
            .WithSummary("Reject a requested return (order manager, admin); its quantities can be asked for again")
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);
        returns.MapPost("/{id:guid}/receive", ReceiveReturn.Handle)
            .RequireAuthorization(OrderEndpoints.ManageOrders)
            .WithIdempotency()
            .WithName("ReceiveReturn")
            .WithSummary("Receive an approved return into a warehouse, a condition per item")
            .WithDescription("{warehouseId, items: [{returnItemId, condition}]} naming every item once. resaleable part units restock " +
                "(return_restock movement); opened and damaged are recorded only; core is for core deposit lines (and required there). " +
                "Once only: a second receipt → 409.")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);
        returns.MapPost("/{id:guid}/refund", RefundReturn.Handle)
            .RequireAuthorization(OrderEndpoints.ManageOrders)
            .WithIdempotency()
            .WithName("RefundReturn")
            .WithSummary("Refund a received return through the gateway; the order becomes partially_returned or returned")
            .WithDescription("Part units at their price less their share of the order's discount plus their share of its tax " +
                "(cumulative shares, rounded half away from zero, so all returns together refund exactly what was paid for the parts); " +
                "core deposits received as core at their price; shipping is not refunded.")
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);
        return app;
    }
}
