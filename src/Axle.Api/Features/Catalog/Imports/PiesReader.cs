using System.Globalization;
using System.Xml.Linq;

namespace Axle.Api.Features.Catalog.Imports;

/// <summary>
/// PIES items, streamed Item by Item, mapped onto parts:
/// <list type="bullet">
/// <item><c>PartNumber</c> → part number; <c>BrandLabel</c> (or <c>BrandAAIAID</c>) → brand; optional <c>SKU</c> → SKU,
/// otherwise the existing part of that brand and number, otherwise <see cref="PartUpserter.DerivedSku"/>.</item>
/// <item><c>Descriptions/Description</c>: <c>DES</c> (else <c>SHO</c>) → name; <c>EXT</c> (else <c>MKT</c>) → description.</item>
/// <item><c>Prices/Pricing</c>: <c>RET</c> (else <c>LST</c>) <c>Price</c> → price, <c>currencyCode</c> → currency (USD).</item>
/// <item><c>ProductAttributes/ProductAttribute AttributeID="Category"</c> → category (needed for a new part); other
/// product attributes → part attributes; <c>HazardousMaterialCode</c> Y → hazmat.</item>
/// <item><c>Prices/Pricing</c> currency: <c>Price@currencyCode</c>, else <c>Pricing/CurrencyCode</c>, else USD.</item>
/// <item><c>Packages/Package</c> (the first): <c>Weight</c> (UOM on it or its parent: PG pounds default, KG, GT grams, OZ)
/// → grams; <c>Height</c>/<c>Width</c>/<c>Length</c> or their <c>Merchandising</c>/<c>Shipping</c> forms (UOM IN default,
/// CM, MM) → millimetres.</item>
/// <item><c>DigitalAssets/DigitalFileInformation</c>: <c>URI</c> + <c>AssetType</c>; P01–P07/PHO → images, INS →
/// installation manual, MSD/SDS → safety data sheet, WAR → warranty, SPE/TEC → spec sheet, anything else → other document.</item>
/// <item><c>PartInterchangeInfo//PartNumber</c> → interchange numbers.</item>
/// </list>
/// </summary>
internal static class PiesReader
{
    public static IEnumerable<ImportRow<ImportedPart>> Read(Stream stream)
    {
        using var reader = XmlImport.Open(stream);
        foreach (var (line, item) in XmlImport.Elements(reader, "PIES", ["Item"]))
        {
            yield return Parse(line, item);
        }
    }

    private static ImportRow<ImportedPart> Parse(int line, XElement item)
    {
        var descriptions = item.All("Description").ToList();
        string? Description(string code) => RawPart.Text(descriptions.FirstOrDefault(d => d.Attr("DescriptionCode") == code)?.Value);
        var prices = item.All("Pricing").ToList();
        XElement? Price(string type) => prices.FirstOrDefault(p => p.Attr("PriceType") == type)?.Find("Price");
        var price = Price("RET") ?? Price("LST");
        var attributes = item.All("ProductAttribute").ToList();
        var category = attributes.FirstOrDefault(a => string.Equals(a.Attr("AttributeID"), "Category", StringComparison.OrdinalIgnoreCase));
        var package = item.All("Package").FirstOrDefault();

        var raw = new RawPart
        {
            Sku = item.Child("SKU"),
            PartNumber = item.Child("PartNumber"),
            Brand = item.Child("BrandLabel") ?? item.Child("BrandAAIAID"),
            Category = category is null ? null : RawPart.Text(category.Value),
            Name = Description("DES") ?? Description("SHO"),
            Description = Description("EXT") ?? Description("MKT"),
            Price = price is null ? null : RawPart.Text(price.Value),
            Currency = price.Attr("currencyCode") ?? price?.Parent?.Child("CurrencyCode"),
            Hazmat = item.Child("HazardousMaterialCode"),
            Attributes = attributes.Where(a => a != category && a.Attr("AttributeID") is not null && RawPart.Text(a.Value) is not null)
                .Select(a => new ImportedAttribute(a.Attr("AttributeID")!, a.Value.Trim(), AttributeType.Text, a.Attr("UOM")))
                .ToList(),
            Interchange = item.All("PartInterchange").SelectMany(p => p.All("PartNumber")).Select(p => p.Value.Trim()).ToList() is { Count: > 0 } numbers
                ? numbers
                : null,
        };

        var images = new List<ImportedImage>();
        var documents = new List<ImportedDocument>();
        foreach (var asset in item.All("DigitalFileInformation"))
        {
            var uri = asset.Child("URI") ?? "";
            var type = (asset.Child("AssetType") ?? "").ToUpperInvariant();
            var title = asset.Child("AssetDescription") ?? asset.Child("FileName") ?? type;
            if (type is "PHO" || type.Length == 3 && type[0] == 'P' && char.IsAsciiDigit(type[1]))
            {
                images.Add(new ImportedImage(uri, title));
            }
            else
            {
                documents.Add(new ImportedDocument(uri, title.Length == 0 ? "Document" : title, Document(type), null));
            }
        }

        raw.Images = images.Count > 0 ? images : null;
        raw.Documents = documents.Count > 0 ? documents : null;

        var errors = new List<RowError>();
        XElement? First(params string[] names) =>
            names.Select(n => package?.All(n).FirstOrDefault()).FirstOrDefault(e => e is not null);
        var weight = Measure(First("Weight"), "weight", errors, line, Grams);
        var height = Measure(First("Height", "MerchandisingHeight", "ShippingHeight"), "height", errors, line, Millimetres);
        var width = Measure(First("Width", "MerchandisingWidth", "ShippingWidth"), "width", errors, line, Millimetres);
        var length = Measure(First("Length", "MerchandisingLength", "ShippingLength"), "length", errors, line, Millimetres);
        raw.WeightGrams = weight?.ToString(CultureInfo.InvariantCulture);

        var result = raw.Validate(line, skuRequired: false, categoryRequired: false);
        if (errors.Count > 0)
        {
            return ImportRow<ImportedPart>.Bad(line, [.. result.Errors, .. errors]);
        }

        return result.Value is null ? result : result with { Value = result.Value with { LengthMm = length, WidthMm = width, HeightMm = height } };
    }

    private static DocumentType Document(string assetType) => assetType switch
    {
        "INS" => DocumentType.InstallationManual,
        "MSD" or "SDS" => DocumentType.SafetyDataSheet,
        "WAR" => DocumentType.Warranty,
        "SPE" or "TEC" => DocumentType.SpecSheet,
        _ => DocumentType.Other,
    };

    private static int? Measure(XElement? element, string field, List<RowError> errors, int line, Func<string, decimal?> factor)
    {
        if (element is null || RawPart.Text(element.Value) is not { } text)
        {
            return null;
        }

        var uom = (element.Attr("UOM") ?? element.Parent.Attr("UOM") ?? "").ToUpperInvariant();
        if (!decimal.TryParse(text, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var value)
            || factor(uom) is not { } f || value * f > int.MaxValue)
        {
            errors.Add(new RowError(line, field, $"'{RawPart.Clip(text)}' {uom} is not a usable {field}."));
            return null;
        }

        return (int)Math.Round(value * f, MidpointRounding.AwayFromZero);
    }

    private static decimal? Grams(string uom) => uom switch
    {
        "" or "PG" or "LB" => 453.59237m,
        "KG" => 1000m,
        "GT" or "GR" or "G" => 1m,
        "OZ" => 28.349523125m,
        _ => null,
    };

    private static decimal? Millimetres(string uom) => uom switch
    {
        "" or "IN" => 25.4m,
        "CM" => 10m,
        "MM" => 1m,
        "FT" => 304.8m,
        "M" => 1000m,
        _ => null,
    };
}
