using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Axle.Api.Features.Catalog;

public enum InterchangeKind
{
    Oem,
    Aftermarket,
}

/// <summary>Another maker's number for the same part (OEM ↔ aftermarket cross-reference).</summary>
public sealed class Interchange
{
    private Interchange()
    {
    }

    public Interchange(long partId, string number, string? brandName, InterchangeKind kind)
    {
        PartId = partId;
        Number = number;
        NormalizedNumber = PartNumbers.Normalize(number);
        BrandName = brandName;
        Kind = kind;
    }

    public long Id { get; private set; }
    public long PartId { get; private set; }
    public string Number { get; private set; } = "";
    public string NormalizedNumber { get; private set; } = "";
    public string? BrandName { get; private set; }
    public InterchangeKind Kind { get; private set; }
}

/// <summary>An old part number replaced by a part: searching the old number finds the new part.</summary>
public sealed class Supersession
{
    private Supersession()
    {
    }

    public Supersession(string oldNumber, long? oldPartId, long newPartId, DateTime? effectiveOn, string? note)
    {
        OldNumber = oldNumber;
        NormalizedOldNumber = PartNumbers.Normalize(oldNumber);
        OldPartId = oldPartId;
        NewPartId = newPartId;
        EffectiveOn = effectiveOn;
        Note = note;
    }

    public long Id { get; private set; }
    public string OldNumber { get; private set; } = "";
    public string NormalizedOldNumber { get; private set; } = "";
    public long? OldPartId { get; private set; }
    public long NewPartId { get; private set; }
    public DateTime? EffectiveOn { get; private set; }
    public string? Note { get; private set; }
}

internal sealed class InterchangeConfiguration : IEntityTypeConfiguration<Interchange>
{
    public void Configure(EntityTypeBuilder<Interchange> b)
    {
        b.ToTable("part_interchanges");
        b.Property(x => x.Number).HasMaxLength(64).IsRequired();
        b.Property(x => x.NormalizedNumber).HasMaxLength(64).IsRequired();
        b.Property(x => x.BrandName).HasMaxLength(100);
        b.Property(x => x.Kind).HasConversion<string>().HasMaxLength(16);
        b.HasIndex(x => x.NormalizedNumber);
        b.HasIndex(x => new { x.PartId, x.NormalizedNumber }).IsUnique();
        b.HasOne<Part>().WithMany().HasForeignKey(x => x.PartId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class SupersessionConfiguration : IEntityTypeConfiguration<Supersession>
{
    public void Configure(EntityTypeBuilder<Supersession> b)
    {
        b.ToTable("part_supersessions");
        b.Property(x => x.OldNumber).HasMaxLength(64).IsRequired();
        b.Property(x => x.NormalizedOldNumber).HasMaxLength(64).IsRequired();
        b.Property(x => x.Note).HasMaxLength(500);
        b.HasIndex(x => x.NormalizedOldNumber);
        b.HasIndex(x => x.NewPartId);
        b.HasOne<Part>().WithMany().HasForeignKey(x => x.NewPartId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<Part>().WithMany().HasForeignKey(x => x.OldPartId).OnDelete(DeleteBehavior.SetNull);
    }
}
