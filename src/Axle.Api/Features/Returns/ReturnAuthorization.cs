using Axle.Api.Features.Orders;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Axle.Api.Features.Returns;

public enum ReturnStatus
{
    Requested,
    Approved,
    Rejected,
    Received,
    Refunded,
}

public enum ReturnReason
{
    WrongPart,
    DoesNotFit,
    Defective,
    DamagedInTransit,
    NotNeeded,
    CoreReturn,
    Other,
}

/// <summary>What the warehouse found when the unit came back.</summary>
public enum ReturnCondition
{
    /// <summary>As new: back on the shelf through a <c>return_restock</c> movement.</summary>
    Resaleable,

    /// <summary>Opened or used: kept out of sellable stock.</summary>
    Opened,

    /// <summary>Damaged: kept out of sellable stock.</summary>
    Damaged,

    /// <summary>The old unit of a remanufactured part (only for core_charge lines): refunds the core deposit.</summary>
    Core,
}

/// <summary>
/// A return merchandise authorization: the customer asks, an order manager approves or rejects, the warehouse receives
/// the units once, and the refund goes through the gateway. Each step is one legal move of <see cref="Status"/>
/// (<see cref="ReturnStateMachine"/>); <see cref="Version"/> is the concurrency token, so of two racing receipts (or
/// refunds) only one commits — and with it the only restock.
/// </summary>
public sealed class ReturnAuthorization
{
    public const int NumberMaxLength = 16;
    public const int NoteMaxLength = 500;

    private readonly List<ReturnItem> _items = [];

    private ReturnAuthorization()
    {
    }

    public ReturnAuthorization(Guid id, string number, Guid orderId, Guid userId, string currency, DateTime now)
    {
        Id = id;
        Number = number;
        OrderId = orderId;
        UserId = userId;
        Currency = currency;
        Status = ReturnStatus.Requested;
        CreatedAt = now;
        UpdatedAt = now;
        Version = 1;
    }

    public Guid Id { get; private set; }

    /// <summary>Human-readable and unique, e.g. <c>RMA-7K3Q-9D2M</c>.</summary>
    public string Number { get; private set; } = "";
    public Guid OrderId { get; private set; }
    public Guid UserId { get; private set; }
    public ReturnStatus Status { get; private set; }
    public string Currency { get; private set; } = "";

    /// <summary>The warehouse the units came back to.</summary>
    public long? WarehouseId { get; private set; }

    /// <summary>What was booked as the refund (null until refunded).</summary>
    public long? RefundMinor { get; private set; }
    public Guid? PaymentRefundId { get; private set; }

    /// <summary>Why it was rejected, or the staff's note on approval.</summary>
    public string? Note { get; private set; }

    public DateTime CreatedAt { get; private set; }
    public DateTime UpdatedAt { get; private set; }
    public DateTime? ApprovedAt { get; private set; }
    public DateTime? RejectedAt { get; private set; }
    public DateTime? ReceivedAt { get; private set; }
    public DateTime? RefundedAt { get; private set; }
    public long Version { get; private set; }

    public IReadOnlyList<ReturnItem> Items => _items;

    public ReturnItem AddItem(OrderItem line, int quantity, ReturnReason reason)
    {
        var item = new ReturnItem(Id, line.Id, line.Kind, line.PartId, quantity, reason);
        _items.Add(item);
        return item;
    }

    public void Approve(string? note, DateTime now)
    {
        Move(ReturnStatus.Approved, now);
        Note = Trim(note);
        ApprovedAt = now;
    }

    public void Reject(string? note, DateTime now)
    {
        Move(ReturnStatus.Rejected, now);
        Note = Trim(note);
        RejectedAt = now;
    }

    /// <summary>Records each unit's condition; resaleable part units are marked restocked (the caller books the movement in the same transaction).</summary>
    public void Receive(long warehouseId, IReadOnlyDictionary<Guid, ReturnCondition> conditions, DateTime now)
    {
        Move(ReturnStatus.Received, now);
        WarehouseId = warehouseId;
        ReceivedAt = now;
        foreach (var item in _items)
        {
            item.Receive(conditions[item.Id], warehouseId);
        }
    }

    public void Refunded(long amountMinor, Guid? paymentRefundId, DateTime now)
    {
        Move(ReturnStatus.Refunded, now);
        RefundMinor = amountMinor;
        PaymentRefundId = paymentRefundId;
        RefundedAt = now;
    }

    private void Move(ReturnStatus to, DateTime now)
    {
        if (!ReturnStateMachine.CanTransition(Status, to))
        {
            throw new InvalidOperationException($"A return cannot go from {ReturnStateMachine.Name(Status)} to {ReturnStateMachine.Name(to)}.");
        }

        Status = to;
        UpdatedAt = now;
        Version++;
    }

    private static string? Trim(string? note)
    {
        var trimmed = note?.Trim();
        return string.IsNullOrEmpty(trimmed) ? null : trimmed.Length > NoteMaxLength ? trimmed[..NoteMaxLength] : trimmed;
    }
}

/// <summary>One order line (or part of its quantity) coming back.</summary>
public sealed class ReturnItem
{
    private ReturnItem()
    {
    }

    internal ReturnItem(Guid returnId, Guid orderItemId, OrderItemKind kind, long partId, int quantity, ReturnReason reason)
    {
        Id = Guid.CreateVersion7();
        ReturnId = returnId;
        OrderItemId = orderItemId;
        Kind = kind;
        PartId = partId;
        Quantity = quantity;
        Reason = reason;
    }

    public Guid Id { get; private set; }
    public Guid ReturnId { get; private set; }
    public Guid OrderItemId { get; private set; }

    /// <summary>The kind of the order line: a part, or the core deposit of one.</summary>
    public OrderItemKind Kind { get; private set; }
    public long PartId { get; private set; }
    public int Quantity { get; private set; }
    public ReturnReason Reason { get; private set; }
    public ReturnCondition? Condition { get; private set; }
    public long? WarehouseId { get; private set; }

    /// <summary>The units went back into sellable stock (a <c>return_restock</c> movement).</summary>
    public bool Restocked { get; private set; }

    internal void Receive(ReturnCondition condition, long warehouseId)
    {
        Condition = condition;
        WarehouseId = warehouseId;
        Restocked = Kind == OrderItemKind.Part && condition == ReturnCondition.Resaleable;
    }
}

/// <summary><c>requested → approved | rejected</c>, <c>approved → received</c>, <c>received → refunded</c>; nothing else.</summary>
public static class ReturnStateMachine
{
    private static readonly Dictionary<ReturnStatus, ReturnStatus[]> Allowed = new()
    {
        [ReturnStatus.Requested] = [ReturnStatus.Approved, ReturnStatus.Rejected],
        [ReturnStatus.Approved] = [ReturnStatus.Received],
        [ReturnStatus.Received] = [ReturnStatus.Refunded],
        [ReturnStatus.Rejected] = [],
        [ReturnStatus.Refunded] = [],
    };

    public static bool CanTransition(ReturnStatus from, ReturnStatus to) => Allowed[from].Contains(to);

    public static string Name(ReturnStatus status) => status.ToString().ToLowerInvariant();
}

internal sealed class ReturnAuthorizationConfiguration : IEntityTypeConfiguration<ReturnAuthorization>
{
    public void Configure(EntityTypeBuilder<ReturnAuthorization> b)
    {
        b.ToTable("return_authorizations");
        b.HasKey(r => r.Id);
        b.Property(r => r.Id).ValueGeneratedNever();
        b.Property(r => r.Number).HasMaxLength(ReturnAuthorization.NumberMaxLength).IsRequired();
        b.HasIndex(r => r.Number).IsUnique();
        b.Property(r => r.Status).HasConversion<string>().HasMaxLength(16);
        b.Property(r => r.Currency).HasMaxLength(3).IsFixedLength().IsRequired();
        b.Property(r => r.Note).HasMaxLength(ReturnAuthorization.NoteMaxLength);
        b.Property(r => r.Version).IsConcurrencyToken();
        b.HasIndex(r => new { r.OrderId, r.CreatedAt });
        b.HasIndex(r => new { r.UserId, r.CreatedAt });
        b.HasOne<Order>().WithMany().HasForeignKey(r => r.OrderId).OnDelete(DeleteBehavior.Restrict);
        b.HasMany(r => r.Items).WithOne().HasForeignKey(i => i.ReturnId).OnDelete(DeleteBehavior.Cascade);
        b.Navigation(r => r.Items).UsePropertyAccessMode(PropertyAccessMode.Field);
    }
}

internal sealed class ReturnItemConfiguration : IEntityTypeConfiguration<ReturnItem>
{
    public void Configure(EntityTypeBuilder<ReturnItem> b)
    {
        b.ToTable("return_items", t => t.HasCheckConstraint("CK_return_items_quantity", "\"Quantity\" > 0"));
        b.HasKey(i => i.Id);
        b.Property(i => i.Id).ValueGeneratedNever();
        b.Property(i => i.Kind).HasConversion<string>().HasMaxLength(16);
        b.Property(i => i.Reason).HasConversion<string>().HasMaxLength(24);
        b.Property(i => i.Condition).HasConversion<string>().HasMaxLength(16);
        b.HasIndex(i => i.OrderItemId);
        b.HasOne<OrderItem>().WithMany().HasForeignKey(i => i.OrderItemId).OnDelete(DeleteBehavior.Restrict);
    }
}

/// <summary>
/// The first statement of a return's money- or stock-moving transaction: one conditional UPDATE that bumps the version
/// only while the return is still in <c>expected</c> at the version the caller read. Zero rows means another request got
/// there first, and the caller rolls back before doing anything. Being a write, it also takes SQLite's write lock before
/// the transaction reads, so the reads that follow see the latest commit.
/// </summary>
internal static class ReturnClaim
{
    public static async Task<bool> TryAsync(Platform.Data.AppDbContext db, ReturnAuthorization read, ReturnStatus expected, CancellationToken ct) =>
        await db.Set<ReturnAuthorization>()
            .Where(r => r.Id == read.Id && r.Status == expected && r.Version == read.Version)
            .ExecuteUpdateAsync(s => s.SetProperty(r => r.Version, r => r.Version + 1), ct) == 1;
}
