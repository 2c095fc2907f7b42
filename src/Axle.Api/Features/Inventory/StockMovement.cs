using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Axle.Api.Features.Inventory;

/// <summary>Why a stock level changed.</summary>
public enum MovementReason
{
    /// <summary>Opening balance (demo data, migrations from another system).</summary>
    Initial,
    Received,
    Damaged,
    Lost,
    Found,
    CycleCount,
    ReturnRestock,
    Correction,
    TransferOut,
    TransferIn,

    /// <summary>Units set aside for a reservation: reserved +q.</summary>
    Reserved,

    /// <summary>A reservation was cancelled: reserved −q.</summary>
    Released,

    /// <summary>A held reservation ran past its expiry: reserved −q.</summary>
    Expired,

    /// <summary>A reservation was committed (shipped): on hand −q, reserved −q.</summary>
    Shipped,

    /// <summary>A supplier's push or feed set the on-hand quantity of a warehouse it owns.</summary>
    SupplierSync,
}

/// <summary>What a movement belongs to: its <see cref="StockMovement.ReferenceId"/> is that thing's id.</summary>
public enum MovementReference
{
    Order,
    PurchaseOrder,
    Transfer,
    Adjustment,
    Reservation,

    /// <summary>A pull of a supplier's feed; the id is the sync run's.</summary>
    SyncRun,

    /// <summary>A supplier's push; the id is the inbox message's.</summary>
    SupplierPush,
}

/// <summary>
/// One immutable row of the stock ledger. For every level, <c>OnHand</c> and <c>Reserved</c> equal the sums of
/// <see cref="DeltaOnHand"/> and <see cref="DeltaReserved"/> over its movements; <see cref="StockLedger"/> writes a row in
/// the same transaction as each change, and the reconciliation checks the sums. Nothing updates or deletes these rows.
/// </summary>
public sealed class StockMovement
{
    public const int ActorMaxLength = 100;
    public const int ReferenceIdMaxLength = 64;

    private StockMovement()
    {
    }

    internal StockMovement(
        long partId, long warehouseId, int deltaOnHand, int deltaReserved, MovementReason reason, string actor,
        MovementReference referenceType, string referenceId, string? note, DateTime occurredAt)
    {
        PartId = partId;
        WarehouseId = warehouseId;
        DeltaOnHand = deltaOnHand;
        DeltaReserved = deltaReserved;
        Reason = reason;
        Actor = actor;
        ReferenceType = referenceType;
        ReferenceId = referenceId;
        Note = note;
        OccurredAt = occurredAt;
    }

    public long Id { get; private set; }
    public long PartId { get; private set; }
    public long WarehouseId { get; private set; }
    public int DeltaOnHand { get; private set; }
    public int DeltaReserved { get; private set; }
    public MovementReason Reason { get; private set; }

    /// <summary>A user id, <c>client:&lt;id&gt;</c> for a machine client, or <c>system</c> (workers, demo data).</summary>
    public string Actor { get; private set; } = "";
    public MovementReference ReferenceType { get; private set; }
    public string ReferenceId { get; private set; } = "";
    public string? Note { get; private set; }
    public DateTime OccurredAt { get; private set; }
}

internal sealed class StockMovementConfiguration : IEntityTypeConfiguration<StockMovement>
{
    public void Configure(EntityTypeBuilder<StockMovement> b)
    {
        b.ToTable("stock_movements");
        b.HasKey(m => m.Id);
        b.Property(m => m.Reason).HasConversion<string>().HasMaxLength(32);
        b.Property(m => m.ReferenceType).HasConversion<string>().HasMaxLength(32);
        b.Property(m => m.Actor).HasMaxLength(StockMovement.ActorMaxLength).IsRequired();
        b.Property(m => m.ReferenceId).HasMaxLength(StockMovement.ReferenceIdMaxLength).IsRequired();
        b.Property(m => m.Note).HasMaxLength(500);
        // The ledger of one part, newest first (the movements list), and the per-level sums of the reconciliation.
        b.HasIndex(m => new { m.PartId, m.OccurredAt, m.Id });
        b.HasIndex(m => new { m.PartId, m.WarehouseId });
        b.HasIndex(m => new { m.ReferenceType, m.ReferenceId });
        // No foreign keys: the ledger outlives what it mentions and is never cascaded away.
    }
}
