namespace Axle.Api.Features.Inventory;

/// <summary>What <see cref="InventoryReservations.ShipAsync"/> did with a partial commit.</summary>
public abstract record ShipOutcome
{
    /// <summary>The units left their warehouse; <see cref="Committed"/> when that shipped the reservation's last units.</summary>
    public sealed record Shipped(bool Committed) : ShipOutcome;

    public sealed record NotFound : ShipOutcome;

    /// <summary>The reservation is no longer open (already committed, released or expired).</summary>
    public sealed record NotOpen(ReservationStatus Status) : ShipOutcome;

    /// <summary>The warehouse does not hold that many unshipped units of these parts for the reservation. Nothing changed.</summary>
    public sealed record Short(IReadOnlyList<long> PartIds) : ShipOutcome;

    /// <summary>The caller's own work inside the transaction said no; nothing changed.</summary>
    public sealed record Refused : ShipOutcome;
}
