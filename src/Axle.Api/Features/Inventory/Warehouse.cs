using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Axle.Api.Features.Inventory;

/// <summary>A place that holds stock. <see cref="Code"/> is what suppliers and carriers name, so it is unique and never changes.</summary>
public sealed class Warehouse
{
    public const int CodeMaxLength = 16;
    public const int NameMaxLength = 100;

    private Warehouse()
    {
    }

    public Warehouse(string code, string name, WarehouseAddress address, bool active, DateTime now)
    {
        Code = code;
        Name = name;
        Address = address;
        Active = active;
        CreatedAt = now;
        UpdatedAt = now;
        Version = 1;
    }

    public long Id { get; private set; }
    public string Code { get; private set; } = "";
    public string Name { get; private set; } = "";
    public WarehouseAddress Address { get; private set; } = null!;

    /// <summary>Inactive warehouses keep their stock and ledger but sell nothing: the catalog and allocation skip them.</summary>
    public bool Active { get; private set; }
    public DateTime CreatedAt { get; private set; }
    public DateTime UpdatedAt { get; private set; }
    public long Version { get; private set; }

    public void Rename(string name) => Name = name;

    public void Relocate(WarehouseAddress address) => Address = address;

    public void SetActive(bool active) => Active = active;

    public void Touch(DateTime now)
    {
        UpdatedAt = now;
        Version++;
    }
}

/// <summary>Postal address of a warehouse. Country (ISO 3166-1 alpha-2) and region drive nearest-warehouse allocation.</summary>
public sealed record WarehouseAddress(string Line1, string? Line2, string City, string? Region, string PostalCode, string Country);

internal sealed class WarehouseConfiguration : IEntityTypeConfiguration<Warehouse>
{
    public void Configure(EntityTypeBuilder<Warehouse> b)
    {
        b.ToTable("warehouses");
        b.HasKey(w => w.Id);
        b.Property(w => w.Code).HasMaxLength(Warehouse.CodeMaxLength).IsRequired();
        b.HasIndex(w => w.Code).IsUnique();
        b.Property(w => w.Name).HasMaxLength(Warehouse.NameMaxLength).IsRequired();
        b.Property(w => w.Version).IsConcurrencyToken();
        b.ComplexProperty(w => w.Address, a =>
        {
            a.Property(x => x.Line1).HasColumnName("AddressLine1").HasMaxLength(200).IsRequired();
            a.Property(x => x.Line2).HasColumnName("AddressLine2").HasMaxLength(200);
            a.Property(x => x.City).HasColumnName("AddressCity").HasMaxLength(100).IsRequired();
            a.Property(x => x.Region).HasColumnName("AddressRegion").HasMaxLength(100);
            a.Property(x => x.PostalCode).HasColumnName("AddressPostalCode").HasMaxLength(20).IsRequired();
            a.Property(x => x.Country).HasColumnName("AddressCountry").HasMaxLength(2).IsFixedLength().IsRequired();
        });
    }
}
