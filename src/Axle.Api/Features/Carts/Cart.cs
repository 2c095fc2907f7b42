using Axle.Api.Features.Pricing;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Axle.Api.Features.Carts;

public enum CartStatus
{
    Active,

    /// <summary>Reserved for checkout: an ordered cart is kept and a new active one starts.</summary>
    CheckedOut,
}

/// <summary>How the cart's vehicle was chosen; fit checks resolve it to catalog vehicles on every read.</summary>
public enum CartVehicleSource
{
    Garage,
    YearMakeModel,
    Vin,
}

/// <summary>The vehicle a cart is checked against, as the customer gave it.</summary>
public sealed record CartVehicle(
    CartVehicleSource Source, Guid? GarageVehicleId, int? Year, string? Make, string? Model, string? Engine, string? Vin);

/// <summary>
/// A customer's cart: at most one <see cref="CartStatus.Active"/> cart per user (a unique filtered index). Lines hold a
/// price snapshot taken when the customer last set their quantity; reads re-price against the catalog. Every change
/// bumps <see cref="Version"/>, the concurrency token that the ETag is made from, so two writers never both win.
/// </summary>
public sealed class Cart
{
    public const int MaxQuantity = 99;

    private readonly List<CartItem> _items = [];

    private Cart()
    {
    }

    public Cart(Guid userId, DateTime now)
    {
        Id = Guid.CreateVersion7();
        UserId = userId;
        Status = CartStatus.Active;
        CreatedAt = now;
        UpdatedAt = now;
        Version = 1;
    }

    public Guid Id { get; private set; }
    public Guid UserId { get; private set; }
    public CartStatus Status { get; private set; }
    public IReadOnlyList<CartItem> Items => _items;

    public CartVehicleSource? VehicleSource { get; private set; }
    public Guid? VehicleGarageId { get; private set; }
    public int? VehicleYear { get; private set; }
    public string? VehicleMake { get; private set; }
    public string? VehicleModel { get; private set; }
    public string? VehicleEngine { get; private set; }
    public string? VehicleVin { get; private set; }

    /// <summary>ISO 3166-1 alpha-2; with <see cref="ShipRegion"/> it drives the tax and shipping estimate.</summary>
    public string? ShipCountry { get; private set; }
    public string? ShipRegion { get; private set; }

    public DateTime CreatedAt { get; private set; }
    public DateTime UpdatedAt { get; private set; }
    public long Version { get; private set; }

    public CartVehicle? Vehicle => VehicleSource is { } source
        ? new CartVehicle(source, VehicleGarageId, VehicleYear, VehicleMake, VehicleModel, VehicleEngine, VehicleVin)
        : null;

    public Destination? Destination => ShipCountry is null ? null : new Destination(ShipCountry, ShipRegion);

    public CartItem? Find(Guid itemId) => _items.Find(i => i.Id == itemId);

    public CartItem? FindPart(long partId) => _items.Find(i => i.PartId == partId);

    /// <summary>
    /// Adds <paramref name="quantity"/> units of a part at its current price: to its line when there is one (one line per
    /// part), else as a new line. The caller has checked the resulting quantity against <see cref="MaxQuantity"/> and stock.
    /// </summary>
    public CartItem Add(long partId, int quantity, long unitPriceMinor, string currency, DateTime now)
    {
        if (FindPart(partId) is { } line)
        {
            line.SetQuantity(line.Quantity + quantity, unitPriceMinor, currency, now);
            return line;
        }

        var item = new CartItem(Id, partId, quantity, unitPriceMinor, currency, now);
        _items.Add(item);
        return item;
    }

    public void Remove(CartItem item) => _items.Remove(item);

    public void SetVehicle(CartVehicle vehicle)
    {
        VehicleSource = vehicle.Source;
        VehicleGarageId = vehicle.GarageVehicleId;
        VehicleYear = vehicle.Year;
        VehicleMake = vehicle.Make;
        VehicleModel = vehicle.Model;
        VehicleEngine = vehicle.Engine;
        VehicleVin = vehicle.Vin;
    }

    public void ClearVehicle()
    {
        VehicleSource = null;
        VehicleGarageId = null;
        VehicleYear = null;
        VehicleMake = null;
        VehicleModel = null;
        VehicleEngine = null;
        VehicleVin = null;
    }

    public void ShipTo(Destination? destination)
    {
        ShipCountry = destination?.Country;
        ShipRegion = destination?.Region;
    }

    /// <summary>
    /// The promotion code the customer applied, normalized (trimmed, upper-case). It stays when it stops applying (the cart
    /// read shows why) until the customer removes or replaces it.
    /// </summary>
    public string? PromotionCode { get; private set; }

    public void ApplyPromotion(string code) => PromotionCode = Promotions.Promotion.NormalizeCode(code);

    public void ClearPromotion() => PromotionCode = null;

    /// <summary>Called once per write: the new version makes concurrent writers of the old one fail.</summary>
    public void Touch(DateTime now)
    {
        UpdatedAt = now;
        Version++;
    }
}

/// <summary>One part in a cart. <see cref="UnitPriceMinor"/> is the price the customer saw when they set the quantity.</summary>
public sealed class CartItem
{
    private CartItem()
    {
    }

    internal CartItem(Guid cartId, long partId, int quantity, long unitPriceMinor, string currency, DateTime now)
    {
        Id = Guid.CreateVersion7();
        CartId = cartId;
        PartId = partId;
        AddedAt = now;
        SetQuantity(quantity, unitPriceMinor, currency, now);
    }

    public Guid Id { get; private set; }
    public Guid CartId { get; private set; }
    public long PartId { get; private set; }
    public int Quantity { get; private set; }
    public long UnitPriceMinor { get; private set; }
    public string Currency { get; private set; } = "";
    public DateTime AddedAt { get; private set; }
    public DateTime UpdatedAt { get; private set; }

    /// <summary>
    /// A new quantity, and the price it was chosen at: the customer saw the current price when they acted, so the
    /// snapshot follows it (an untouched line keeps its old snapshot and is flagged when the catalog price moves).
    /// </summary>
    public void SetQuantity(int quantity, long unitPriceMinor, string currency, DateTime now)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(quantity, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(quantity, Cart.MaxQuantity);
        Quantity = quantity;
        UnitPriceMinor = unitPriceMinor;
        Currency = currency;
        UpdatedAt = now;
    }
}

internal sealed class CartConfiguration : IEntityTypeConfiguration<Cart>
{
    public void Configure(EntityTypeBuilder<Cart> b)
    {
        b.ToTable("carts");
        b.HasKey(c => c.Id);
        b.Property(c => c.Id).ValueGeneratedNever();
        b.Property(c => c.Status).HasConversion<string>().HasMaxLength(16);
        // One active cart per user; checked-out carts will stay as history. Keyed by the token's subject without a
        // foreign key to users: a deleted user's cart stays until a cleanup removes it.
        b.HasIndex(c => c.UserId).IsUnique().HasFilter("\"Status\" = 'Active'");
        b.Property(c => c.VehicleSource).HasConversion<string>().HasMaxLength(16);
        b.Property(c => c.VehicleMake).HasMaxLength(64);
        b.Property(c => c.VehicleModel).HasMaxLength(64);
        b.Property(c => c.VehicleEngine).HasMaxLength(64);
        b.Property(c => c.VehicleVin).HasMaxLength(17);
        b.Property(c => c.ShipCountry).HasMaxLength(2).IsFixedLength();
        b.Property(c => c.ShipRegion).HasMaxLength(100);
        b.Property(c => c.PromotionCode).HasMaxLength(Promotions.Promotion.CodeMaxLength);
        b.Property(c => c.Version).IsConcurrencyToken();
        b.Ignore(c => c.Vehicle);
        b.Ignore(c => c.Destination);
        b.HasMany(c => c.Items).WithOne().HasForeignKey(i => i.CartId).OnDelete(DeleteBehavior.Cascade);
        b.Navigation(c => c.Items).UsePropertyAccessMode(PropertyAccessMode.Field);
    }
}

internal sealed class CartItemConfiguration : IEntityTypeConfiguration<CartItem>
{
    public void Configure(EntityTypeBuilder<CartItem> b)
    {
        b.ToTable("cart_items");
        b.HasKey(i => i.Id);
        b.Property(i => i.Id).ValueGeneratedNever();
        b.Property(i => i.Currency).HasMaxLength(3).IsFixedLength().IsRequired();
        b.HasIndex(i => new { i.CartId, i.PartId }).IsUnique();
        b.HasIndex(i => i.PartId);
        b.HasOne<Catalog.Part>().WithMany().HasForeignKey(i => i.PartId).OnDelete(DeleteBehavior.Cascade);
    }
}
