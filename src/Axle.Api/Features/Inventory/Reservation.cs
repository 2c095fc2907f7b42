using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Axle.Api.Features.Inventory;

public enum ReservationStatus
{
    /// <summary>Stock is set aside (reserved) until commit, release or expiry.</summary>
    Held,

    /// <summary>Shipped: the reserved units left on-hand stock.</summary>
    Committed,

    /// <summary>
    /// Held for good: the order it is for was paid, so it no longer expires; the units stay reserved until they ship
    /// (commit) or the order is cancelled (release).
    /// </summary>
    Confirmed,

    /// <summary>Cancelled by its owner: the units are available again.</summary>
    Released,

    /// <summary>Not committed in time; released by the expiry worker.</summary>
    Expired,
}

/// <summary>
/// Units set aside for one purpose (an order being paid for), as lines per warehouse level. Created held by
/// <see cref="InventoryReservations"/>; leaves <see cref="ReservationStatus.Held"/> exactly once, by a conditional update
/// on the status, so a commit racing a release or the expiry worker has one winner.
/// </summary>
public sealed class Reservation
{
    public const int ReferenceTypeMaxLength = 32;
    public const int ReferenceIdMaxLength = 64;

    /// <summary>
    /// Distinct parts one reservation holds at most: the largest cart (Carts:MaxLines' ceiling) and every request that
    /// reserves (reservation and order lines) stay within it; <see cref="InventoryReservations"/> refuses more as a bug.
    /// </summary>
    public const int MaxParts = 500;

    /// <summary>Lines (part × warehouse) at most: each part is split over at most <see cref="StockAllocator.MaxWarehousesPerLine"/> warehouses.</summary>
    public const int MaxLines = MaxParts * StockAllocator.MaxWarehousesPerLine;

    private readonly List<ReservationLine> _lines = [];

    private Reservation()
    {
    }

    public Reservation(Guid id, string? referenceType, string? referenceId, string actor, DateTime now, DateTime expiresAt)
    {
        Id = id;
        ReferenceType = referenceType;
        ReferenceId = referenceId;
        Actor = actor;
        CreatedAt = now;
        ExpiresAt = expiresAt;
        Status = ReservationStatus.Held;
        Version = 1;
    }

    public Guid Id { get; private set; }
    public ReservationStatus Status { get; private set; }

    /// <summary>What the reservation is for, e.g. <c>order</c> and the order id.</summary>
    public string? ReferenceType { get; private set; }
    public string? ReferenceId { get; private set; }
    public string Actor { get; private set; } = "";
    public DateTime CreatedAt { get; private set; }
    public DateTime ExpiresAt { get; private set; }

    /// <summary>When it left the held state (committed, released or expired).</summary>
    public DateTime? ClosedAt { get; private set; }
    public long Version { get; private set; }

    public IReadOnlyList<ReservationLine> Lines => _lines;

    /// <summary>Whether the units are still set aside (held or confirmed): what the ledger's reserved quantities add up.</summary>
    public static bool IsOpen(ReservationStatus status) => status is ReservationStatus.Held or ReservationStatus.Confirmed;

    public void AddLine(Allocation allocation)
    {
        if (Status != ReservationStatus.Held || allocation.Quantity <= 0)
        {
            throw new InvalidOperationException("Lines are added to a held reservation, each with at least one unit.");
        }

        if (_lines.Count >= MaxLines)
        {
            throw new InvalidOperationException($"A reservation holds at most {MaxLines} lines.");
        }

        _lines.Add(new ReservationLine(Id, allocation.PartId, allocation.WarehouseId, allocation.LevelId, allocation.Quantity));
    }

    /// <summary>The movement a line writes when the reservation leaves the held state with <paramref name="to"/>.</summary>
    public static (int DeltaOnHand, int DeltaReserved, MovementReason Reason) Closing(ReservationStatus to, int quantity) => to switch
    {
        ReservationStatus.Committed => (-quantity, -quantity, MovementReason.Shipped),
        ReservationStatus.Released => (0, -quantity, MovementReason.Released),
        ReservationStatus.Expired => (0, -quantity, MovementReason.Expired),
        _ => throw new ArgumentOutOfRangeException(nameof(to), to, "A reservation closes as committed, released or expired."),
    };
}

public sealed class ReservationLine
{
    private ReservationLine()
    {
    }

    internal ReservationLine(Guid reservationId, long partId, long warehouseId, long stockLevelId, int quantity)
    {
        ReservationId = reservationId;
        PartId = partId;
        WarehouseId = warehouseId;
        StockLevelId = stockLevelId;
        Quantity = quantity;
    }

    public long Id { get; private set; }
    public Guid ReservationId { get; private set; }
    public long PartId { get; private set; }
    public long WarehouseId { get; private set; }
    public long StockLevelId { get; private set; }
    public int Quantity { get; private set; }

    /// <summary>Units of this line that already left in a shipment (never more than <see cref="Quantity"/>); the rest stay reserved.</summary>
    public int ShippedQuantity { get; private set; }

    /// <summary>Units of the line still set aside on the level (not yet shipped).</summary>
    public int OpenQuantity => Quantity - ShippedQuantity;
}

internal sealed class ReservationConfiguration : IEntityTypeConfiguration<Reservation>
{
    public void Configure(EntityTypeBuilder<Reservation> b)
    {
        b.ToTable("reservations");
        b.HasKey(r => r.Id);
        b.Property(r => r.Id).ValueGeneratedNever();
        b.Property(r => r.Status).HasConversion<string>().HasMaxLength(16);
        b.Property(r => r.ReferenceType).HasMaxLength(Reservation.ReferenceTypeMaxLength);
        b.Property(r => r.ReferenceId).HasMaxLength(Reservation.ReferenceIdMaxLength);
        b.Property(r => r.Actor).HasMaxLength(StockMovement.ActorMaxLength).IsRequired();
        b.Property(r => r.Version).IsConcurrencyToken();
        // The expiry worker's scan: held reservations by expiry time.
        b.HasIndex(r => new { r.Status, r.ExpiresAt });
        b.HasIndex(r => new { r.ReferenceType, r.ReferenceId });
        b.HasMany(r => r.Lines).WithOne().HasForeignKey(l => l.ReservationId).OnDelete(DeleteBehavior.Cascade);
        b.Navigation(r => r.Lines).UsePropertyAccessMode(PropertyAccessMode.Field);
    }
}

internal sealed class ReservationLineConfiguration : IEntityTypeConfiguration<ReservationLine>
{
    public void Configure(EntityTypeBuilder<ReservationLine> b)
    {
        b.ToTable("reservation_lines", t =>
        {
            t.HasCheckConstraint("CK_reservation_lines_quantity", "\"Quantity\" > 0");
            t.HasCheckConstraint("CK_reservation_lines_shipped", "\"ShippedQuantity\" >= 0 AND \"ShippedQuantity\" <= \"Quantity\"");
        });
        b.HasKey(l => l.Id);
        b.Ignore(l => l.OpenQuantity);
        b.HasIndex(l => l.StockLevelId);
        b.HasOne<StockLevel>().WithMany().HasForeignKey(l => l.StockLevelId).OnDelete(DeleteBehavior.Restrict);
    }
}
