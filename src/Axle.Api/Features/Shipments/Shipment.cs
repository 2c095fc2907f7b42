using Axle.Api.Features.Inventory;
using Axle.Api.Features.Orders;
using Axle.Api.Platform.Http;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Axle.Api.Features.Shipments;

public enum ShipmentStatus
{
    LabelCreated,
    InTransit,
    OutForDelivery,
    Delivered,

    /// <summary>The carrier reports a problem (damage, address); later events can move the shipment on.</summary>
    Exception,
    ReturnedToSender,
}

/// <summary>
/// Units of an order that left one warehouse together under one carrier tracking number. Created when the stock is
/// committed (so <see cref="ShippedAt"/> is its creation); afterwards only carrier tracking events move its status, and
/// never backwards in time: an event older than the latest applied one is recorded but changes nothing.
/// </summary>
public sealed class Shipment
{
    public const int CarrierMaxLength = 32;
    public const int TrackingNumberMaxLength = 64;

    private readonly List<ShipmentItem> _items = [];

    private Shipment()
    {
    }

    public Shipment(Guid id, Guid orderId, long warehouseId, string carrier, string trackingNumber, DateTime now)
    {
        Id = id;
        OrderId = orderId;
        WarehouseId = warehouseId;
        Carrier = carrier;
        TrackingNumber = trackingNumber;
        Status = ShipmentStatus.LabelCreated;
        CreatedAt = now;
        ShippedAt = now;
        Version = 1;
    }

    public Guid Id { get; private set; }
    public Guid OrderId { get; private set; }
    public long WarehouseId { get; private set; }

    /// <summary>Carrier code as the carrier's events name it, lower case (<c>ups</c>, <c>fedex</c>).</summary>
    public string Carrier { get; private set; } = "";
    public string TrackingNumber { get; private set; } = "";
    public ShipmentStatus Status { get; private set; }
    public DateTime CreatedAt { get; private set; }
    public DateTime ShippedAt { get; private set; }
    public DateTime? DeliveredAt { get; private set; }

    /// <summary>When the latest applied tracking event happened (carrier's time); older events do not move the status.</summary>
    public DateTime? LastEventAt { get; private set; }
    public long Version { get; private set; }

    public IReadOnlyList<ShipmentItem> Items => _items;

    public void Add(Guid orderItemId, int quantity) => _items.Add(new ShipmentItem(Id, orderItemId, quantity));

    /// <summary>Whether a carrier status may still change this shipment (a delivered or returned parcel is done).</summary>
    public bool IsFinal => Status is ShipmentStatus.Delivered or ShipmentStatus.ReturnedToSender;

    /// <summary>
    /// Applies a carrier event that happened at <paramref name="occurredAt"/>: true when the status changed. An event older
    /// than the latest applied one, or for a finished shipment, is history only.
    /// </summary>
    public bool Apply(ShipmentStatus status, DateTime occurredAt)
    {
        if (IsFinal || (LastEventAt is { } last && occurredAt < last))
        {
            return false;
        }

        LastEventAt = occurredAt;
        Version++;
        if (status == Status)
        {
            return false;
        }

        Status = status;
        if (status == ShipmentStatus.Delivered)
        {
            DeliveredAt = occurredAt;
        }

        return true;
    }

    /// <summary>The API name of a status (<c>out_for_delivery</c>).</summary>
    public static string Name(ShipmentStatus status) => WireNames.Of(status);

    public static bool TryParse(string? value, out ShipmentStatus status) => WireNames.TryParse(value, out status);
}

/// <summary>Units of one order line in a shipment.</summary>
public sealed class ShipmentItem
{
    private ShipmentItem()
    {
    }

    internal ShipmentItem(Guid shipmentId, Guid orderItemId, int quantity)
    {
        ShipmentId = shipmentId;
        OrderItemId = orderItemId;
        Quantity = quantity;
    }

    public long Id { get; private set; }
    public Guid ShipmentId { get; private set; }
    public Guid OrderItemId { get; private set; }
    public int Quantity { get; private set; }
}

/// <summary>A carrier's tracking event, stored once per event id (redeliveries are recognised by it).</summary>
public sealed class TrackingEvent
{
    public const int EventIdMaxLength = 100;
    public const int LocationMaxLength = 200;
    public const int DescriptionMaxLength = 500;

    private TrackingEvent()
    {
    }

    public TrackingEvent(
        string eventId, Guid shipmentId, ShipmentStatus status, DateTime occurredAt, string? location, string? description, bool applied,
        DateTime now)
    {
        EventId = eventId;
        ShipmentId = shipmentId;
        Status = status;
        OccurredAt = occurredAt;
        Location = location;
        Description = description;
        Applied = applied;
        ReceivedAt = now;
    }

    public long Id { get; private set; }
    public string EventId { get; private set; } = "";
    public Guid ShipmentId { get; private set; }
    public ShipmentStatus Status { get; private set; }
    public DateTime OccurredAt { get; private set; }
    public string? Location { get; private set; }
    public string? Description { get; private set; }

    /// <summary>Whether the event moved the shipment (false: older than what was already applied, or no change).</summary>
    public bool Applied { get; private set; }
    public DateTime ReceivedAt { get; private set; }
}

internal sealed class ShipmentConfiguration : IEntityTypeConfiguration<Shipment>
{
    public void Configure(EntityTypeBuilder<Shipment> b)
    {
        b.ToTable("shipments");
        b.HasKey(s => s.Id);
        b.Property(s => s.Id).ValueGeneratedNever();
        b.Property(s => s.Carrier).HasMaxLength(Shipment.CarrierMaxLength).IsRequired();
        b.Property(s => s.TrackingNumber).HasMaxLength(Shipment.TrackingNumberMaxLength).IsRequired();
        b.Property(s => s.Status).HasConversion<string>().HasMaxLength(24);
        b.Property(s => s.Version).IsConcurrencyToken();
        b.Ignore(s => s.IsFinal);
        b.HasIndex(s => new { s.Carrier, s.TrackingNumber }).IsUnique();
        b.HasIndex(s => s.OrderId);
        b.HasOne<Order>().WithMany().HasForeignKey(s => s.OrderId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<Warehouse>().WithMany().HasForeignKey(s => s.WarehouseId).OnDelete(DeleteBehavior.Restrict);
        b.HasMany(s => s.Items).WithOne().HasForeignKey(i => i.ShipmentId).OnDelete(DeleteBehavior.Cascade);
        b.Navigation(s => s.Items).UsePropertyAccessMode(PropertyAccessMode.Field);
    }
}

internal sealed class ShipmentItemConfiguration : IEntityTypeConfiguration<ShipmentItem>
{
    public void Configure(EntityTypeBuilder<ShipmentItem> b)
    {
        b.ToTable("shipment_items", t => t.HasCheckConstraint("CK_shipment_items_quantity", "\"Quantity\" > 0"));
        b.HasKey(i => i.Id);
        b.HasIndex(i => i.OrderItemId);
        b.HasOne<OrderItem>().WithMany().HasForeignKey(i => i.OrderItemId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class TrackingEventConfiguration : IEntityTypeConfiguration<TrackingEvent>
{
    public void Configure(EntityTypeBuilder<TrackingEvent> b)
    {
        b.ToTable("tracking_events");
        b.HasKey(e => e.Id);
        b.Property(e => e.EventId).HasMaxLength(TrackingEvent.EventIdMaxLength).IsRequired();
        b.HasIndex(e => e.EventId).IsUnique();
        b.Property(e => e.Status).HasConversion<string>().HasMaxLength(24);
        b.Property(e => e.Location).HasMaxLength(TrackingEvent.LocationMaxLength);
        b.Property(e => e.Description).HasMaxLength(TrackingEvent.DescriptionMaxLength);
        b.HasIndex(e => new { e.ShipmentId, e.OccurredAt });
        b.HasOne<Shipment>().WithMany().HasForeignKey(e => e.ShipmentId).OnDelete(DeleteBehavior.Cascade);
    }
}
