using Axle.Api.Features.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Axle.Api.Features.Orders;

/// <summary>Totals of an order in minor units of its currency, as <see cref="Pricing.PriceCalculator"/> computed them.</summary>
public sealed record OrderTotals(long Subtotal, long Discount, long Tax, long Shipping, long CoreCharges, long Total);

/// <summary>
/// A customer's order. Its lines and prices are fixed at checkout; afterwards only its status moves, one legal step at a
/// time (<see cref="OrderStateMachine"/>), each step recorded in <see cref="History"/> with who and when.
/// <see cref="Version"/> is the concurrency token: two writers racing on one order cannot both win.
/// </summary>
public sealed class Order
{
    public const int NumberMaxLength = 16;
    public const int NoteMaxLength = 500;

    private readonly List<OrderItem> _items = [];
    private readonly List<OrderStatusChange> _history = [];

    private Order()
    {
    }

    internal Order(
        Guid id, string number, Guid userId, string currency, OrderTotals totals, decimal taxRatePercent, string? taxJurisdiction,
        string shippingMethod, Address shippingAddress, string? promotionCode, string actor, DateTime now)
    {
        Id = id;
        Number = number;
        UserId = userId;
        Currency = currency;
        SubtotalMinor = totals.Subtotal;
        DiscountMinor = totals.Discount;
        TaxMinor = totals.Tax;
        ShippingMinor = totals.Shipping;
        CoreChargesMinor = totals.CoreCharges;
        TotalMinor = totals.Total;
        TaxRatePercent = taxRatePercent;
        TaxJurisdiction = taxJurisdiction;
        ShippingMethod = shippingMethod;
        ShippingAddress = shippingAddress;
        PromotionCode = promotionCode;
        Status = OrderStatus.PendingPayment;
        CreatedAt = now;
        UpdatedAt = now;
        Version = 1;
        _history.Add(new OrderStatusChange(id, null, OrderStatus.PendingPayment, actor, "Order placed.", now));
    }

    public Guid Id { get; private set; }

    /// <summary>Human-readable and unique, e.g. <c>AX-7K3Q-9D2M</c>.</summary>
    public string Number { get; private set; } = "";
    public Guid UserId { get; private set; }
    public OrderStatus Status { get; private set; }
    public string Currency { get; private set; } = "";
    public long SubtotalMinor { get; private set; }
    public long DiscountMinor { get; private set; }
    public long TaxMinor { get; private set; }
    public long ShippingMinor { get; private set; }
    public long CoreChargesMinor { get; private set; }
    public long TotalMinor { get; private set; }
    public decimal TaxRatePercent { get; private set; }
    public string? TaxJurisdiction { get; private set; }
    public string ShippingMethod { get; private set; } = "";
    internal Address ShippingAddress { get; private set; } = null!;
    public string? PromotionCode { get; private set; }

    /// <summary>The vehicle the customer shopped for (from the cart), which fit checks and fit feedback refer to.</summary>
    public int? VehicleYear { get; private set; }
    public string? VehicleMake { get; private set; }
    public string? VehicleModel { get; private set; }
    public string? VehicleEngine { get; private set; }
    public string? VehicleVin { get; private set; }

    /// <summary>The inventory reservation holding (then committed to) this order's stock.</summary>
    public Guid? ReservationId { get; private set; }

    /// <summary>Set when something after placement needs a person: stock found missing, payment settled too late.</summary>
    public bool NeedsAttention { get; private set; }
    public string? AttentionNote { get; private set; }

    public DateTime CreatedAt { get; private set; }
    public DateTime UpdatedAt { get; private set; }
    public DateTime? PaidAt { get; private set; }
    public long Version { get; private set; }

    public IReadOnlyList<OrderItem> Items => _items;
    public IReadOnlyList<OrderStatusChange> History => _history;

    public OrderTotals Totals => new(SubtotalMinor, DiscountMinor, TaxMinor, ShippingMinor, CoreChargesMinor, TotalMinor);

    public OrderItem AddItem(OrderItem item)
    {
        _items.Add(item);
        return item;
    }

    public void HoldWith(Guid reservationId) => ReservationId = reservationId;

    public void ForVehicle(int? year, string? make, string? model, string? engine, string? vin)
    {
        VehicleYear = year;
        VehicleMake = make;
        VehicleModel = model;
        VehicleEngine = engine;
        VehicleVin = vin;
    }

    /// <summary>
    /// Moves the order one step. Throws <see cref="IllegalTransitionException"/> for a step the table does not allow;
    /// callers that take the target from a client check <see cref="OrderStateMachine.CanTransition"/> first and answer 409.
    /// </summary>
    public OrderStatusChange TransitionTo(OrderStatus to, string actor, string? note, DateTime now)
    {
        if (!OrderStateMachine.CanTransition(Status, to))
        {
            throw new IllegalTransitionException(Status, to);
        }

        var change = new OrderStatusChange(Id, Status, to, actor, note, now);
        _history.Add(change);
        Status = to;
        if (to == OrderStatus.Paid)
        {
            PaidAt = now;
        }

        Touch(now);
        return change;
    }

    public void FlagForAttention(string note, DateTime now)
    {
        NeedsAttention = true;
        AttentionNote = note.Length > NoteMaxLength ? note[..NoteMaxLength] : note;
        Touch(now);
    }

    public void ClearAttention(DateTime now)
    {
        NeedsAttention = false;
        AttentionNote = null;
        Touch(now);
    }

    public void Touch(DateTime now)
    {
        UpdatedAt = now;
        Version++;
    }
}

public enum OrderItemKind
{
    /// <summary>Units of a part.</summary>
    Part,

    /// <summary>The refundable deposit on a remanufactured part's old unit (one per part line that carries a core charge).</summary>
    CoreCharge,
}

/// <summary>
/// One line of an order, a snapshot of the part as it was sold (SKU, name, price), so later catalog edits never change an
/// order. A part with a core charge gets a second line of kind <see cref="OrderItemKind.CoreCharge"/> pointing back at it.
/// </summary>
public sealed class OrderItem
{
    private OrderItem()
    {
    }

    public OrderItem(
        Guid orderId, OrderItemKind kind, long partId, string sku, string partNumber, string name, int quantity, long unitPriceMinor,
        bool hazmat, string fit, bool fitAcknowledged, Guid? coreForItemId = null)
    {
        Id = Guid.CreateVersion7();
        OrderId = orderId;
        Kind = kind;
        PartId = partId;
        Sku = sku;
        PartNumber = partNumber;
        Name = name;
        Quantity = quantity;
        UnitPriceMinor = unitPriceMinor;
        LineTotalMinor = checked(unitPriceMinor * quantity);
        Hazmat = hazmat;
        Fit = fit;
        FitAcknowledged = fitAcknowledged;
        CoreForItemId = coreForItemId;
    }

    public Guid Id { get; private set; }
    public Guid OrderId { get; private set; }
    public OrderItemKind Kind { get; private set; }
    public long PartId { get; private set; }
    public string Sku { get; private set; } = "";
    public string PartNumber { get; private set; } = "";
    public string Name { get; private set; } = "";
    public int Quantity { get; private set; }
    public long UnitPriceMinor { get; private set; }
    public long LineTotalMinor { get; private set; }
    public bool Hazmat { get; private set; }

    /// <summary><c>yes</c>, <c>no</c> or <c>unknown</c> against the cart's vehicle at checkout.</summary>
    public string Fit { get; private set; } = "unknown";

    /// <summary>The customer confirmed buying a part known not to fit their vehicle.</summary>
    public bool FitAcknowledged { get; private set; }

    /// <summary>For a core-charge line: the part line whose old unit it is the deposit on.</summary>
    public Guid? CoreForItemId { get; private set; }
}

/// <summary>One step of an order's lifecycle: from, to, who, when and why.</summary>
public sealed class OrderStatusChange
{
    private OrderStatusChange()
    {
    }

    internal OrderStatusChange(Guid orderId, OrderStatus? from, OrderStatus to, string actor, string? note, DateTime at)
    {
        OrderId = orderId;
        From = from;
        To = to;
        Actor = actor;
        Note = note is { Length: > Order.NoteMaxLength } ? note[..Order.NoteMaxLength] : note;
        At = at;
    }

    public long Id { get; private set; }
    public Guid OrderId { get; private set; }
    public OrderStatus? From { get; private set; }
    public OrderStatus To { get; private set; }

    /// <summary><c>user:{id}</c>, <c>client:{id}</c> or <c>system</c>.</summary>
    public string Actor { get; private set; } = "";
    public string? Note { get; private set; }
    public DateTime At { get; private set; }
}

internal sealed class OrderConfiguration : IEntityTypeConfiguration<Order>
{
    public void Configure(EntityTypeBuilder<Order> b)
    {
        b.ToTable("orders");
        b.HasKey(o => o.Id);
        b.Property(o => o.Id).ValueGeneratedNever();
        b.Property(o => o.Number).HasMaxLength(Order.NumberMaxLength).IsRequired();
        b.HasIndex(o => o.Number).IsUnique();
        b.Property(o => o.Status).HasConversion<string>().HasMaxLength(24);
        b.Property(o => o.Currency).HasMaxLength(3).IsFixedLength().IsRequired();
        b.Property(o => o.TaxRatePercent).HasPrecision(7, 4);
        b.Property(o => o.TaxJurisdiction).HasMaxLength(120);
        b.Property(o => o.ShippingMethod).HasMaxLength(16).IsRequired();
        b.Property(o => o.PromotionCode).HasMaxLength(64);
        b.Property(o => o.AttentionNote).HasMaxLength(Order.NoteMaxLength);
        b.Property(o => o.VehicleMake).HasMaxLength(64);
        b.Property(o => o.VehicleModel).HasMaxLength(64);
        b.Property(o => o.VehicleEngine).HasMaxLength(64);
        b.Property(o => o.VehicleVin).HasMaxLength(17);
        b.Property(o => o.Version).IsConcurrencyToken();
        b.Ignore(o => o.Totals);
        b.OwnsOne(o => o.ShippingAddress, a =>
        {
            a.Property(x => x.Name).HasColumnName("ship_name").HasMaxLength(AddressDto.NameMaxLength).IsRequired();
            a.Property(x => x.Line1).HasColumnName("ship_line1").HasMaxLength(AddressDto.LineMaxLength).IsRequired();
            a.Property(x => x.Line2).HasColumnName("ship_line2").HasMaxLength(AddressDto.LineMaxLength);
            a.Property(x => x.City).HasColumnName("ship_city").HasMaxLength(AddressDto.CityMaxLength).IsRequired();
            a.Property(x => x.Region).HasColumnName("ship_region").HasMaxLength(AddressDto.CityMaxLength).IsRequired();
            a.Property(x => x.PostalCode).HasColumnName("ship_postal_code").HasMaxLength(AddressDto.PostalCodeMaxLength).IsRequired();
            a.Property(x => x.Country).HasColumnName("ship_country").HasMaxLength(2).IsRequired();
            a.Property(x => x.Phone).HasColumnName("ship_phone").HasMaxLength(User.PhoneMaxLength);
        });
        b.Navigation(o => o.ShippingAddress).IsRequired();
        // The customer's list (newest first) and staff lists by status and date.
        b.HasIndex(o => new { o.UserId, o.CreatedAt });
        b.HasIndex(o => new { o.Status, o.CreatedAt });
        b.HasIndex(o => o.ReservationId);
        b.HasMany(o => o.Items).WithOne().HasForeignKey(i => i.OrderId).OnDelete(DeleteBehavior.Cascade);
        b.Navigation(o => o.Items).UsePropertyAccessMode(PropertyAccessMode.Field);
        b.HasMany(o => o.History).WithOne().HasForeignKey(h => h.OrderId).OnDelete(DeleteBehavior.Cascade);
        b.Navigation(o => o.History).UsePropertyAccessMode(PropertyAccessMode.Field);
    }
}

internal sealed class OrderItemConfiguration : IEntityTypeConfiguration<OrderItem>
{
    public void Configure(EntityTypeBuilder<OrderItem> b)
    {
        b.ToTable("order_items", t => t.HasCheckConstraint("CK_order_items_quantity", "\"Quantity\" > 0"));
        b.HasKey(i => i.Id);
        b.Property(i => i.Id).ValueGeneratedNever();
        b.Property(i => i.Kind).HasConversion<string>().HasMaxLength(16);
        b.Property(i => i.Sku).HasMaxLength(64).IsRequired();
        b.Property(i => i.PartNumber).HasMaxLength(64).IsRequired();
        b.Property(i => i.Name).HasMaxLength(300).IsRequired();
        b.Property(i => i.Fit).HasMaxLength(8).IsRequired();
        b.HasIndex(i => i.PartId);
        // Order lines keep pointing at their part: a part with orders is discontinued, never deleted (see OrderPartUsage).
        b.HasOne<Catalog.Part>().WithMany().HasForeignKey(i => i.PartId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class OrderStatusChangeConfiguration : IEntityTypeConfiguration<OrderStatusChange>
{
    public void Configure(EntityTypeBuilder<OrderStatusChange> b)
    {
        b.ToTable("order_status_changes");
        b.HasKey(h => h.Id);
        b.Property(h => h.From).HasConversion<string>().HasMaxLength(24);
        b.Property(h => h.To).HasConversion<string>().HasMaxLength(24);
        b.Property(h => h.Actor).HasMaxLength(80).IsRequired();
        b.Property(h => h.Note).HasMaxLength(Order.NoteMaxLength);
        b.HasIndex(h => new { h.OrderId, h.Id });
    }
}
