using Axle.Api.Features.Catalog;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Axle.Api.Features.Inventory;

/// <summary>
/// How many units of one part one warehouse holds (<see cref="OnHand"/>) and how many of those are promised to
/// reservations (<see cref="Reserved"/>). Quantities only ever change through <see cref="StockLedger"/>, which pairs every
/// change with a movement row; the database refuses negative stock and over-reservation with CHECK constraints.
/// </summary>
public sealed class StockLevel
{
    private StockLevel()
    {
    }

    public StockLevel(long partId, long warehouseId, DateTime now)
    {
        PartId = partId;
        WarehouseId = warehouseId;
        UpdatedAt = now;
        Version = 1;
    }

    public long Id { get; private set; }
    public long PartId { get; private set; }
    public long WarehouseId { get; private set; }
    public Warehouse? Warehouse { get; private set; }
    public int OnHand { get; private set; }
    public int Reserved { get; private set; }

    /// <summary>At or below this many available units the level counts as low stock.</summary>
    public int ReorderPoint { get; private set; }

    /// <summary>How many units a restock usually orders; see <see cref="SuggestedPurchase"/>.</summary>
    public int ReorderQuantity { get; private set; }
    public DateTime UpdatedAt { get; private set; }

    /// <summary>App-managed; bumped by every change, quantities included. The level's ETag is derived from it.</summary>
    public long Version { get; private set; }

    public int Available => OnHand - Reserved;

    /// <summary>Demo data and tests start a level with stock; the caller writes the matching movement.</summary>
    internal void Seed(int onHand, int reorderPoint, int reorderQuantity)
    {
        OnHand = onHand;
        ReorderPoint = reorderPoint;
        ReorderQuantity = reorderQuantity;
    }

    /// <summary>
    /// What to order when the level is at or below its reorder point: enough to bring available back up to
    /// reorder point + reorder quantity, i.e. <c>(reorderPoint − available) + reorderQuantity</c>; otherwise 0.
    /// Units still to arrive on open purchase orders (<paramref name="onOrder"/>) count as available: they are ordered.
    /// </summary>
    public static int SuggestedPurchase(int available, int reorderPoint, int reorderQuantity, int onOrder = 0) =>
        available + onOrder <= reorderPoint ? reorderPoint - (available + onOrder) + reorderQuantity : 0;

    /// <summary>True when a change moved available from above the reorder point to at or below it.</summary>
    public static bool CrossedReorderPoint(int availableBefore, int availableAfter, int reorderPoint) =>
        availableBefore > reorderPoint && availableAfter <= reorderPoint;
}

internal sealed class StockLevelConfiguration : IEntityTypeConfiguration<StockLevel>
{
    public void Configure(EntityTypeBuilder<StockLevel> b)
    {
        b.ToTable("stock_levels", t =>
        {
            t.HasCheckConstraint("CK_stock_levels_on_hand", "\"OnHand\" >= 0");
            t.HasCheckConstraint("CK_stock_levels_reserved", "\"Reserved\" >= 0 AND \"Reserved\" <= \"OnHand\"");
            t.HasCheckConstraint("CK_stock_levels_reorder", "\"ReorderPoint\" >= 0 AND \"ReorderQuantity\" >= 0");
        });
        b.HasKey(l => l.Id);
        b.HasIndex(l => new { l.PartId, l.WarehouseId }).IsUnique();
        b.HasIndex(l => new { l.WarehouseId, l.Id });
        // No index on UpdatedAt, and room left in each page: every reservation and supplier update rewrites the row, and
        // with no indexed column changing PostgreSQL can do it as a heap-only (HOT) update, without touching an index.
        // The rare ?updatedSince= listing scans instead.
        b.HasStorageParameter("fillfactor", 90);
        b.Property(l => l.Version).IsConcurrencyToken();
        b.Ignore(l => l.Available);
        b.HasOne<Part>().WithMany().HasForeignKey(l => l.PartId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne(l => l.Warehouse).WithMany().HasForeignKey(l => l.WarehouseId).OnDelete(DeleteBehavior.Restrict);
    }
}
