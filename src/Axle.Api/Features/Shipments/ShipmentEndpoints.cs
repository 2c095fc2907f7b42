using Axle.Api.Features.Clients;
using Axle.Api.Features.Orders;
using Axle.Api.Platform.Http;
using Axle.Api.Platform.Security;
using Microsoft.AspNetCore.Mvc;

namespace Axle.Api.Features.Shipments;

/// <summary>
/// Shipments: units of paid orders leaving warehouses (partial commits of the order's stock reservation), carrier tracking
/// events pushed by webhook, and the order status page's view of them.
/// </summary>
public static class ShipmentEndpoints
{
    /// <summary>Creating shipments: order managers and admins, or a machine client with <c>shipments:write</c>.</summary>
    internal static readonly string ManageShipments = Policies.ScopeOrRoles(MachineScopes.ShipmentsWrite, Roles.OrderManager, Roles.Admin);

    public static WebApplicationBuilder AddShipments(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<ShipmentOptions>().BindConfiguration(ShipmentOptions.Section).ValidateDataAnnotations().ValidateOnStart();

        // Registered after AddOrders: replaces its empty default, so order status shows shipments.
        services.AddScoped<IOrderTracking, ShipmentTracking>();
        return builder;
    }

    public static WebApplication MapShipments(this WebApplication app)
    {
        app.MapPost("/api/v1/orders/{id:guid}/shipments", CreateShipment.Handle)
            .WithTags("Shipments")
            .RequireAuthorization(ManageShipments)
            .WithIdempotency()
            .WithName("CreateShipment")
            .WithSummary("Ship units of a paid order from one warehouse")
            .WithDescription("Order managers and admins (or scope shipments:write). Idempotency-Key honoured. Items are part lines of the " +
                "order (core_charge lines never ship) with quantity up to what is not shipped yet (409 exceeds_unshipped); the " +
                "warehouse must hold those units for the order (409 not_reserved_at_warehouse). Split shipments allowed. The first " +
                "shipment moves the order paid → picking, the one that ships the last unit picking → shipped. Order not paid or " +
                "picking → 409 illegal_transition; a carrier's tracking number used twice → 409 tracking_number_taken; an order " +
                "that already has Shipments:MaxPerOrder shipments (at most 100) → 409 shipment_limit_reached. " +
                "Carrier codes are stored lower case.")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);

        var group = app.MapGroup("/api/v1/shipments").WithTags("Shipments");
        group.MapGet("/{id:guid}", GetShipment.Handle)
            .RequireAuthorization(Policies.Staff)
            .WithName("GetShipment")
            .WithSummary("One shipment with its lines and carrier tracking events (staff)")
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound);
        group.MapPost("/events", CarrierEvents.Handle)
            .WithMetadata(new OpenApiContract.SignedBy(OpenApiContract.StandardWebhooks, OrScope: "shipments:events"))
            .AllowAnonymous()
            .WithMetadata(new RequestSizeLimitAttribute(CarrierEvents.MaxBodyBytes))
            .WithName("CarrierTrackingEvents")
            .WithSummary("Carrier tracking webhook: moves shipments and, on delivery, orders")
            .WithDescription("Authenticated EITHER by a bearer token of a machine client with scope shipments:events (other tokens → " +
                "403) OR by a Standard Webhooks signature (webhook-id, webhook-timestamp within 5 minutes, webhook-signature " +
                "v1,<base64 HMAC-SHA256 of \"{id}.{timestamp}.{raw body}\">) with a secret from Shipments:CarrierWebhookSecrets. " +
                "Any failed check → 401, naming none. Body {events: [{eventId, carrier, trackingNumber, status, occurredAt, " +
                "location?, description?}]}, 1–100 events, at most 256 KB; status one of label_created, in_transit, " +
                "out_for_delivery, delivered, exception, returned_to_sender. Answered 200 (not 202): events are applied " +
                "synchronously, each on its own, and the response reports each one — applied, recorded (stored but older than " +
                "the shipment's latest event, or no change: statuses never move backwards), duplicate (eventId seen before; not " +
                "reprocessed), unknown_tracking_number, or invalid (with detail). Delivered shipments and returned-to-sender " +
                "are final. When every shipment of a fully shipped order is delivered, the order becomes delivered.")
            .Accepts<CarrierEvents.Request>("application/json")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge);
        return app;
    }
}
