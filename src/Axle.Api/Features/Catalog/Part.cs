using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Axle.Api.Features.Catalog;

public enum PartStatus
{
    Active,
    Discontinued,
}

public enum AttributeType
{
    Text,
    Number,
    Boolean,
}

public enum DocumentType
{
    InstallationManual,
    SpecSheet,
    SafetyDataSheet,
    Warranty,
    Other,
}

/// <summary>
/// A sellable part. Money is integer minor units plus an ISO 4217 currency; dimensions are millimetres and grams.
/// </summary>
public sealed partial class Part
{
    private readonly List<PartAttribute> _attributes = [];
    private readonly List<PartImage> _images = [];
    private readonly List<PartDocument> _documents = [];

    private Part()
    {
    }

    public Part(string sku, string partNumber, int brandId, int categoryId, string name, long priceMinor, string currency, DateTime now)
    {
        Sku = sku;
        SetPartNumber(partNumber);
        BrandId = brandId;
        CategoryId = categoryId;
        Name = name;
        PriceMinor = priceMinor;
        Currency = currency;
        CreatedAt = now;
        UpdatedAt = now;
        Version = 1;
    }

    public long Id { get; private set; }
    public string Sku { get; private set; } = "";
    public string PartNumber { get; private set; } = "";
    public string NormalizedPartNumber { get; private set; } = "";
    public int BrandId { get; private set; }
    public Brand? Brand { get; private set; }
    public int CategoryId { get; private set; }
    public Category? Category { get; private set; }
    public string Name { get; private set; } = "";
    public string? Description { get; private set; }
    public long PriceMinor { get; private set; }
    public string Currency { get; private set; } = "USD";

    /// <summary>Deposit charged on remanufactured units and refunded when the old core comes back.</summary>
    public long CoreChargeMinor { get; private set; }
    public bool Hazmat { get; private set; }
    public int? WeightGrams { get; private set; }
    public int? LengthMm { get; private set; }
    public int? WidthMm { get; private set; }
    public int? HeightMm { get; private set; }
    public PartStatus Status { get; private set; }
    public DateTime CreatedAt { get; private set; }
    public DateTime UpdatedAt { get; private set; }

    /// <summary>App-managed concurrency token; the ETag is derived from it.</summary>
    public long Version { get; private set; }

    public IReadOnlyList<PartAttribute> Attributes => _attributes;
    public IReadOnlyList<PartImage> Images => _images;
    public IReadOnlyList<PartDocument> Documents => _documents;

    public void SetPartNumber(string partNumber)
    {
        PartNumber = partNumber;
        NormalizedPartNumber = PartNumbers.Normalize(partNumber);
    }

    public void Describe(string? description, long coreChargeMinor, bool hazmat, int? weightGrams, int? lengthMm, int? widthMm, int? heightMm)
    {
        Description = description;
        CoreChargeMinor = coreChargeMinor;
        Hazmat = hazmat;
        WeightGrams = weightGrams;
        LengthMm = lengthMm;
        WidthMm = widthMm;
        HeightMm = heightMm;
    }

    public void AddAttribute(string name, string value, AttributeType type = AttributeType.Text, string? unit = null) =>
        _attributes.Add(new PartAttribute(name, value, type, unit));

    public void AddImage(string url, string? alt, int sortOrder) => _images.Add(new PartImage(url, alt, sortOrder));

    public void AddDocument(string url, string title, DocumentType type, long? sizeBytes) =>
        _documents.Add(new PartDocument(url, title, type, sizeBytes));

    /// <summary>Replaces the identifying and commercial fields; the caller then calls <see cref="Touch"/> once per write.</summary>
    public void Revise(string sku, string partNumber, int brandId, int categoryId, string name, long priceMinor, string currency)
    {
        Sku = sku;
        SetPartNumber(partNumber);
        BrandId = brandId;
        CategoryId = categoryId;
        Name = name;
        PriceMinor = priceMinor;
        Currency = currency;
    }

    public void SetStatus(PartStatus status) => Status = status;

    /// <summary>Removes attributes, images and documents (the rows are deleted as orphans on save).</summary>
    public void ClearContent()
    {
        _attributes.Clear();
        _images.Clear();
        _documents.Clear();
    }

    public void Discontinue(DateTime now)
    {
        Status = PartStatus.Discontinued;
        Touch(now);
    }

    public void Touch(DateTime now)
    {
        UpdatedAt = now;
        Version++;
    }
}

public sealed class PartAttribute
{
    private PartAttribute()
    {
    }

    internal PartAttribute(string name, string value, AttributeType type, string? unit)
    {
        Name = name;
        Value = value;
        Type = type;
        Unit = unit;
    }

    public long Id { get; private set; }
    public long PartId { get; private set; }
    public string Name { get; private set; } = "";
    public string Value { get; private set; } = "";
    public AttributeType Type { get; private set; }
    public string? Unit { get; private set; }
}

public sealed class PartImage
{
    private PartImage()
    {
    }

    internal PartImage(string url, string? alt, int sortOrder)
    {
        Url = url;
        Alt = alt;
        SortOrder = sortOrder;
    }

    public long Id { get; private set; }
    public long PartId { get; private set; }
    public string Url { get; private set; } = "";
    public string? Alt { get; private set; }
    public int SortOrder { get; private set; }
}

public sealed class PartDocument
{
    private PartDocument()
    {
    }

    internal PartDocument(string url, string title, DocumentType type, long? sizeBytes)
    {
        Url = url;
        Title = title;
        Type = type;
        SizeBytes = sizeBytes;
    }

    public long Id { get; private set; }
    public long PartId { get; private set; }
    public string Url { get; private set; } = "";
    public string Title { get; private set; } = "";
    public DocumentType Type { get; private set; }
    public long? SizeBytes { get; private set; }
}

internal sealed class PartConfiguration : IEntityTypeConfiguration<Part>
{
    public void Configure(EntityTypeBuilder<Part> b)
    {
        b.ToTable("parts");
        b.HasKey(p => p.Id);
        b.Property(p => p.Sku).HasMaxLength(64).IsRequired();
        b.HasIndex(p => p.Sku).IsUnique();
        b.Property(p => p.PartNumber).HasMaxLength(64).IsRequired();
        b.Property(p => p.NormalizedPartNumber).HasMaxLength(64).IsRequired();
        b.HasIndex(p => p.NormalizedPartNumber);
        b.Property(p => p.Name).HasMaxLength(200).IsRequired();
        b.Property(p => p.Description).HasMaxLength(4000);
        b.Property(p => p.Currency).HasMaxLength(3).IsFixedLength().IsRequired();
        b.Property(p => p.Status).HasConversion<string>().HasMaxLength(16);
        b.Property(p => p.Version).IsConcurrencyToken();
        b.HasOne(p => p.Brand).WithMany().HasForeignKey(p => p.BrandId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne(p => p.Category).WithMany().HasForeignKey(p => p.CategoryId).OnDelete(DeleteBehavior.Restrict);
        b.HasIndex(p => new { p.BrandId, p.Id });
        b.HasIndex(p => new { p.CategoryId, p.Id });
        b.HasMany(p => p.Attributes).WithOne().HasForeignKey(a => a.PartId).OnDelete(DeleteBehavior.Cascade);
        b.HasMany(p => p.Images).WithOne().HasForeignKey(a => a.PartId).OnDelete(DeleteBehavior.Cascade);
        b.HasMany(p => p.Documents).WithOne().HasForeignKey(a => a.PartId).OnDelete(DeleteBehavior.Cascade);
        b.Navigation(p => p.Attributes).UsePropertyAccessMode(PropertyAccessMode.Field);
        b.Navigation(p => p.Images).UsePropertyAccessMode(PropertyAccessMode.Field);
        b.Navigation(p => p.Documents).UsePropertyAccessMode(PropertyAccessMode.Field);
    }
}

internal sealed class PartAttributeConfiguration : IEntityTypeConfiguration<PartAttribute>
{
    public void Configure(EntityTypeBuilder<PartAttribute> b)
    {
        b.ToTable("part_attributes");
        b.Property(a => a.Name).HasMaxLength(100).IsRequired();
        b.Property(a => a.Value).HasMaxLength(500).IsRequired();
        b.Property(a => a.Type).HasConversion<string>().HasMaxLength(16);
        b.Property(a => a.Unit).HasMaxLength(32);
    }
}

internal sealed class PartImageConfiguration : IEntityTypeConfiguration<PartImage>
{
    public void Configure(EntityTypeBuilder<PartImage> b)
    {
        b.ToTable("part_images");
        b.Property(a => a.Url).HasMaxLength(2048).IsRequired();
        b.Property(a => a.Alt).HasMaxLength(300);
    }
}

internal sealed class PartDocumentConfiguration : IEntityTypeConfiguration<PartDocument>
{
    public void Configure(EntityTypeBuilder<PartDocument> b)
    {
        b.ToTable("part_documents");
        b.Property(a => a.Url).HasMaxLength(2048).IsRequired();
        b.Property(a => a.Title).HasMaxLength(300).IsRequired();
        b.Property(a => a.Type).HasConversion<string>().HasMaxLength(32);
    }
}
