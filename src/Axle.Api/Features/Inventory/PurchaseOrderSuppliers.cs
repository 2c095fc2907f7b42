using Axle.Api.Platform.Data;

namespace Axle.Api.Features.Inventory;

/// <summary>The supplier a purchase order names by id: its name, for the order's supplierName.</summary>
public sealed record PurchaseOrderSupplier(long Id, string Name);

/// <summary>How a purchase order's transmission to its supplier stands (null on the order when it is not transmitted).</summary>
public sealed record PurchaseOrderTransmission(
    Guid Id, string Status, int Attempts, string? SupplierOrderId, DateTime? AcknowledgedAt, string? LastError, DateTime? NextAttemptAt);

/// <summary>
/// Purchase orders that name a supplier by id. The suppliers feature checks the supplier, queues the order for transmission
/// to the supplier's order endpoint in the purchase order's own transaction, and reports how that went; without it no
/// supplier can be named and nothing is transmitted.
/// </summary>
public interface IPurchaseOrderSuppliers
{
    /// <summary>The supplier when it exists and is active; null otherwise.</summary>
    Task<PurchaseOrderSupplier?> FindActiveAsync(AppDbContext db, long supplierId, CancellationToken ct);

    /// <summary>Adds the transmission to <paramref name="db"/> (saved with the order) when the supplier takes orders; true when it does.</summary>
    Task<bool> QueueAsync(AppDbContext db, PurchaseOrder order, DateTime now, CancellationToken ct);

    /// <summary>The order was cancelled: a transmission not sent yet never will be.</summary>
    Task CancelAsync(AppDbContext db, Guid purchaseOrderId, DateTime now, CancellationToken ct);

    Task<PurchaseOrderTransmission?> TransmissionAsync(AppDbContext db, Guid purchaseOrderId, CancellationToken ct);
}

internal sealed class NoPurchaseOrderSuppliers : IPurchaseOrderSuppliers
{
    public Task<PurchaseOrderSupplier?> FindActiveAsync(AppDbContext db, long supplierId, CancellationToken ct) =>
        Task.FromResult<PurchaseOrderSupplier?>(null);

    public Task<bool> QueueAsync(AppDbContext db, PurchaseOrder order, DateTime now, CancellationToken ct) => Task.FromResult(false);

    public Task CancelAsync(AppDbContext db, Guid purchaseOrderId, DateTime now, CancellationToken ct) => Task.CompletedTask;

    public Task<PurchaseOrderTransmission?> TransmissionAsync(AppDbContext db, Guid purchaseOrderId, CancellationToken ct) =>
        Task.FromResult<PurchaseOrderTransmission?>(null);
}
