using System.ComponentModel.DataAnnotations;
using System.Text.RegularExpressions;

namespace Axle.Api.Features.Catalog;

/// <summary>A money amount as clients send it: a decimal with at most 2 places and an ISO 4217 currency.</summary>
public sealed record PartMoney(
    [property: Required] decimal? Amount,
    [property: Required, RegularExpression(PartRules.CurrencyPattern, ErrorMessage = PartRules.CurrencyMessage)] string? Currency);

public sealed record PartDimensions(
    [property: Range(1, PartRules.MaxMillimetres)] int? LengthMm,
    [property: Range(1, PartRules.MaxMillimetres)] int? WidthMm,
    [property: Range(1, PartRules.MaxMillimetres)] int? HeightMm);

public sealed record PartAttributeInput(
    [property: Required, StringLength(100, MinimumLength = 1)] string? Name,
    [property: Required, StringLength(500, MinimumLength = 1)] string? Value,
    AttributeType? Type,
    [property: StringLength(32)] string? Unit);

public sealed record PartImageInput(
    [property: Required, StringLength(2048)] string? Url,
    [property: StringLength(300)] string? Alt);

public sealed record PartDocumentInput(
    [property: Required, StringLength(2048)] string? Url,
    [property: Required, StringLength(300, MinimumLength = 1)] string? Title,
    DocumentType? Type,
    [property: Range(0, long.MaxValue)] long? SizeBytes);

public sealed record PartInterchangeInput(
    [property: Required, StringLength(64, MinimumLength = 1)] string? Number,
    [property: StringLength(100)] string? Brand,
    InterchangeKind? Kind);

/// <summary>
/// The writable representation of a part: the body of POST and PUT, and what a PATCH is merged onto. Absent optional
/// members mean "none" (PUT is a full replace), except <c>status</c>: absent keeps the current status (active on create).
/// </summary>
public sealed record PartRequest(
    [property: Required, RegularExpression(PartRules.SkuPattern, ErrorMessage = PartRules.SkuMessage)] string? Sku,
    [property: Required, StringLength(64, MinimumLength = 1)] string? PartNumber,
    [property: Required, StringLength(100, MinimumLength = 1)] string? Brand,
    [property: Required, StringLength(100, MinimumLength = 1)] string? Category,
    [property: Required, StringLength(200, MinimumLength = 1)] string? Name,
    [property: StringLength(4000)] string? Description,
    [property: Required] PartMoney? Price,
    PartMoney? CoreCharge,
    bool? Hazmat,
    [property: Range(1, PartRules.MaxGrams)] int? WeightGrams,
    PartDimensions? Dimensions,
    PartStatus? Status,
    [property: MaxLength(PartRules.MaxItems)] IReadOnlyList<PartAttributeInput>? Attributes,
    [property: MaxLength(PartRules.MaxItems)] IReadOnlyList<PartImageInput>? Images,
    [property: MaxLength(PartRules.MaxItems)] IReadOnlyList<PartDocumentInput>? Documents,
    [property: MaxLength(PartRules.MaxItems)] IReadOnlyList<PartInterchangeInput>? Interchange,
    [property: MaxLength(PartRules.MaxItems)] IReadOnlyList<string>? Supersedes);

/// <summary>
/// Rules the annotations cannot express (money precision, URL schemes, duplicates) plus the required members, so a
/// merged PATCH document that never passed through the framework's validation is still checked.
/// </summary>
internal static partial class PartRules
{
    public const string SkuPattern = "^[A-Z0-9][A-Z0-9._-]{1,63}$";
    public const string SkuMessage = "A SKU is 2-64 characters: upper-case letters, digits, '.', '_' or '-', starting with a letter or digit.";
    public const string CurrencyPattern = "^[A-Z]{3}$";
    public const string CurrencyMessage = "The currency is an upper-case ISO 4217 code such as USD.";
    public const int MaxMillimetres = 100_000;
    public const int MaxGrams = 10_000_000;
    public const int MaxItems = 100;

    /// <summary>Every supported currency has 2 minor digits; amounts are stored as integer minor units.</summary>
    private const decimal MinorPerUnit = 100m;
    private const decimal MaxAmount = 10_000_000m;

    public static Dictionary<string, string[]> Validate(PartRequest request)
    {
        var errors = new Dictionary<string, List<string>>();
        void Add(string field, string message)
        {
            if (!errors.TryGetValue(field, out var list))
            {
                errors[field] = list = [];
            }

            list.Add(message);
        }

        if (string.IsNullOrWhiteSpace(request.Sku))
        {
            Add("sku", "A SKU is required.");
        }
        else if (!SkuRegex().IsMatch(request.Sku))
        {
            Add("sku", SkuMessage);
        }

        Required(request.PartNumber, "partNumber", "A part number is required.", 64);
        if (request.PartNumber is { } number && PartNumbers.Normalize(number).Length == 0)
        {
            Add("partNumber", "A part number needs at least one letter or digit.");
        }

        Required(request.Brand, "brand", "A brand is required.", 100);
        Required(request.Category, "category", "A category is required.", 100);
        Required(request.Name, "name", "A name is required.", 200);
        Optional(request.Description, "description", 4000);

        if (request.Price is null)
        {
            Add("price", "A price is required.");
        }
        else
        {
            Money(request.Price, "price");
        }

        if (request.CoreCharge is { } core)
        {
            Money(core, "coreCharge");
            if (request.Price?.Currency is { } currency && core.Currency is { } coreCurrency && currency != coreCurrency)
            {
                Add("coreCharge.currency", "The core charge must be in the price's currency.");
            }
        }

        if (request.WeightGrams is < 1 or > MaxGrams)
        {
            Add("weightGrams", $"The weight must be between 1 and {MaxGrams} grams.");
        }

        if (request.Dimensions is { } d)
        {
            Millimetres(d.LengthMm, "dimensions.lengthMm");
            Millimetres(d.WidthMm, "dimensions.widthMm");
            Millimetres(d.HeightMm, "dimensions.heightMm");
        }

        Each(request.Attributes, "attributes", (a, path) =>
        {
            Required(a.Name, path + ".name", "An attribute needs a name.", 100);
            Required(a.Value, path + ".value", "An attribute needs a value.", 500);
            Optional(a.Unit, path + ".unit", 32);
            if (a.Type == AttributeType.Number && a.Value is { } v
                && !decimal.TryParse(v, System.Globalization.NumberStyles.Number, System.Globalization.CultureInfo.InvariantCulture, out _))
            {
                Add(path + ".value", "A number attribute needs a numeric value.");
            }
            else if (a.Type == AttributeType.Boolean && a.Value is not ("true" or "false"))
            {
                Add(path + ".value", "A boolean attribute's value is 'true' or 'false'.");
            }
        });
        Each(request.Images, "images", (i, path) =>
        {
            Url(i.Url, path + ".url");
            Optional(i.Alt, path + ".alt", 300);
        });
        Each(request.Documents, "documents", (doc, path) =>
        {
            Url(doc.Url, path + ".url");
            Required(doc.Title, path + ".title", "A document needs a title.", 300);
            if (doc.SizeBytes is < 0)
            {
                Add(path + ".sizeBytes", "The size cannot be negative.");
            }
        });
        Each(request.Interchange, "interchange", (x, path) =>
        {
            Required(x.Number, path + ".number", "An interchange entry needs a number.", 64);
            Optional(x.Brand, path + ".brand", 100);
            if (x.Kind is null)
            {
                Add(path + ".kind", "The kind is 'oem' or 'aftermarket'.");
            }
        });
        if (request.Interchange is { } interchange
            && interchange.Select(x => PartNumbers.Normalize(x.Number)).Where(n => n.Length > 0).GroupBy(n => n).Any(g => g.Count() > 1))
        {
            Add("interchange", "An interchange number is listed twice.");
        }

        Each(request.Supersedes, "supersedes", (old, path) =>
        {
            Required(old, path, "A superseded part number cannot be blank.", 64);
            if (old is not null && PartNumbers.Normalize(old) == PartNumbers.Normalize(request.PartNumber))
            {
                Add(path, "A part cannot supersede its own number.");
            }
        });

        return errors.ToDictionary(e => e.Key, e => e.Value.ToArray());

        void Required(string? value, string field, string message, int max)
        {
            if (string.IsNullOrWhiteSpace(value))
            {
                Add(field, message);
            }
            else
            {
                Optional(value, field, max);
            }
        }

        void Optional(string? value, string field, int max)
        {
            if (value is not null && value.Trim().Length > max)
            {
                Add(field, $"At most {max} characters.");
            }
        }

        void Money(PartMoney money, string field)
        {
            if (money.Amount is not { } amount)
            {
                Add(field + ".amount", "An amount is required.");
            }
            else if (amount < 0)
            {
                Add(field + ".amount", "The amount cannot be negative.");
            }
            else if (amount > MaxAmount)
            {
                Add(field + ".amount", $"The amount cannot exceed {MaxAmount}.");
            }
            else if (decimal.Round(amount, 2) != amount)
            {
                Add(field + ".amount", "The amount has at most 2 decimal places.");
            }

            if (money.Currency is null || !CurrencyRegex().IsMatch(money.Currency))
            {
                Add(field + ".currency", CurrencyMessage);
            }
        }

        void Millimetres(int? value, string field)
        {
            if (value is < 1 or > MaxMillimetres)
            {
                Add(field, $"A dimension is between 1 and {MaxMillimetres} mm.");
            }
        }

        void Url(string? value, string field)
        {
            if (string.IsNullOrWhiteSpace(value))
            {
                Add(field, "A URL is required.");
            }
            else if (value.Length > 2048)
            {
                Add(field, "At most 2048 characters.");
            }
            else if (!Uri.TryCreate(value, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp))
            {
                Add(field, "The URL must be absolute http or https.");
            }
        }

        void Each<T>(IReadOnlyList<T>? items, string field, Action<T, string> check)
        {
            if (items is null)
            {
                return;
            }

            if (items.Count > MaxItems)
            {
                Add(field, $"At most {MaxItems} entries.");
                return;
            }

            for (var i = 0; i < items.Count; i++)
            {
                if (items[i] is null)
                {
                    Add($"{field}[{i}]", "An entry cannot be null.");
                }
                else
                {
                    check(items[i], $"{field}[{i}]");
                }
            }
        }
    }

    public static long ToMinor(decimal amount) => (long)(amount * MinorPerUnit);

    public static decimal FromMinor(long minor) => minor / MinorPerUnit;

    [GeneratedRegex(SkuPattern, RegexOptions.CultureInvariant)]
    private static partial Regex SkuRegex();

    [GeneratedRegex(CurrencyPattern, RegexOptions.CultureInvariant)]
    private static partial Regex CurrencyRegex();
}
