using Axle.Api.Platform.Data;
using Axle.Api.Platform.Messaging;

namespace Axle.Api.Features.Shipments;

/// <summary>The shipment event written to the outbox with each change of a shipment (created, or its status moved).</summary>
public static class ShipmentEvents
{
    public const string Updated = "shipment.updated";

    public static void RecordUpdated(AppDbContext db, Shipment shipment, string orderNumber, DateTime now) =>
        Outbox.Add(db, Updated, new
        {
            shipmentId = shipment.Id,
            orderId = shipment.OrderId,
            orderNumber,
            shipment.WarehouseId,
            shipment.Carrier,
            shipment.TrackingNumber,
            status = Shipment.Name(shipment.Status),
            shipment.ShippedAt,
            shipment.DeliveredAt,
        }, now);
}
