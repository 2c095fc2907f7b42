using System.ComponentModel.DataAnnotations;
using System.Security.Claims;
using Axle.Api.Features.Audit;
using Axle.Api.Features.Inventory;
using Axle.Api.Features.Orders;
using Axle.Api.Platform.Data;
using Axle.Api.Platform.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Axle.Api.Features.Shipments;

/// <summary>
/// <c>POST /api/v1/orders/{id}/shipments</c> (order manager, admin; Idempotency-Key honoured): units of a paid order leave
/// one warehouse under a tracking number. In one transaction the reserved stock there is committed (partially: the rest
/// stays reserved), the shipment is created, the order moves paid → picking with its first shipment and picking → shipped
/// once every part unit has left, and <c>shipment.updated</c> goes to the outbox. Split shipments (several warehouses,
/// several parcels) are normal. Core-charge lines are deposits, not parcels: they never ship.
/// </summary>
internal static class CreateShipment
{
    public const int MaxItems = 100;

    public sealed record Item(Guid OrderItemId, [property: Range(1, 100_000)] int Quantity);

    public sealed record Request(
        [property: Range(1, long.MaxValue)] long WarehouseId,
        [property: Required, StringLength(Shipment.CarrierMaxLength, MinimumLength = 2)] string? Carrier,
        [property: Required, StringLength(Shipment.TrackingNumberMaxLength, MinimumLength = 4)] string? TrackingNumber,
        [property: Required, Length(1, MaxItems)] IReadOnlyList<Item>? Items);

    public static async Task<Results<Created<ShipmentResponse>, ValidationProblem, ProblemHttpResult>> Handle(
        Guid id, Request request, ClaimsPrincipal principal, AppDbContext db, InventoryReservations reservations, AuditTrail audit,
        IOptions<ShipmentOptions> options, TimeProvider time, CancellationToken ct)
    {
        var maxShipments = options.Value.MaxPerOrder;
        var order = await db.Set<Order>().AsNoTracking().Include(o => o.Items).FirstOrDefaultAsync(o => o.Id == id, ct);
        if (order is null)
        {
            return Problems.NotFound("No such order.");
        }

        if (order.Status is not (OrderStatus.Paid or OrderStatus.Picking) || order.ReservationId is not { } reservationId)
        {
            return OrderProblems.IllegalTransition(OrderStateMachine.Name(order.Status), OrderStateMachine.Name(OrderStatus.Shipped));
        }

        var parts = order.Items.Where(i => i.Kind == OrderItemKind.Part).ToDictionary(i => i.Id);
        var items = request.Items!;
        for (var i = 0; i < items.Count; i++)
        {
            if (!parts.ContainsKey(items[i].OrderItemId))
            {
                return Problems.Validation($"items[{i}].orderItemId", "Not a part line of this order (core-charge lines do not ship).");
            }
        }

        var wanted = items.GroupBy(i => i.OrderItemId).ToDictionary(g => g.Key, g => g.Sum(i => i.Quantity));
        var shipped = await ShippedAsync(db, id, ct);
        var over = wanted.Where(w => w.Value > parts[w.Key].Quantity - shipped.GetValueOrDefault(w.Key)).Select(w => parts[w.Key].Sku).ToList();
        if (over.Count > 0)
        {
            return Problems.Conflict("exceeds_unshipped", "More than is left to ship",
                "A shipment cannot carry more units of a line than the order has not shipped yet.",
                new Dictionary<string, object?> { ["skus"] = over });
        }

        if (await db.Set<Shipment>().CountAsync(s => s.OrderId == id, ct) >= maxShipments)
        {
            return ShipmentLimitReached(maxShipments);
        }

        var carrier = request.Carrier!.Trim().ToLowerInvariant();
        var trackingNumber = request.TrackingNumber!.Trim();
        if (await db.Set<Shipment>().AnyAsync(s => s.Carrier == carrier && s.TrackingNumber == trackingNumber, ct))
        {
            return TrackingNumberTaken();
        }

        var actor = OrderEvents.Actor(principal);
        var shipmentId = Guid.CreateVersion7(time.GetUtcNow());
        var lines = wanted.GroupBy(w => parts[w.Key].PartId).Select(g => new AllocationLine(g.Key, g.Sum(w => w.Value))).ToList();
        async Task<bool> Record(CancellationToken token)
        {
            var now = time.GetUtcNow().UtcDateTime;
            var tracked = await db.Set<Order>().FirstAsync(o => o.Id == id, token);
            var shippedNow = await ShippedAsync(db, id, token);
            // The order's version (touched below) serializes its shipments, so this count cannot be passed by a racing one.
            if (tracked.Status is not (OrderStatus.Paid or OrderStatus.Picking)
                || wanted.Any(w => w.Value > parts[w.Key].Quantity - shippedNow.GetValueOrDefault(w.Key))
                || await db.Set<Shipment>().CountAsync(s => s.OrderId == id, token) >= maxShipments)
            {
                return false;
            }

            var shipment = new Shipment(shipmentId, id, request.WarehouseId, carrier, trackingNumber, now);
            foreach (var (orderItemId, quantity) in wanted)
            {
                shipment.Add(orderItemId, quantity);
            }

            db.Add(shipment);
            OrderTransitions.TryApply(db, audit, tracked, OrderStatus.Picking, actor, "First shipment left.", now);
            var complete = parts.Values.All(p => shippedNow.GetValueOrDefault(p.Id) + wanted.GetValueOrDefault(p.Id) >= p.Quantity);
            if (!(complete && OrderTransitions.TryApply(db, audit, tracked, OrderStatus.Shipped, actor, "Every unit has shipped.", now)))
            {
                // Another shipment of the same order races on the order's version: one of them saves.
                tracked.Touch(now);
            }

            ShipmentEvents.RecordUpdated(db, shipment, tracked.Number, now);
            audit.Record(db, "shipment.created", $"shipment/{shipmentId}", details: new
            {
                orderId = id,
                tracked.Number,
                request.WarehouseId,
                carrier,
                trackingNumber,
                items = wanted.Select(w => new { orderItemId = w.Key, quantity = w.Value }),
            });
            return true;
        }

        ShipOutcome outcome;
        try
        {
            outcome = await reservations.ShipAsync(reservationId, request.WarehouseId, lines, actor, Record, ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            return OrderChanged();
        }
        catch (DbUpdateException e) when (DbErrors.IsUniqueViolation(e))
        {
            return TrackingNumberTaken();
        }

        return outcome switch
        {
            ShipOutcome.Shipped => TypedResults.Created($"/api/v1/shipments/{shipmentId}", (await ShipmentReads.FindAsync(db, shipmentId, ct))!),
            ShipOutcome.Short => Problems.Conflict("not_reserved_at_warehouse", "Stock not held there",
                "That warehouse does not hold these units for this order; ship them from the warehouse that reserved them.",
                new Dictionary<string, object?> { ["warehouseId"] = request.WarehouseId }),
            _ => OrderChanged(),
        };
    }

    /// <summary>Units already shipped per order line.</summary>
    private static Task<Dictionary<Guid, int>> ShippedAsync(AppDbContext db, Guid orderId, CancellationToken ct) =>
        db.Set<ShipmentItem>().AsNoTracking()
            .Where(i => db.Set<Shipment>().Any(s => s.Id == i.ShipmentId && s.OrderId == orderId))
            .GroupBy(i => i.OrderItemId)
            .Select(g => new { g.Key, Quantity = g.Sum(i => i.Quantity) })
            .ToDictionaryAsync(g => g.Key, g => g.Quantity, ct);

    private static ProblemHttpResult OrderChanged() =>
        Problems.Conflict("order_changed", "Order changed", "The order changed while this request ran; read it again and retry.");

    private static ProblemHttpResult ShipmentLimitReached(int max) =>
        Problems.Conflict("shipment_limit_reached", "Too many shipments",
            $"An order has at most {max} shipments; ship the remaining units in one of them.",
            new Dictionary<string, object?> { ["maxShipments"] = max });

    private static ProblemHttpResult TrackingNumberTaken() =>
        Problems.Conflict("tracking_number_taken", "Tracking number in use", "This carrier's tracking number belongs to another shipment.");
}
