using System.ComponentModel.DataAnnotations;
using Axle.Api.Features.Orders;
using Axle.Api.Platform.Data;
using Axle.Api.Platform.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Axle.Api.Features.Shipments;

public sealed record ShipmentItemResponse(Guid OrderItemId, int Quantity);

public sealed record ShipmentResponse(
    Guid Id, Guid OrderId, long WarehouseId, string Carrier, string TrackingNumber, string Status, DateTime CreatedAt,
    DateTime ShippedAt, DateTime? DeliveredAt,
    [property: MaxLength(CreateShipment.MaxItems)] IReadOnlyList<ShipmentItemResponse> Items, IReadOnlyList<TrackingEventResponse> Events);

internal static class ShipmentReads
{
    public static async Task<ShipmentResponse?> FindAsync(AppDbContext db, Guid id, CancellationToken ct)
    {
        var shipment = await db.Set<Shipment>().AsNoTracking().Include(s => s.Items).FirstOrDefaultAsync(s => s.Id == id, ct);
        if (shipment is null)
        {
            return null;
        }

        var events = await EventsAsync(db, [id], ct);
        return new ShipmentResponse(
            shipment.Id, shipment.OrderId, shipment.WarehouseId, shipment.Carrier, shipment.TrackingNumber, Shipment.Name(shipment.Status),
            shipment.CreatedAt, shipment.ShippedAt, shipment.DeliveredAt,
            [.. shipment.Items.Select(i => new ShipmentItemResponse(i.OrderItemId, i.Quantity))],
            events.GetValueOrDefault(id, []));
    }

    /// <summary>Tracking events per shipment, in the order they happened at the carrier.</summary>
    public static async Task<Dictionary<Guid, List<TrackingEventResponse>>> EventsAsync(AppDbContext db, List<Guid> shipmentIds, CancellationToken ct)
    {
        var events = await db.Set<TrackingEvent>().AsNoTracking()
            .Where(e => shipmentIds.Contains(e.ShipmentId))
            .OrderBy(e => e.OccurredAt).ThenBy(e => e.Id)
            .Select(e => new { e.ShipmentId, e.Status, e.OccurredAt, e.Location, e.Description })
            .ToListAsync(ct);
        return events.GroupBy(e => e.ShipmentId).ToDictionary(
            g => g.Key, g => g.Select(e => new TrackingEventResponse(Shipment.Name(e.Status), e.OccurredAt, e.Location, e.Description)).ToList());
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
            .. shipments.Select(s => new ShipmentStatusResponse(
                s.Id, s.WarehouseId, s.Carrier, s.TrackingNumber, Shipment.Name(s.Status), s.CreatedAt, events.GetValueOrDefault(s.Id, []))),
        ];
    }
}

/// <summary><c>GET /api/v1/shipments/{id}</c> (staff): one shipment with its lines and tracking events.</summary>
internal static class GetShipment
{
    public static async Task<Results<Ok<ShipmentResponse>, ProblemHttpResult>> Handle(Guid id, AppDbContext db, CancellationToken ct) =>
        await ShipmentReads.FindAsync(db, id, ct) is { } shipment ? TypedResults.Ok(shipment) : Problems.NotFound("No such shipment.");
}
