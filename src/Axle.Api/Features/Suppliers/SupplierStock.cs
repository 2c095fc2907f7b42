using Axle.Api.Features.Inventory;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Axle.Api.Features.Suppliers;

/// <summary>
/// The supplier's last word on one stock level: the quantity and price it reported, and the time of the newest record
/// applied (<see cref="SourceUpdatedAt"/>, the supplier's clock). A record older than that is out of order and ignored.
/// It is also the supplier snapshot the reconciliation compares with Axle's levels (<see cref="LastSeenRunId"/>: the last
/// full run that listed it). Written only by <see cref="SupplierStockApplier"/>, in bulk.
/// </summary>
public sealed class SupplierStock
{
    private SupplierStock()
    {
    }

    public long LevelId { get; private set; }
    public long SupplierId { get; private set; }
    public long PartId { get; private set; }
    public long WarehouseId { get; private set; }
    public int TheirQuantity { get; private set; }
    public long? TheirPriceMinor { get; private set; }
    public string? TheirCurrency { get; private set; }
    public DateTime SourceUpdatedAt { get; private set; }
    public DateTime AppliedAt { get; private set; }
    public Guid? LastSeenRunId { get; private set; }
}

internal sealed class SupplierStockConfiguration : IEntityTypeConfiguration<SupplierStock>
{
    public void Configure(EntityTypeBuilder<SupplierStock> b)
    {
        b.ToTable("supplier_stock");
        b.HasKey(s => s.LevelId);
        b.Property(s => s.LevelId).ValueGeneratedNever();
        b.Property(s => s.TheirCurrency).HasMaxLength(3);
        b.HasIndex(s => new { s.SupplierId, s.LevelId });
        b.HasOne<StockLevel>().WithMany().HasForeignKey(s => s.LevelId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<Supplier>().WithMany().HasForeignKey(s => s.SupplierId).OnDelete(DeleteBehavior.Cascade);
    }
}

/// <summary>An event id a supplier sent, kept for <c>Suppliers:EventRetention</c> so a repeated event applies once.</summary>
public sealed class SupplierEvent
{
    public const int EventIdMaxLength = 128;

    private SupplierEvent()
    {
    }

    public long SupplierId { get; private set; }
    public string EventId { get; private set; } = "";
    public DateTime SeenAt { get; private set; }
}

internal sealed class SupplierEventConfiguration : IEntityTypeConfiguration<SupplierEvent>
{
    public void Configure(EntityTypeBuilder<SupplierEvent> b)
    {
        b.ToTable("supplier_events");
        b.HasKey(e => new { e.SupplierId, e.EventId });
        b.Property(e => e.EventId).HasMaxLength(SupplierEvent.EventIdMaxLength);
        b.HasIndex(e => e.SeenAt);
    }
}
