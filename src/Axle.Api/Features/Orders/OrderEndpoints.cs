using Axle.Api.Features.Catalog;
using Axle.Api.Platform.Hosting;
using Axle.Api.Platform.Http;
using Axle.Api.Platform.Security;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Axle.Api.Features.Orders;

/// <summary>
/// Orders: idempotent checkout on top of inventory reservations and the payment gateway, the order lifecycle as one
/// state machine, cancellation with stock release and refund, status with history and shipment tracking.
/// </summary>
public static class OrderEndpoints
{
    /// <summary>Manual lifecycle steps: order managers and admins.</summary>
    internal static readonly string ManageOrders = Policies.ScopeOrRoles("orders:write", Roles.OrderManager, Roles.Admin);

    public static WebApplicationBuilder AddOrders(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<OrderOptions>().BindConfiguration(OrderOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddScoped<OrderSettlement>();
        services.AddSingleton<OrderMetrics>();
        services.AddSingleton<ISaveChangesInterceptor, OrderMetricsInterceptor>();
        services.AddScoped<IPartUsage, OrderPartUsage>();
        services.AddScoped<IOrderTracking, NoOrderTracking>();
        services.AddScoped<Inventory.IReservationShortfallListener, OrderStockShortfall>();
        services.AddWorker<PendingPaymentWorker>();
        return builder;
    }

    public static WebApplication MapOrders(this WebApplication app)
    {
        var group = app.MapGroup("/api/v1/orders").WithTags("Orders").RequireAuthorization()
            .ProducesProblem(StatusCodes.Status401Unauthorized);
        group.MapPost("/", PlaceOrder.Handle)
            .WithIdempotency(required: true)
            .WithName("PlaceOrder")
            .WithSummary("Checkout: reserve stock, charge the card, place the order")
            .WithDescription("Idempotency-Key required (400 without; a replay returns the first response; another body with the same key " +
                "→ 422; while the first runs → 409). Lines from items, or from the caller's active cart (cartId optional; the cart is " +
                "closed). Test gateway tokens: tok_visa approves (201, status paid), tok_declined → 402 payment_declined (nothing " +
                "held, order cancelled), tok_timeout → 202 with status pending_payment (settled later by the payment webhook or " +
                "the reconciliation). Insufficient stock → 409 insufficient_stock naming the SKUs. A line known not to fit the " +
                "cart's vehicle needs acknowledgeFit: true (409 fit_acknowledgement_required). shippingMethod standard (ground, " +
                "carries hazmat) or express (air; hazardous parts → 400 hazmat_not_shippable). expectedTotal pins the price " +
                "(409 total_changed). A part with a core charge adds a core_charge line (refundable deposit).")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status402PaymentRequired)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity);
        group.MapGet("/", ListOrders.Handle)
            .WithName("ListOrders")
            .WithSummary("Orders, newest first: customers their own, staff everyone's")
            .WithDescription("Filters: status, from/to (placed at, UTC; to exclusive), needsAttention, userId (staff only). Cursor-paginated.")
            .ProducesValidationProblem();
        group.MapGet("/{id:guid}", GetOrder.Handle)
            .WithName("GetOrder")
            .WithSummary("One order with its lines, totals and payment")
            .WithDescription("Owner or staff; anyone else 404. ETag; If-None-Match → 304.")
            .ProducesProblem(StatusCodes.Status404NotFound);
        group.MapGet("/{id:guid}/status", GetOrderStatus.Handle)
            .WithName("GetOrderStatus")
            .WithSummary("Status, history of every step, attention flag, shipments with tracking events")
            .ProducesProblem(StatusCodes.Status404NotFound);
        group.MapPost("/{id:guid}/cancel", CancelOrder.Handle)
            .WithIdempotency()
            .WithName("CancelOrder")
            .WithSummary("Cancel before shipment: releases stock, refunds a paid order")
            .WithDescription("The owner or an order manager/admin. From pending_payment, paid or picking; otherwise 409 illegal_transition.")
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);
        group.MapPost("/{id:guid}/transitions", TransitionOrder.Handle)
            .RequireAuthorization(ManageOrders)
            .WithName("TransitionOrder")
            .WithSummary("A manual lifecycle step: picking, or delivered")
            .WithDescription("Order managers and admins. If-Match optional (the order's ETag). Steps the state machine does not allow → 409 " +
                "illegal_transition; steps with their own endpoint (paid, shipped, cancelled, returned) → 409 transition_not_manual.")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status412PreconditionFailed);
        return app;
    }
}
