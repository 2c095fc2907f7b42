using Axle.Api.Features.Catalog.Imports;

namespace Axle.Api.Features.Catalog;

/// <summary>The verbs a catalog import uses: each applies the file's view of the part and says whether anything changed.</summary>
public sealed partial class Part
{
    internal static Part FromImport(ImportedPart row, int brandId, int categoryId, DateTime now)
    {
        var part = new Part(row.Sku!, row.PartNumber, brandId, categoryId, row.Name, row.PriceMinor, row.Currency, now);
        part.Describe(row.Description, row.CoreChargeMinor, row.Hazmat, row.WeightGrams, row.LengthMm, row.WidthMm, row.HeightMm);
        part.ReplaceMedia(row);
        return part;
    }

    /// <summary>Dimensions absent from the file (null) keep their current values; everything else is taken as given.</summary>
    internal bool ApplyImport(ImportedPart row, int brandId, int categoryId, DateTime now)
    {
        var lengthMm = row.LengthMm ?? LengthMm;
        var widthMm = row.WidthMm ?? WidthMm;
        var heightMm = row.HeightMm ?? HeightMm;
        var changed = PartNumber != row.PartNumber || BrandId != brandId || CategoryId != categoryId || Name != row.Name
            || Description != row.Description || PriceMinor != row.PriceMinor || Currency != row.Currency
            || CoreChargeMinor != row.CoreChargeMinor || Hazmat != row.Hazmat || WeightGrams != row.WeightGrams
            || LengthMm != lengthMm || WidthMm != widthMm || HeightMm != heightMm;
        if (changed)
        {
            SetPartNumber(row.PartNumber);
            BrandId = brandId;
            CategoryId = categoryId;
            Name = row.Name;
            PriceMinor = row.PriceMinor;
            Currency = row.Currency;
            Describe(row.Description, row.CoreChargeMinor, row.Hazmat, row.WeightGrams, lengthMm, widthMm, heightMm);
        }

        changed |= ReplaceMedia(row);
        if (changed)
        {
            Touch(now);
        }

        return changed;
    }

    /// <summary>Lists the file carries replace the part's; lists it leaves out (null) stay as they are.</summary>
    private bool ReplaceMedia(ImportedPart row)
    {
        var changed = false;
        if (row.Attributes is { } attributes
            && !attributes.SequenceEqual(_attributes.Select(a => new ImportedAttribute(a.Name, a.Value, a.Type, a.Unit))))
        {
            _attributes.Clear();
            _attributes.AddRange(attributes.Select(a => new PartAttribute(a.Name, a.Value, a.Type, a.Unit)));
            changed = true;
        }

        if (row.Images is { } images
            && !images.SequenceEqual(_images.OrderBy(i => i.SortOrder).Select(i => new ImportedImage(i.Url, i.Alt))))
        {
            _images.Clear();
            _images.AddRange(images.Select((i, n) => new PartImage(i.Url, i.Alt, n)));
            changed = true;
        }

        if (row.Documents is { } documents
            && !documents.SequenceEqual(_documents.Select(d => new ImportedDocument(d.Url, d.Title, d.Type, d.SizeBytes))))
        {
            _documents.Clear();
            _documents.AddRange(documents.Select(d => new PartDocument(d.Url, d.Title, d.Type, d.SizeBytes)));
            changed = true;
        }

        return changed;
    }
}
