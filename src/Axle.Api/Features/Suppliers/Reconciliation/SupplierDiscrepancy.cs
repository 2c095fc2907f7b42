using System.Text.Json.Serialization;
using Axle.Api.Features.Catalog;
using Axle.Api.Features.Inventory;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Axle.Api.Features.Suppliers.Reconciliation;

[JsonConverter(typeof(JsonStringEnumConverter<DiscrepancyKind>))]
public enum DiscrepancyKind
{
    /// <summary>The supplier lists the level with another quantity than Axle holds.</summary>
    [JsonStringEnumMemberName("quantity")] Quantity = 1,

    /// <summary>The quantities agree but the supplier's selling price is not the part's (suppliers that set prices only).</summary>
    [JsonStringEnumMemberName("price")] Price,

    /// <summary>Both differ.</summary>
    [JsonStringEnumMemberName("quantity_and_price")] QuantityAndPrice,

    /// <summary>Axle holds stock in the supplier's warehouse for a part the supplier's feed no longer lists.</summary>
    [JsonStringEnumMemberName("not_listed")] NotListed,
}

/// <summary>
/// One stock level of a supplier's warehouse where the last reconciliation found Axle and the supplier disagreeing:
/// <see cref="Ours"/> is Axle's on hand, <see cref="Theirs"/> the supplier's figure (zero for <see cref="DiscrepancyKind.NotListed"/>).
/// <see cref="Since"/> is when a reconciliation first saw it (kept while later runs still see it); <see cref="RunId"/> the run
/// that last reported it. A level that agrees again loses its row. Written only by <see cref="SupplierReconciler"/>.
/// </summary>
public sealed class SupplierDiscrepancy
{
    private SupplierDiscrepancy()
    {
    }

    public SupplierDiscrepancy(long supplierId, long levelId, long partId, long warehouseId, DateTime now)
    {
        SupplierId = supplierId;
        LevelId = levelId;
        PartId = partId;
        WarehouseId = warehouseId;
        Since = now;
    }

    public long Id { get; private set; }
    public long SupplierId { get; private set; }
    public long LevelId { get; private set; }
    public long PartId { get; private set; }
    public long WarehouseId { get; private set; }
    public DiscrepancyKind Kind { get; private set; }
    public int Ours { get; private set; }
    public int Theirs { get; private set; }
    public int Difference { get; private set; }
    public long? OurPriceMinor { get; private set; }
    public long? TheirPriceMinor { get; private set; }

    /// <summary>The supplier's time for its figure (null for a level the feed does not list).</summary>
    public DateTime? TheirUpdatedAt { get; private set; }
    public DateTime Since { get; private set; }
    public DateTime ReportedAt { get; private set; }
    public Guid RunId { get; private set; }

    /// <summary>The supplier corrects automatically and this run set Axle's figure to the supplier's.</summary>
    public bool Corrected { get; private set; }

    public void Report(
        DiscrepancyKind kind, int ours, int theirs, long? ourPrice, long? theirPrice, DateTime? theirUpdatedAt, Guid runId,
        bool corrected, DateTime now)
    {
        if (Kind != kind)
        {
            // A different disagreement is a new one.
            Since = now;
        }

        Kind = kind;
        Ours = ours;
        Theirs = theirs;
        Difference = theirs - ours;
        OurPriceMinor = ourPrice;
        TheirPriceMinor = theirPrice;
        TheirUpdatedAt = theirUpdatedAt;
        RunId = runId;
        Corrected = corrected;
        ReportedAt = now;
    }
}

internal sealed class SupplierDiscrepancyConfiguration : IEntityTypeConfiguration<SupplierDiscrepancy>
{
    public void Configure(EntityTypeBuilder<SupplierDiscrepancy> b)
    {
        b.ToTable("supplier_discrepancies");
        b.HasKey(d => d.Id);
        b.Property(d => d.Kind).HasConversion<string>().HasMaxLength(24);
        b.HasIndex(d => d.LevelId).IsUnique();
        b.HasIndex(d => new { d.SupplierId, d.Since, d.Id });
        b.HasIndex(d => new { d.SupplierId, d.RunId });
        b.HasOne<Supplier>().WithMany().HasForeignKey(d => d.SupplierId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<StockLevel>().WithMany().HasForeignKey(d => d.LevelId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<Part>().WithMany().HasForeignKey(d => d.PartId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<Warehouse>().WithMany().HasForeignKey(d => d.WarehouseId).OnDelete(DeleteBehavior.Cascade);
    }
}
