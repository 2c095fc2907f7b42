using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Axle.Api.Features.Inventory;

public enum PurchaseOrderStatus
{
    Open,
    PartiallyReceived,
    Received,
    Cancelled,
}

/// <summary>
/// Stock ordered from a supplier into one warehouse. Receipts add to <see cref="PurchaseOrderLine.ReceivedQuantity"/>
/// with a conditional update that refuses over-receipt; <see cref="StatusFor"/> derives the status from the lines.
/// </summary>
public sealed class PurchaseOrder
{
    public const int SupplierNameMaxLength = 200;
    public const int SupplierReferenceMaxLength = 100;

    private readonly List<PurchaseOrderLine> _lines = [];

    private PurchaseOrder()
    {
    }

    public PurchaseOrder(
        Guid id, string supplierName, string? supplierReference, long warehouseId, string currency, string actor, DateTime now, long? supplierId = null)
    {
        Id = id;
        SupplierId = supplierId;
        SupplierName = supplierName;
        SupplierReference = supplierReference;
        WarehouseId = warehouseId;
        Currency = currency;
        CreatedBy = actor;
        Status = PurchaseOrderStatus.Open;
        CreatedAt = now;
        UpdatedAt = now;
        Version = 1;
    }

    public Guid Id { get; private set; }

    /// <summary>The registered supplier it is ordered from, when it names one (it is then transmitted if the supplier takes orders).</summary>
    public long? SupplierId { get; private set; }
    public string SupplierName { get; private set; } = "";
    public string? SupplierReference { get; private set; }
    public long WarehouseId { get; private set; }
    public string Currency { get; private set; } = "USD";
    public PurchaseOrderStatus Status { get; private set; }
    public string CreatedBy { get; private set; } = "";
    public DateTime CreatedAt { get; private set; }
    public DateTime UpdatedAt { get; private set; }
    public long Version { get; private set; }

    public IReadOnlyList<PurchaseOrderLine> Lines => _lines;

    public bool AcceptsReceipts => Status is PurchaseOrderStatus.Open or PurchaseOrderStatus.PartiallyReceived;

    public void AddLine(long partId, int quantity, long unitCostMinor)
    {
        if (quantity <= 0 || unitCostMinor < 0 || _lines.Any(l => l.PartId == partId))
        {
            throw new InvalidOperationException("One line per part, with a positive quantity and a cost of zero or more.");
        }

        _lines.Add(new PurchaseOrderLine(partId, quantity, unitCostMinor));
    }

    /// <summary>Open until something arrives, then partially received until every line is complete.</summary>
    public static PurchaseOrderStatus StatusFor(IEnumerable<(int Ordered, int Received)> lines)
    {
        var list = lines.ToList();
        return list.All(l => l.Received >= l.Ordered) ? PurchaseOrderStatus.Received
            : list.Any(l => l.Received > 0) ? PurchaseOrderStatus.PartiallyReceived
            : PurchaseOrderStatus.Open;
    }
}

public sealed class PurchaseOrderLine
{
    private PurchaseOrderLine()
    {
    }

    internal PurchaseOrderLine(long partId, int quantity, long unitCostMinor)
    {
        PartId = partId;
        Quantity = quantity;
        UnitCostMinor = unitCostMinor;
    }

    public long Id { get; private set; }
    public Guid PurchaseOrderId { get; private set; }
    public long PartId { get; private set; }
    public int Quantity { get; private set; }
    public int ReceivedQuantity { get; private set; }
    public long UnitCostMinor { get; private set; }
}

internal sealed class PurchaseOrderConfiguration : IEntityTypeConfiguration<PurchaseOrder>
{
    public void Configure(EntityTypeBuilder<PurchaseOrder> b)
    {
        b.ToTable("purchase_orders");
        b.HasKey(p => p.Id);
        b.Property(p => p.Id).ValueGeneratedNever();
        b.Property(p => p.SupplierName).HasMaxLength(PurchaseOrder.SupplierNameMaxLength).IsRequired();
        b.Property(p => p.SupplierReference).HasMaxLength(PurchaseOrder.SupplierReferenceMaxLength);
        b.Property(p => p.Currency).HasMaxLength(3).IsFixedLength().IsRequired();
        b.Property(p => p.Status).HasConversion<string>().HasMaxLength(32);
        b.Property(p => p.CreatedBy).HasMaxLength(StockMovement.ActorMaxLength).IsRequired();
        b.Property(p => p.Version).IsConcurrencyToken();
        b.HasOne<Warehouse>().WithMany().HasForeignKey(p => p.WarehouseId).OnDelete(DeleteBehavior.Restrict);
        b.HasMany(p => p.Lines).WithOne().HasForeignKey(l => l.PurchaseOrderId).OnDelete(DeleteBehavior.Cascade);
        b.Navigation(p => p.Lines).UsePropertyAccessMode(PropertyAccessMode.Field);
        b.HasIndex(p => new { p.Status, p.CreatedAt });
        // Not a foreign key: suppliers are another feature's table; a deleted supplier leaves its purchase orders as they were.
        b.HasIndex(p => p.SupplierId);
    }
}

internal sealed class PurchaseOrderLineConfiguration : IEntityTypeConfiguration<PurchaseOrderLine>
{
    public void Configure(EntityTypeBuilder<PurchaseOrderLine> b)
    {
        b.ToTable("purchase_order_lines", t =>
        {
            t.HasCheckConstraint("CK_purchase_order_lines_quantity", "\"Quantity\" > 0");
            t.HasCheckConstraint("CK_purchase_order_lines_received", "\"ReceivedQuantity\" >= 0 AND \"ReceivedQuantity\" <= \"Quantity\"");
        });
        b.HasKey(l => l.Id);
        b.HasIndex(l => new { l.PurchaseOrderId, l.PartId }).IsUnique();
        b.HasIndex(l => l.PartId);
        b.HasOne<Catalog.Part>().WithMany().HasForeignKey(l => l.PartId).OnDelete(DeleteBehavior.Restrict);
    }
}
