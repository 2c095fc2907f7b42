using Axle.Api.Features.Catalog;
using Axle.Api.Features.Inventory;
using Axle.Api.Features.Orders;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Axle.Api.Features.Suppliers.Ordering;

public enum SupplierOrderKind
{
    /// <summary>Restocking one of our warehouses (a purchase order).</summary>
    PurchaseOrder,

    /// <summary>The supplier ships a customer order's lines from its own warehouse straight to the customer.</summary>
    DropShip,
}

public enum SupplierOrderStatus
{
    /// <summary>Waiting to be transmitted (again, after a transient failure, at <see cref="SupplierOrder.NextAttemptAt"/>).</summary>
    Pending,

    /// <summary>The supplier answered 2xx; its order id and answer are recorded.</summary>
    Acknowledged,

    /// <summary>The supplier refused it (a 4xx such as 422); dead-lettered, not retried on its own.</summary>
    Rejected,

    /// <summary>Transient failures until the attempts ran out (or it can no longer be sent); dead-lettered.</summary>
    Failed,

    /// <summary>Its customer order or purchase order was cancelled before it was sent; it never will be.</summary>
    Cancelled,
}

/// <summary>
/// An order transmitted to a supplier's order endpoint: a purchase order, or the drop-ship part of a customer order (one per
/// supplier warehouse). It is written in the same transaction as the business change that causes it (the purchase order's
/// creation, the customer order becoming paid), so none is lost, and sent by <see cref="SupplierOrderWorker"/> with the
/// supplier's feed credentials through the per-supplier resilient client, always under the same Idempotency-Key
/// (<see cref="IdempotencyKey"/>), so a retry never makes the supplier ship twice.
/// </summary>
public sealed class SupplierOrder
{
    public const int ReferenceMaxLength = 100;
    public const int SupplierOrderIdMaxLength = 100;
    public const int ErrorMaxLength = 1000;
    public const int NoteMaxLength = 500;
    public const int AcknowledgementMaxLength = 4096;

    private readonly List<SupplierOrderLine> _lines = [];

    private SupplierOrder()
    {
    }

    private SupplierOrder(
        Guid id, long supplierId, SupplierOrderKind kind, long warehouseId, string reference, string? shipTo, DateTime now)
    {
        Id = id;
        SupplierId = supplierId;
        Kind = kind;
        WarehouseId = warehouseId;
        Reference = reference;
        ShipTo = shipTo;
        Status = SupplierOrderStatus.Pending;
        NextAttemptAt = now;
        CreatedAt = now;
        UpdatedAt = now;
        Version = 1;
    }

    /// <summary>A purchase order for <paramref name="warehouseId"/> (ours; <paramref name="shipTo"/> is its address).</summary>
    public static SupplierOrder ForPurchaseOrder(Guid id, long supplierId, Guid purchaseOrderId, long warehouseId, string shipTo, DateTime now) =>
        new(id, supplierId, SupplierOrderKind.PurchaseOrder, warehouseId, "PO-" + purchaseOrderId.ToString("N"), shipTo, now)
        {
            PurchaseOrderId = purchaseOrderId,
        };

    /// <summary>The lines of customer order <paramref name="orderNumber"/> reserved in the supplier's <paramref name="warehouseCode"/>.</summary>
    public static SupplierOrder ForDropShip(
        Guid id, long supplierId, Guid customerOrderId, string orderNumber, long warehouseId, string warehouseCode, string shipTo, DateTime now) =>
        new(id, supplierId, SupplierOrderKind.DropShip, warehouseId, Cut($"{orderNumber}-{warehouseCode}", ReferenceMaxLength), shipTo, now)
        {
            CustomerOrderId = customerOrderId,
        };

    public Guid Id { get; private set; }
    public long SupplierId { get; private set; }
    public SupplierOrderKind Kind { get; private set; }

    /// <summary>The purchase order it transmits (<see cref="SupplierOrderKind.PurchaseOrder"/>).</summary>
    public Guid? PurchaseOrderId { get; private set; }

    /// <summary>The customer order it fulfils (<see cref="SupplierOrderKind.DropShip"/>).</summary>
    public Guid? CustomerOrderId { get; private set; }

    /// <summary>The receiving warehouse of a purchase order; the supplier's warehouse the drop-ship lines were reserved in.</summary>
    public long WarehouseId { get; private set; }

    /// <summary>Our reference as the supplier sees it, unique per supplier.</summary>
    public string Reference { get; private set; } = "";

    /// <summary>The address the supplier ships to, as the JSON object sent (the customer's, or our warehouse's).</summary>
    public string? ShipTo { get; private set; }

    public SupplierOrderStatus Status { get; private set; }

    /// <summary>Transmissions tried (each may itself have retried in place inside the resilient client).</summary>
    public int Attempts { get; private set; }

    /// <summary>When a pending order is due (after a transient failure: the backoff, or the supplier's Retry-After).</summary>
    public DateTime NextAttemptAt { get; private set; }

    /// <summary>While set and in the future, a worker is transmitting it: no other worker claims it and a cancellation leaves it.</summary>
    public DateTime? ClaimedUntil { get; private set; }

    public string? LastError { get; private set; }
    public int? LastStatusCode { get; private set; }

    /// <summary>The supplier's id for the order, from its acknowledgement.</summary>
    public string? SupplierOrderId { get; private set; }

    /// <summary>The supplier's acknowledgement body (its start, at most <see cref="AcknowledgementMaxLength"/> characters).</summary>
    public string? Acknowledgement { get; private set; }
    public DateTime? AcknowledgedAt { get; private set; }

    /// <summary>Something a person should know, e.g. that the customer cancelled after the supplier had the order.</summary>
    public string? Note { get; private set; }

    public DateTime CreatedAt { get; private set; }
    public DateTime UpdatedAt { get; private set; }
    public long Version { get; private set; }

    public IReadOnlyList<SupplierOrderLine> Lines => _lines;

    /// <summary>
    /// Lines (one per part) at most: a purchase order has at most <see cref="CreatePurchaseOrder.MaxLines"/> and a
    /// drop-ship order at most the parts of one reservation (<see cref="Reservation.MaxParts"/>).
    /// </summary>
    public const int MaxLines = 500;

    /// <summary>The Idempotency-Key of every transmission of this order: the same on retries, after restarts and replays.</summary>
    public string IdempotencyKey => "axle-so-" + Id.ToString("N");

    public void AddLine(long partId, string partNumber, int quantity)
    {
        if (Status != SupplierOrderStatus.Pending || quantity <= 0)
        {
            throw new InvalidOperationException("Lines are added to a pending order, each with at least one unit.");
        }

        if (_lines.FirstOrDefault(l => l.PartId == partId) is { } existing)
        {
            existing.Add(quantity);
            return;
        }

        if (_lines.Count >= MaxLines)
        {
            throw new InvalidOperationException($"A supplier order has at most {MaxLines} lines.");
        }

        _lines.Add(new SupplierOrderLine(partId, partNumber, quantity));
    }

    public void Acknowledge(string? supplierOrderId, string? body, int statusCode, DateTime now)
    {
        Status = SupplierOrderStatus.Acknowledged;
        SupplierOrderId = supplierOrderId is null ? null : Cut(supplierOrderId, SupplierOrderIdMaxLength);
        Acknowledgement = body is null ? null : Cut(body, AcknowledgementMaxLength);
        AcknowledgedAt = now;
        LastStatusCode = statusCode;
        LastError = null;
        ClaimedUntil = null;
        Touch(now);
    }

    /// <summary>A transient failure: tried again at <paramref name="retryAt"/>.</summary>
    public void Postpone(string error, int? statusCode, DateTime retryAt, DateTime now)
    {
        LastError = Cut(error, ErrorMaxLength);
        LastStatusCode = statusCode;
        NextAttemptAt = retryAt;
        ClaimedUntil = null;
        Touch(now);
    }

    /// <summary>The supplier refused it (<see cref="SupplierOrderStatus.Rejected"/>) or it ran out of attempts (<see cref="SupplierOrderStatus.Failed"/>).</summary>
    public void Fail(SupplierOrderStatus status, string error, int? statusCode, DateTime now)
    {
        if (status is not (SupplierOrderStatus.Rejected or SupplierOrderStatus.Failed))
        {
            throw new ArgumentOutOfRangeException(nameof(status), status, "An order fails as rejected or failed.");
        }

        Status = status;
        LastError = Cut(error, ErrorMaxLength);
        LastStatusCode = statusCode;
        ClaimedUntil = null;
        Touch(now);
    }

    /// <summary>Back to pending (a retry or a dead-letter replay after the cause was fixed), due now, with fresh attempts.</summary>
    public void Requeue(DateTime now)
    {
        if (Status is not (SupplierOrderStatus.Rejected or SupplierOrderStatus.Failed))
        {
            throw new InvalidOperationException("Only rejected or failed orders are queued again.");
        }

        Status = SupplierOrderStatus.Pending;
        Attempts = 0;
        NextAttemptAt = now;
        Touch(now);
    }

    public void Annotate(string note, DateTime now)
    {
        Note = Cut(note, NoteMaxLength);
        Touch(now);
    }

    public static bool CanRequeue(SupplierOrderStatus status) => status is SupplierOrderStatus.Rejected or SupplierOrderStatus.Failed;

    private void Touch(DateTime now)
    {
        UpdatedAt = now;
        Version++;
    }

    internal static string Cut(string text, int max) => text.Length <= max ? text : text[..max];
}

/// <summary>One line as sent: the supplier's part number when its part list has one for the part, else our SKU.</summary>
public sealed class SupplierOrderLine
{
    private SupplierOrderLine()
    {
    }

    internal SupplierOrderLine(long partId, string partNumber, int quantity)
    {
        PartId = partId;
        PartNumber = partNumber;
        Quantity = quantity;
    }

    public long Id { get; private set; }
    public Guid SupplierOrderId { get; private set; }
    public long PartId { get; private set; }
    public string PartNumber { get; private set; } = "";
    public int Quantity { get; private set; }

    internal void Add(int quantity) => Quantity += quantity;
}

internal sealed class SupplierOrderConfiguration : IEntityTypeConfiguration<SupplierOrder>
{
    public void Configure(EntityTypeBuilder<SupplierOrder> b)
    {
        b.ToTable("supplier_orders");
        b.HasKey(o => o.Id);
        b.Property(o => o.Id).ValueGeneratedNever();
        b.Property(o => o.Kind).HasConversion<string>().HasMaxLength(16);
        b.Property(o => o.Status).HasConversion<string>().HasMaxLength(16);
        b.Property(o => o.Reference).HasMaxLength(SupplierOrder.ReferenceMaxLength).IsRequired();
        b.Property(o => o.ShipTo).HasMaxLength(2000);
        b.Property(o => o.LastError).HasMaxLength(SupplierOrder.ErrorMaxLength);
        b.Property(o => o.SupplierOrderId).HasMaxLength(SupplierOrder.SupplierOrderIdMaxLength);
        b.Property(o => o.Acknowledgement).HasMaxLength(SupplierOrder.AcknowledgementMaxLength);
        b.Property(o => o.Note).HasMaxLength(SupplierOrder.NoteMaxLength);
        b.Property(o => o.Version).IsConcurrencyToken();
        b.Ignore(o => o.IdempotencyKey);

        // The worker's claim: pending orders by due time.
        b.HasIndex(o => new { o.Status, o.NextAttemptAt });
        // The supplier's list, newest first.
        b.HasIndex(o => new { o.SupplierId, o.CreatedAt });
        // Our reference is the supplier's key for the order: one per supplier.
        b.HasIndex(o => new { o.SupplierId, o.Reference }).IsUnique();
        // One transmission per purchase order, one drop-ship order per customer order and supplier warehouse (nulls are distinct).
        b.HasIndex(o => o.PurchaseOrderId).IsUnique();
        b.HasIndex(o => new { o.CustomerOrderId, o.WarehouseId }).IsUnique();

        b.HasOne<Supplier>().WithMany().HasForeignKey(o => o.SupplierId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<PurchaseOrder>().WithMany().HasForeignKey(o => o.PurchaseOrderId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<Order>().WithMany().HasForeignKey(o => o.CustomerOrderId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<Warehouse>().WithMany().HasForeignKey(o => o.WarehouseId).OnDelete(DeleteBehavior.Restrict);
        b.HasMany(o => o.Lines).WithOne().HasForeignKey(l => l.SupplierOrderId).OnDelete(DeleteBehavior.Cascade);
        b.Navigation(o => o.Lines).UsePropertyAccessMode(PropertyAccessMode.Field);
    }
}

internal sealed class SupplierOrderLineConfiguration : IEntityTypeConfiguration<SupplierOrderLine>
{
    public void Configure(EntityTypeBuilder<SupplierOrderLine> b)
    {
        b.ToTable("supplier_order_lines", t => t.HasCheckConstraint("CK_supplier_order_lines_quantity", "\"Quantity\" > 0"));
        b.HasKey(l => l.Id);
        b.Property(l => l.PartNumber).HasMaxLength(SupplierPart.NumberMaxLength).IsRequired();
        b.HasIndex(l => new { l.SupplierOrderId, l.PartId }).IsUnique();
        b.HasIndex(l => l.PartId);
        b.HasOne<Part>().WithMany().HasForeignKey(l => l.PartId).OnDelete(DeleteBehavior.Restrict);
    }
}
