using System.ComponentModel.DataAnnotations;
using Axle.Api.Platform.Data;
using Microsoft.EntityFrameworkCore;

namespace Axle.Api.Features.Catalog;

public sealed record PartCategoryRef(int Id, string Slug, string Name);

public sealed record PartAttributeView(string Name, string Value, AttributeType Type, string? Unit);

public sealed record PartImageView(string Url, string? Alt);

public sealed record PartDocumentView(string Url, string Title, DocumentType Type, long? SizeBytes);

public sealed record PartInterchangeView(string Number, string? Brand, InterchangeKind Kind);

/// <summary>What part writes return: the stored part after the change. Its ETag is sent in the <c>ETag</c> header.</summary>
public sealed record PartRepresentation(
    long Id,
    string Sku,
    string PartNumber,
    string Brand,
    PartCategoryRef Category,
    string Name,
    string? Description,
    PartMoney Price,
    PartMoney? CoreCharge,
    PartStatus Status,
    bool Hazmat,
    int? WeightGrams,
    PartDimensions? Dimensions,
    [property: MaxLength(PartRules.MaxItems)] IReadOnlyList<PartAttributeView> Attributes,
    [property: MaxLength(PartRules.MaxItems)] IReadOnlyList<PartImageView> Images,
    [property: MaxLength(PartRules.MaxItems)] IReadOnlyList<PartDocumentView> Documents,
    [property: MaxLength(PartRules.MaxItems)] IReadOnlyList<PartInterchangeView> Interchange,
    [property: MaxLength(PartRules.MaxItems)] IReadOnlyList<string> Supersedes,
    long Version,
    DateTime CreatedAt,
    DateTime UpdatedAt)
{
    /// <summary>Loads the part with everything a representation shows, tracked so a write can change it.</summary>
    internal static Task<Part?> LoadAsync(AppDbContext db, long id, CancellationToken ct) =>
        db.Set<Part>()
            .Include(p => p.Brand)
            .Include(p => p.Category)
            .Include(p => p.Attributes)
            .Include(p => p.Images)
            .Include(p => p.Documents)
            .AsSplitQuery()
            .FirstOrDefaultAsync(p => p.Id == id, ct);

    internal static async Task<PartRepresentation> FromAsync(AppDbContext db, Part part, CancellationToken ct)
    {
        var interchange = await db.Set<Interchange>().AsNoTracking().Where(x => x.PartId == part.Id)
            .OrderBy(x => x.Id).Select(x => new PartInterchangeView(x.Number, x.BrandName, x.Kind)).ToListAsync(ct);
        var supersedes = await db.Set<Supersession>().AsNoTracking().Where(x => x.NewPartId == part.Id)
            .OrderBy(x => x.Id).Select(x => x.OldNumber).Take(PartRules.MaxItems).ToListAsync(ct);
        return From(part, interchange, supersedes);
    }

    internal static PartRepresentation From(Part part, IReadOnlyList<PartInterchangeView> interchange, IReadOnlyList<string> supersedes) =>
        new(
            part.Id,
            part.Sku,
            part.PartNumber,
            part.Brand?.Name ?? "",
            new PartCategoryRef(part.CategoryId, part.Category?.Slug ?? "", part.Category?.Name ?? ""),
            part.Name,
            part.Description,
            new PartMoney(PartRules.FromMinor(part.PriceMinor), part.Currency),
            part.CoreChargeMinor == 0 ? null : new PartMoney(PartRules.FromMinor(part.CoreChargeMinor), part.Currency),
            part.Status,
            part.Hazmat,
            part.WeightGrams,
            part.LengthMm is null && part.WidthMm is null && part.HeightMm is null
                ? null
                : new PartDimensions(part.LengthMm, part.WidthMm, part.HeightMm),
            [.. part.Attributes.OrderBy(a => a.Id).Select(a => new PartAttributeView(a.Name, a.Value, a.Type, a.Unit))],
            [.. part.Images.OrderBy(i => i.SortOrder).Select(i => new PartImageView(i.Url, i.Alt))],
            [.. part.Documents.OrderBy(d => d.Id).Select(d => new PartDocumentView(d.Url, d.Title, d.Type, d.SizeBytes))],
            interchange,
            supersedes,
            part.Version,
            part.CreatedAt,
            part.UpdatedAt);

    /// <summary>The representation as a write request: what a merge patch is applied to.</summary>
    internal PartRequest ToRequest() =>
        new(
            Sku,
            PartNumber,
            Brand,
            Category.Slug,
            Name,
            Description,
            Price,
            CoreCharge,
            Hazmat,
            WeightGrams,
            Dimensions,
            Status,
            [.. Attributes.Select(a => new PartAttributeInput(a.Name, a.Value, a.Type, a.Unit))],
            [.. Images.Select(i => new PartImageInput(i.Url, i.Alt))],
            [.. Documents.Select(d => new PartDocumentInput(d.Url, d.Title, d.Type, d.SizeBytes))],
            [.. Interchange.Select(x => new PartInterchangeInput(x.Number, x.Brand, x.Kind))],
            Supersedes);
}
