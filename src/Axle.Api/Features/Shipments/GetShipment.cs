using System.ComponentModel.DataAnnotations;
using Axle.Api.Features.Orders;
using Axle.Api.Platform.Data;
using Axle.Api.Platform.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Axle.Api.Features.Shipments;

public sealed record ShipmentItemResponse(Guid OrderItemId, int Quantity);

/// <param name="Events">The carrier's tracking events in the order they happened: the latest 100.</param>
/// <param name="EventCount">Every tracking event the shipment has; more than listed when over 100.</param>
public sealed record ShipmentResponse(
    Guid Id, Guid OrderId, long WarehouseId, string Carrier, string TrackingNumber, string Status, DateTime CreatedAt,
    DateTime ShippedAt, DateTime? DeliveredAt,
    [property: MaxLength(CreateShipment.MaxItems)] IReadOnlyList<ShipmentItemResponse> Items,
    [property: MaxLength(ShipmentReads.MaxEvents)] IReadOnlyList<TrackingEventResponse> Events, int EventCount);

internal static class ShipmentReads
{
    /// <summary>
    /// Tracking events a shipment shows at most: its latest ones (a parcel's journey is a few dozen scans; a carrier that
    /// keeps pushing cannot grow the answer). <c>eventCount</c> says how many it has.
    /// </summary>
    public const int MaxEvents = OrderTracking.MaxEvents;

    public static async Task<ShipmentResponse?> FindAsync(AppDbContext db, Guid id, CancellationToken ct)
    {
        var shipment = await db.Set<Shipment>().AsNoTracking().Include(s => s.Items).FirstOrDefaultAsync(s => s.Id == id, ct);
        if (shipment is null)
        {
            return null;
        }

        var events = await EventsAsync(db, [id], ct);
        var (listed, count) = events.GetValueOrDefault(id, ([], 0));
        return new ShipmentResponse(
            shipment.Id, shipment.OrderId, shipment.WarehouseId, shipment.Carrier, shipment.TrackingNumber, Shipment.Name(shipment.Status),
            shipment.CreatedAt, shipment.ShippedAt, shipment.DeliveredAt,
            [.. shipment.Items.Select(i => new ShipmentItemResponse(i.OrderItemId, i.Quantity))],
            listed, count);
    }

    /// <summary>
    /// Tracking events per shipment, in the order they happened at the carrier: the latest <see cref="MaxEvents"/>, and how
    /// many there are.
    /// </summary>
    public static async Task<Dictionary<Guid, (List<TrackingEventResponse> Events, int Count)>> EventsAsync(
        AppDbContext db, List<Guid> shipmentIds, CancellationToken ct)
    {
        var events = await db.Set<TrackingEvent>().AsNoTracking()
            .Where(e => shipmentIds.Contains(e.ShipmentId))
            .OrderBy(e => e.OccurredAt).ThenBy(e => e.Id)
            .Select(e => new { e.ShipmentId, e.Status, e.OccurredAt, e.Location, e.Description })
            .ToListAsync(ct);
        return events.GroupBy(e => e.ShipmentId).ToDictionary(
            g => g.Key,
            g =>
            {
                var all = g.ToList();
                return (all.Skip(Math.Max(0, all.Count - MaxEvents))
                    .Select(e => new TrackingEventResponse(Shipment.Name(e.Status), e.OccurredAt, e.Location, e.Description)).ToList(), all.Count);
            });
    }
}

/// <summary>The order status page's shipments: each with its carrier events (replaces the orders feature's empty default).</summary>
internal sealed class ShipmentTracking(AppDbContext db) : IOrderTracking
{
    public async Task<IReadOnlyList<ShipmentStatusResponse>> ShipmentsAsync(Guid orderId, CancellationToken ct)
    {
        var shipments = await db.Set<Shipment>().AsNoTracking().Where(s => s.OrderId == orderId)
            .OrderBy(s => s.CreatedAt).ThenBy(s => s.Id).ToListAsync(ct);
        if (shipments.Count == 0)
        {
            return [];
        }

        var events = await ShipmentReads.EventsAsync(db, [.. shipments.Select(s => s.Id)], ct);
        return
        [
            .. shipments.Take(OrderTracking.MaxShipments).Select(s =>
            {
                var (listed, count) = events.GetValueOrDefault(s.Id, ([], 0));
                return new ShipmentStatusResponse(
                    s.Id, s.WarehouseId, s.Carrier, s.TrackingNumber, Shipment.Name(s.Status), s.CreatedAt, listed, count);
            }),
        ];
    }
}

/// <summary><c>GET /api/v1/shipments/{id}</c> (staff): one shipment with its lines and tracking events.</summary>
internal static class GetShipment
{
    public static async Task<Results<Ok<ShipmentResponse>, ProblemHttpResult>> Handle(Guid id, AppDbContext db, CancellationToken ct) =>
        await ShipmentReads.FindAsync(db, id, ct) is { } shipment ? TypedResults.Ok(shipment) : Problems.NotFound("No such shipment.");
}
