using System.Diagnostics.Metrics;
using Axle.Api.Platform.Observability;

namespace Axle.Api.Features.Inventory;

/// <summary>Inventory instruments on Axle's meter (scraped at <c>/metrics</c>).</summary>
public sealed class InventoryMetrics(AxleMetrics metrics)
{
    /// <summary>
    /// Reservations refused for insufficient stock. Tag <c>reference</c>: <c>order</c> for checkout, <c>other</c> for
    /// reservations made through the API (whose reference types clients choose, so they are not a tag).
    /// </summary>
    public Counter<long> ReservationConflicts { get; } = metrics.Meter.CreateCounter<long>(
        "axle.inventory.reservation_conflicts", description: "Reservations refused for insufficient stock, by reference (order, other).");

    internal void Conflict(string? referenceType) =>
        ReservationConflicts.Add(1, new KeyValuePair<string, object?>("reference", referenceType == "order" ? "order" : "other"));
}
