namespace Axle.Api.Features.Suppliers.Mapping;

public sealed partial record SupplierMapping
{
    public const int MaxUnitFactor = 1_000_000;
    public const int MaxPriceDecimals = 6;
    public const int MaxCodeLength = 64;

    /// <summary>
    /// Everything wrong with this mapping, keyed by the camelCase JSON path of the setting (<c>price.currency</c>,
    /// <c>timestamp.formats[1]</c>); empty when a <see cref="SupplierMapper"/> can be built from it. The API answers 400 with
    /// these when a mapping is saved.
    /// </summary>
    public IReadOnlyDictionary<string, string[]> Validate()
    {
        var errors = new Errors();

        if (SkuField is null && SupplierPartNumberField is null)
        {
            errors.Add("skuField", "Name the field that holds the part: skuField (Axle's SKU), supplierPartNumberField (the supplier's number) or both.");
        }

        CheckPath(errors, "skuField", SkuField);
        CheckPath(errors, "supplierPartNumberField", SupplierPartNumberField);
        if (SkuField is not null && SkuField == SupplierPartNumberField)
        {
            errors.Add("supplierPartNumberField", "The SKU and the supplier's part number cannot be the same field.");
        }

        if (QuantityField is null && DeltaField is null)
        {
            errors.Add("quantityField", "Name the field that holds the quantity: quantityField (absolute), deltaField (a change) or both.");
        }

        CheckPath(errors, "quantityField", QuantityField);
        CheckPath(errors, "deltaField", DeltaField);
        if (QuantityField is not null && QuantityField == DeltaField)
        {
            errors.Add("deltaField", "The quantity and the delta cannot be the same field.");
        }

        CheckPath(errors, "eventIdField", EventIdField);
        CheckUnit(errors, Unit);
        CheckWarehouse(errors, Warehouse);
        CheckPrice(errors, Price);
        CheckTimestamp(errors, Timestamp);
        return errors.ToDictionary();
    }

    private static void CheckUnit(Errors errors, UnitMapping? unit)
    {
        if (unit is null)
        {
            return;
        }

        var byField = unit.Field is not null || unit.Factors is not null;
        if (byField == unit.FixedFactor is not null)
        {
            errors.Add("unit", "Give either a unit field with its factors table or one fixed factor, not both and not neither.");
        }

        if (unit.FixedFactor is { } fixedFactor && fixedFactor is < 1 or > MaxUnitFactor)
        {
            errors.Add("unit.fixedFactor", $"A factor is a whole number from 1 to {MaxUnitFactor:N0}.");
        }

        if (!byField)
        {
            return;
        }

        if (unit.Field is null)
        {
            errors.Add("unit.field", "Name the field that holds the unit of measure.");
        }

        CheckPath(errors, "unit.field", unit.Field);
        if (unit.Factors is null || unit.Factors.Count == 0)
        {
            errors.Add("unit.factors", "List each unit of measure and how many each it holds, such as {\"EA\": 1, \"CS4\": 4}.");
            return;
        }

        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (code, factor) in unit.Factors)
        {
            if (!IsCode(code))
            {
                errors.Add("unit.factors", $"'{code}' is not a unit code (1 to {MaxCodeLength} characters, no surrounding spaces).");
            }
            else if (!seen.Add(code))
            {
                errors.Add("unit.factors", $"'{code}' is listed twice (units match ignoring case).");
            }

            if (factor is < 1 or > MaxUnitFactor)
            {
                errors.Add("unit.factors", $"The factor of '{code}' is {factor}; a factor is a whole number from 1 to {MaxUnitFactor:N0}.");
            }
        }
    }

    private static void CheckWarehouse(Errors errors, WarehouseMapping? warehouse)
    {
        if (warehouse is null || (warehouse.Field is null && warehouse.Default is null))
        {
            errors.Add("warehouse", "Name the field that holds the warehouse code, a default code, or both.");
            return;
        }

        CheckPath(errors, "warehouse.field", warehouse.Field);
        if (warehouse.Default is not null && !IsCode(warehouse.Default))
        {
            errors.Add("warehouse.default", $"A warehouse code has 1 to {MaxCodeLength} characters and no surrounding spaces.");
        }

        if (warehouse.Codes is null)
        {
            return;
        }

        if (warehouse.Field is null)
        {
            errors.Add("warehouse.codes", "A translation table needs a warehouse field to translate.");
        }

        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (from, to) in warehouse.Codes)
        {
            if (!IsCode(from) || !IsCode(to))
            {
                errors.Add("warehouse.codes", $"'{from}' → '{to}': warehouse codes have 1 to {MaxCodeLength} characters and no surrounding spaces.");
            }
            else if (!seen.Add(from))
            {
                errors.Add("warehouse.codes", $"'{from}' is listed twice (codes match ignoring case).");
            }
        }
    }

    private static void CheckPrice(Errors errors, PriceMapping? price)
    {
        if (price is null)
        {
            return;
        }

        if (price.Field is null)
        {
            errors.Add("price.field", "Name the field that holds the price, or leave price out.");
        }

        CheckPath(errors, "price.field", price.Field);
        if (price.Units is not (PriceUnits.Minor or PriceUnits.Major))
        {
            errors.Add("price.units", "Say whether the price is in minor units (\"minor\": 4599 cents) or major units (\"major\": 45.99).");
        }

        if (price.Decimals is < 0 or > MaxPriceDecimals)
        {
            errors.Add("price.decimals", $"Decimal places run from 0 to {MaxPriceDecimals}.");
        }

        if ((price.CurrencyField is null) == (price.Currency is null))
        {
            errors.Add("price.currency", "Give either the field that holds the currency (currencyField) or one fixed currency, not both.");
        }

        CheckPath(errors, "price.currencyField", price.CurrencyField);
        if (price.Currency is not null && !IsCurrency(price.Currency))
        {
            errors.Add("price.currency", $"'{price.Currency}' is not a currency code (three capital letters, such as USD).");
        }
    }

    private static void CheckTimestamp(Errors errors, TimestampMapping? timestamp)
    {
        if (timestamp is null)
        {
            return;
        }

        if (timestamp.Field is null)
        {
            errors.Add("timestamp.field", "Name the field that holds the time, or leave timestamp out to stamp records when they are mapped.");
        }

        CheckPath(errors, "timestamp.field", timestamp.Field);
        if (timestamp.Formats is null || timestamp.Formats.Count == 0)
        {
            errors.Add("timestamp.formats", "List at least one format: iso8601, unix_seconds, unix_milliseconds or a .NET format such as yyyyMMddHHmmss.");
        }
        else if (timestamp.Formats.Count > TimestampMapping.MaxFormats)
        {
            errors.Add("timestamp.formats", $"At most {TimestampMapping.MaxFormats} formats.");
        }
        else
        {
            for (var i = 0; i < timestamp.Formats.Count; i++)
            {
                if (TimestampParser.CheckFormat(timestamp.Formats[i]) is { } problem)
                {
                    errors.Add($"timestamp.formats[{i}]", problem);
                }
            }
        }

        if (timestamp.TimeZone is not null && !TimeZoneInfo.TryFindSystemTimeZoneById(timestamp.TimeZone, out _))
        {
            errors.Add("timestamp.timeZone", $"'{timestamp.TimeZone}' is not a known time zone; use an IANA id such as America/Chicago.");
        }
    }

    private static void CheckPath(Errors errors, string key, string? path)
    {
        if (path is not null && !FieldPath.TryParse(path, out _, out var problem))
        {
            errors.Add(key, problem);
        }
    }

    internal static bool IsCurrency(string? code) => code is { Length: 3 } && char.IsAsciiLetterUpper(code[0])
        && char.IsAsciiLetterUpper(code[1]) && char.IsAsciiLetterUpper(code[2]);

    private static bool IsCode(string? code) => !string.IsNullOrWhiteSpace(code) && code.Length <= MaxCodeLength
        && code.Trim().Length == code.Length;

    private sealed class Errors
    {
        private readonly Dictionary<string, List<string>> byKey = [];

        public void Add(string key, string message)
        {
            if (!byKey.TryGetValue(key, out var list))
            {
                byKey[key] = list = [];
            }

            list.Add(message);
        }

        public IReadOnlyDictionary<string, string[]> ToDictionary() => byKey.ToDictionary(e => e.Key, e => e.Value.ToArray());
    }
}
