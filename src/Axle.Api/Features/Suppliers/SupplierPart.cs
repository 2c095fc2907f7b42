using Axle.Api.Features.Catalog;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Axle.Api.Features.Suppliers;

public enum SupplierPartSource
{
    /// <summary>Given by staff (the supplier parts endpoint or an import).</summary>
    Imported,

    /// <summary>Found by Axle: the supplier's number equals a part's SKU, manufacturer part number or interchange number.</summary>
    Matched,
}

/// <summary>
/// Which Axle part a supplier's part number means. <see cref="NormalizedNumber"/> (upper case, punctuation removed, as the
/// catalog normalises part numbers) is unique per supplier, so "BP-1234" and "bp1234" are one entry.
/// </summary>
public sealed class SupplierPart
{
    public const int NumberMaxLength = 64;

    private SupplierPart()
    {
    }

    public SupplierPart(long supplierId, string number, long partId, SupplierPartSource source, DateTime now)
    {
        SupplierId = supplierId;
        SupplierPartNumber = number;
        NormalizedNumber = PartNumbers.Normalize(number);
        PartId = partId;
        Source = source;
        CreatedAt = now;
    }

    public long Id { get; private set; }
    public long SupplierId { get; private set; }
    public string SupplierPartNumber { get; private set; } = "";
    public string NormalizedNumber { get; private set; } = "";
    public long PartId { get; private set; }
    public SupplierPartSource Source { get; private set; }
    public DateTime CreatedAt { get; private set; }

    public void PointTo(long partId, SupplierPartSource source)
    {
        PartId = partId;
        Source = source;
    }
}

internal sealed class SupplierPartConfiguration : IEntityTypeConfiguration<SupplierPart>
{
    public void Configure(EntityTypeBuilder<SupplierPart> b)
    {
        b.ToTable("supplier_parts");
        b.HasKey(p => p.Id);
        b.Property(p => p.SupplierPartNumber).HasMaxLength(SupplierPart.NumberMaxLength).IsRequired();
        b.Property(p => p.NormalizedNumber).HasMaxLength(SupplierPart.NumberMaxLength).IsRequired();
        b.Property(p => p.Source).HasConversion<string>().HasMaxLength(16);
        b.HasIndex(p => new { p.SupplierId, p.NormalizedNumber }).IsUnique();
        b.HasIndex(p => p.PartId);
        b.HasOne<Supplier>().WithMany().HasForeignKey(p => p.SupplierId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<Part>().WithMany().HasForeignKey(p => p.PartId).OnDelete(DeleteBehavior.Cascade);
    }
}
