using System.Globalization;

namespace Axle.Api.Features.Catalog.Imports;

/// <summary>One validated part row, whatever file it came from. A null list means "the file does not say; keep".</summary>
internal sealed record ImportedPart(
    string? Sku,
    string PartNumber,
    string Brand,
    string? Category,
    string Name,
    string? Description,
    long PriceMinor,
    string Currency,
    long CoreChargeMinor,
    bool Hazmat,
    int? WeightGrams,
    IReadOnlyList<string>? Interchange,
    IReadOnlyList<ImportedAttribute>? Attributes,
    IReadOnlyList<ImportedImage>? Images,
    IReadOnlyList<ImportedDocument>? Documents)
{
    public int? LengthMm { get; init; }
    public int? WidthMm { get; init; }
    public int? HeightMm { get; init; }
}

internal sealed record ImportedAttribute(string Name, string Value, AttributeType Type, string? Unit);

internal sealed record ImportedImage(string Url, string? Alt);

internal sealed record ImportedDocument(string Url, string Title, DocumentType Type, long? SizeBytes);

/// <summary>A problem with one row: where it is, which field, what is wrong.</summary>
internal sealed record RowError(int Line, string? Field, string Message);

/// <summary>What a reader yields for each row: the parsed row, or why it was rejected.</summary>
internal sealed record ImportRow<T>(int Line, T? Value, IReadOnlyList<RowError> Errors) where T : class
{
    public static ImportRow<T> Ok(int line, T value) => new(line, value, []);

    public static ImportRow<T> Bad(int line, IReadOnlyList<RowError> errors) => new(line, null, errors);
}

/// <summary>
/// The part fields as text, the shape shared by CSV and JSON lines, and the rules that turn them into an
/// <see cref="ImportedPart"/>. Prices are decimals in major units ("12.34"), stored as minor units.
/// </summary>
internal sealed class RawPart
{
    public string? Sku { get; set; }
    public string? PartNumber { get; set; }
    public string? Brand { get; set; }
    public string? Category { get; set; }
    public string? Name { get; set; }
    public string? Description { get; set; }
    public string? Price { get; set; }
    public string? Currency { get; set; }
    public string? CoreCharge { get; set; }
    public string? Hazmat { get; set; }
    public string? WeightGrams { get; set; }
    public IReadOnlyList<string>? Interchange { get; set; }
    public IReadOnlyList<ImportedAttribute>? Attributes { get; set; }
    public IReadOnlyList<ImportedImage>? Images { get; set; }
    public IReadOnlyList<ImportedDocument>? Documents { get; set; }

    public ImportRow<ImportedPart> Validate(int line, bool skuRequired = true, bool categoryRequired = true)
    {
        var errors = new List<RowError>();
        void Error(string field, string message) => errors.Add(new RowError(line, field, message));

        var sku = Text(Sku);
        if (sku is null && skuRequired)
        {
            Error("sku", "SKU is required.");
        }
        else if (sku is { Length: > 64 })
        {
            Error("sku", "SKU is longer than 64 characters.");
        }

        var partNumber = Text(PartNumber);
        if (partNumber is null || PartNumbers.Normalize(partNumber).Length == 0)
        {
            Error("partNumber", "Part number is required and must contain letters or digits.");
        }
        else if (partNumber.Length > 64)
        {
            Error("partNumber", "Part number is longer than 64 characters.");
        }

        var brand = Text(Brand);
        if (brand is null || Slugs.From(brand).Length == 0)
        {
            Error("brand", "Brand is required.");
        }
        else if (brand.Length > 100)
        {
            Error("brand", "Brand is longer than 100 characters.");
        }

        var category = Text(Category);
        if (category is null && categoryRequired)
        {
            Error("category", "Category is required.");
        }

        var name = Text(Name);
        if (name is null)
        {
            Error("name", "Name is required.");
        }
        else if (name.Length > 200)
        {
            Error("name", "Name is longer than 200 characters.");
        }

        var description = Text(Description);
        if (description is { Length: > 4000 })
        {
            Error("description", "Description is longer than 4000 characters.");
        }

        // The same caps as the API's part writes, so a part's lists stay within what its representation promises.
        foreach (var (field, count) in new[]
                 {
                     ("interchange", Interchange?.Count ?? 0), ("attributes", Attributes?.Count ?? 0),
                     ("images", Images?.Count ?? 0), ("documents", Documents?.Count ?? 0),
                 })
        {
            if (count > PartRules.MaxItems)
            {
                Error(field, $"At most {PartRules.MaxItems} {field} per part ({count} given).");
            }
        }

        var currency = (Text(Currency) ?? "USD").ToUpperInvariant();
        if (currency.Length != 3 || !currency.All(char.IsAsciiLetterUpper))
        {
            Error("currency", "Currency must be a three-letter ISO 4217 code.");
        }

        long price = 0;
        if (Text(Price) is not { } priceText)
        {
            Error("price", "Price is required.");
        }
        else if (Money(priceText) is { } p)
        {
            price = p;
        }
        else
        {
            Error("price", $"'{Clip(priceText)}' is not a price (a non-negative amount with at most two decimals).");
        }

        long coreCharge = 0;
        if (Text(CoreCharge) is { } coreText)
        {
            if (Money(coreText) is { } c)
            {
                coreCharge = c;
            }
            else
            {
                Error("coreCharge", $"'{Clip(coreText)}' is not an amount (non-negative, at most two decimals).");
            }
        }

        var hazmat = false;
        if (Text(Hazmat) is { } hazmatText)
        {
            if (Flag(hazmatText) is { } h)
            {
                hazmat = h;
            }
            else
            {
                Error("hazmat", $"'{Clip(hazmatText)}' is not a yes/no value (true, false, yes, no, y, n, 1, 0).");
            }
        }

        int? weight = null;
        if (Text(WeightGrams) is { } weightText)
        {
            if (int.TryParse(weightText, NumberStyles.None, CultureInfo.InvariantCulture, out var w))
            {
                weight = w;
            }
            else
            {
                Error("weightGrams", $"'{Clip(weightText)}' is not a whole number of grams.");
            }
        }

        var interchange = Interchange?.Select(n => n.Trim()).Where(n => PartNumbers.Normalize(n).Length > 0)
            .DistinctBy(PartNumbers.Normalize).ToList();
        if (interchange?.FirstOrDefault(n => n.Length > 64) is { } longNumber)
        {
            Error("interchange", $"Interchange number '{Clip(longNumber)}' is longer than 64 characters.");
        }

        CheckMedia(Error);

        return errors.Count > 0
            ? ImportRow<ImportedPart>.Bad(line, errors)
            : ImportRow<ImportedPart>.Ok(line, new ImportedPart(
                sku, partNumber!, brand!, category, name!, description, price, currency, coreCharge, hazmat, weight,
                interchange, Attributes, Images, Documents));
    }

    private void CheckMedia(Action<string, string> error)
    {
        foreach (var a in Attributes ?? [])
        {
            if (a.Name.Length is 0 or > 100 || a.Value.Length > 500 || a.Unit is { Length: > 32 })
            {
                error("attributes", "An attribute needs a name (≤ 100 characters), a value (≤ 500) and a unit of ≤ 32.");
                break;
            }
        }

        foreach (var url in (Images ?? []).Select(i => i.Url).Concat((Documents ?? []).Select(d => d.Url)))
        {
            if (!IsWebUrl(url))
            {
                error(Images?.Any(i => i.Url == url) == true ? "images" : "documents", $"'{Clip(url)}' is not an absolute http(s) URL.");
                break;
            }
        }

        if ((Documents ?? []).Any(d => d.Title.Length is 0 or > 300))
        {
            error("documents", "A document needs a title of at most 300 characters.");
        }
    }

    internal static bool IsWebUrl(string url) =>
        url.Length <= 2048 && Uri.TryCreate(url, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp);

    internal static string? Text(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    internal static string Clip(string value) => value.Length > 40 ? value[..40] + "…" : value;

    /// <summary>"12.34" → 1234. Two decimals at most: every currency the shop sells in has cents.</summary>
    internal static long? Money(string text)
    {
        if (!decimal.TryParse(text, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var amount)
            || amount.Scale > 2 && decimal.Round(amount, 2) != amount || amount > 1_000_000_000m)
        {
            return null;
        }

        return (long)(amount * 100m);
    }

    internal static bool? Flag(string text) => text.Trim().ToUpperInvariant() switch
    {
        "TRUE" or "YES" or "Y" or "1" => true,
        "FALSE" or "NO" or "N" or "0" => false,
        _ => null,
    };
}
