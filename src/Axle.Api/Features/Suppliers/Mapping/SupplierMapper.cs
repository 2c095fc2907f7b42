using System.Buffers;
using System.Collections.Frozen;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;

namespace Axle.Api.Features.Suppliers.Mapping;

/// <summary>
/// A <see cref="SupplierMapping"/> compiled for one sync: paths parsed, tables frozen, formats and time zone resolved, so
/// <see cref="Map"/> only walks the record. Per record it allocates the output and the strings it carries (part number,
/// warehouse code unless translated, event id); numbers, units, currencies and times are read from the document's bytes
/// through a stack buffer. Thread-safe: it holds no per-record state.
/// </summary>
/// <remarks>
/// Prices: the supplier's amount is turned into major units (÷ 10^decimals when in minor units), multiplied by the rate of
/// its currency (1 for the store currency) and rounded once, to whole store minor units (every Axle currency has 2 decimals,
/// see <see cref="Pricing.MinorUnits"/>), half away from zero — 1084.5 cents is 1085. Shelf prices are rounded the way
/// people round; banker's rounding only pays off when many rounded values are summed, which these are not.
/// </remarks>
public sealed class SupplierMapper
{
    public const int MaxQuantity = 1_000_000;

    /// <summary>Ten million in major units: nothing an auto-parts shop sells, so anything above is a broken feed.</summary>
    public const long MaxPriceMinor = 1_000_000_000;

    public const int MaxEventIdLength = 128;

    public static readonly TimeSpan MaxFutureSkew = TimeSpan.FromDays(1);

    private const int BufferLength = 64;
    private const decimal StoreMinorPerMajor = 100m;

    // Bounds checked before multiplying so decimal arithmetic can never overflow, whatever a feed sends.
    private const decimal MaxRawQuantity = 1_000_000_000_000m;
    private const decimal MaxRawPrice = 1_000_000_000_000_000m;
    private const decimal MaxRate = 1_000_000m;

    // SearchValues rather than ContainsAnyInRange, which allocated on every call when measured.
    private static readonly SearchValues<char> ControlCharacters = SearchValues.Create(Enumerable.Range(0, 32).Select(c => (char)c).ToArray());

    private static readonly decimal[] PowersOfTen = [1m, 10m, 100m, 1_000m, 10_000m, 100_000m, 1_000_000m];

    private readonly FieldPath? sku;
    private readonly FieldPath? partNumber;
    private readonly FieldPath? quantity;
    private readonly FieldPath? delta;
    private readonly FieldPath? unit;
    // A Dictionary rather than a FrozenDictionary: only its span lookup hands back the stored key, which names the unit in
    // a rejection without allocating on success.
    private readonly Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> unitFactors;
    private readonly string unitList;
    private readonly int fixedFactor;
    private readonly FieldPath? warehouse;
    private readonly string? defaultWarehouse;
    private readonly FrozenDictionary<string, string>.AlternateLookup<ReadOnlySpan<char>>? warehouseCodes;
    private readonly FieldPath? price;
    private readonly bool priceRequired;
    private readonly decimal priceDivisor;
    private readonly FieldPath? currency;
    private readonly string? fixedCurrency;
    private readonly decimal? fixedRate;
    private readonly string storeCurrency;
    private readonly FrozenDictionary<string, decimal>.AlternateLookup<ReadOnlySpan<char>> rates;
    private readonly FieldPath? timestamp;
    private readonly TimestampParser? times;
    private readonly FieldPath? eventId;
    private readonly string partFields;
    private readonly string quantityFields;

    private SupplierMapper(SupplierMapping mapping, string storeCurrency, FrozenDictionary<string, decimal> rates)
    {
        sku = OptionalPath(mapping.SkuField);
        partNumber = OptionalPath(mapping.SupplierPartNumberField);
        partFields = $"{mapping.SkuField} or {mapping.SupplierPartNumberField}";
        quantity = OptionalPath(mapping.QuantityField);
        delta = OptionalPath(mapping.DeltaField);
        quantityFields = $"{mapping.QuantityField} or {mapping.DeltaField}";

        unit = OptionalPath(mapping.Unit?.Field);
        var factors = new Dictionary<string, int>(mapping.Unit?.Factors ?? new Dictionary<string, int>(), StringComparer.OrdinalIgnoreCase);
        unitFactors = factors.GetAlternateLookup<ReadOnlySpan<char>>();
        unitList = string.Join(", ", factors.Keys.Order(StringComparer.Ordinal));
        fixedFactor = mapping.Unit?.FixedFactor ?? 1;

        var w = mapping.Warehouse!;
        warehouse = OptionalPath(w.Field);
        defaultWarehouse = w.Default;
        warehouseCodes = w.Codes?.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase).GetAlternateLookup<ReadOnlySpan<char>>();

        this.storeCurrency = storeCurrency;
        this.rates = rates.GetAlternateLookup<ReadOnlySpan<char>>();
        if (mapping.Price is { } p)
        {
            price = FieldPath.Parse(p.Field!);
            priceRequired = p.Required;
            priceDivisor = p.Units == PriceUnits.Minor ? PowersOfTen[p.Decimals] : 1m;
            currency = OptionalPath(p.CurrencyField);
            fixedCurrency = p.Currency;
            fixedRate = p.Currency is null ? null : RateOf(p.Currency, out var rate) ? rate : null;
        }

        if (mapping.Timestamp is { } t)
        {
            timestamp = FieldPath.Parse(t.Field!);
            times = TimestampParser.Create(t.Formats!, t.TimeZone);
        }

        eventId = OptionalPath(mapping.EventIdField);
    }

    /// <summary>
    /// Compiles <paramref name="mapping"/>, which must be valid (<see cref="SupplierMapping.Validate"/> empty), for a store
    /// selling in <paramref name="storeCurrency"/>. <paramref name="rates"/> gives, per other currency, what one unit of it
    /// is worth in the store currency (<c>{"EUR": 1.0842}</c> with a USD store); a record priced in a currency without a rate
    /// is rejected, not guessed.
    /// </summary>
    public static SupplierMapper Create(SupplierMapping mapping, string storeCurrency, IReadOnlyDictionary<string, decimal> rates)
    {
        ArgumentNullException.ThrowIfNull(mapping);
        ArgumentNullException.ThrowIfNull(rates);
        var errors = mapping.Validate();
        if (errors.Count > 0)
        {
            var list = string.Join(" ", errors.SelectMany(e => e.Value.Select(m => $"{e.Key}: {m}")));
            throw new ArgumentException($"The mapping is not valid; check it with Validate before building a mapper. {list}", nameof(mapping));
        }

        if (!SupplierMapping.IsCurrency(storeCurrency))
        {
            throw new ArgumentException($"'{storeCurrency}' is not a currency code.", nameof(storeCurrency));
        }

        foreach (var (code, rate) in rates)
        {
            if (!SupplierMapping.IsCurrency(code) || rate is <= 0m or > MaxRate)
            {
                throw new ArgumentException($"The rate {code} = {rate} is not a currency code with a rate above 0 and at most {MaxRate}.", nameof(rates));
            }
        }

        return new SupplierMapper(mapping, storeCurrency, rates.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase));
    }

    /// <summary>Maps one record, or says why not. Never throws for anything a supplier can send.</summary>
    public MappingResult Map(RawRecord raw, DateTime nowUtc)
    {
        ArgumentNullException.ThrowIfNull(raw);
        var root = raw.Value;
        if (root.ValueKind != JsonValueKind.Object)
        {
            return Reject(RejectionCodes.WrongType, null, $"Record {raw.Position} is {Describe(root.ValueKind)}, not a JSON object.");
        }

        Span<char> buffer = stackalloc char[BufferLength];
        RecordRejection? rejection;

        // The part: exactly one of the SKU and the supplier's number.
        string? skuValue = null, partValue = null;
        if ((sku is not null && (rejection = ReadIdentifier(root, sku, SupplierMapping.MaxCodeLength, out skuValue)) is not null)
            || (partNumber is not null && (rejection = ReadIdentifier(root, partNumber, SupplierMapping.MaxCodeLength, out partValue)) is not null))
        {
            return new MappingResult(null, rejection);
        }

        if (skuValue is not null && partValue is not null)
        {
            return Reject(RejectionCodes.BothPartNumbers, partFields, $"The record has both {sku} and {partNumber}; send one.");
        }

        if (skuValue is null && partValue is null)
        {
            return sku is not null && partNumber is not null
                ? Reject(RejectionCodes.NoPartNumber, partFields, $"The record has neither {sku} nor {partNumber}.")
                : Missing((sku ?? partNumber)!);
        }

        // The warehouse.
        string? warehouseCode = defaultWarehouse;
        if (warehouse is not null && (rejection = ReadWarehouse(root, buffer, ref warehouseCode)) is not null)
        {
            return new MappingResult(null, rejection);
        }

        if (warehouseCode is null)
        {
            return Missing(warehouse!);
        }

        // The quantity: exactly one of absolute and delta, scaled to each.
        decimal absolute = 0, change = 0;
        var hasQuantity = false;
        var hasDelta = false;
        if ((quantity is not null && (rejection = ReadNumber(root, quantity, buffer, RejectionCodes.InvalidQuantity, out hasQuantity, out absolute)) is not null)
            || (delta is not null && (rejection = ReadNumber(root, delta, buffer, RejectionCodes.InvalidQuantity, out hasDelta, out change)) is not null))
        {
            return new MappingResult(null, rejection);
        }

        if (hasQuantity && hasDelta)
        {
            return Reject(RejectionCodes.BothQuantityAndDelta, quantityFields, $"The record has both {quantity} and {delta}; send one.");
        }

        if (!hasQuantity && !hasDelta)
        {
            return quantity is not null && delta is not null
                ? Reject(RejectionCodes.NoQuantity, quantityFields, $"The record has neither {quantity} nor {delta}.")
                : Missing((quantity ?? delta)!);
        }

        var factor = fixedFactor;
        string? unitCode = null;
        if (unit is not null && (rejection = ReadUnit(root, buffer, out factor, out unitCode)) is not null)
        {
            return new MappingResult(null, rejection);
        }

        if ((rejection = Scale(hasDelta ? delta! : quantity!, hasDelta ? change : absolute, hasDelta, factor, unitCode, out var each)) is not null)
        {
            return new MappingResult(null, rejection);
        }

        // The price, converted to the store currency.
        long? priceMinor = null;
        if (price is not null)
        {
            if ((rejection = ReadNumber(root, price, buffer, RejectionCodes.InvalidPrice, out var hasPrice, out var amount)) is not null)
            {
                return new MappingResult(null, rejection);
            }

            if (hasPrice)
            {
                if ((rejection = ConvertPrice(root, buffer, amount, out var minor)) is not null)
                {
                    return new MappingResult(null, rejection);
                }

                priceMinor = minor;
            }
            else if (priceRequired)
            {
                return Missing(price);
            }
        }

        // The time.
        var occurredAt = DateTime.SpecifyKind(nowUtc, DateTimeKind.Utc);
        if (timestamp is not null && (rejection = ReadTimestamp(root, buffer, nowUtc, out occurredAt)) is not null)
        {
            return new MappingResult(null, rejection);
        }

        string? eventIdValue = null;
        if (eventId is not null && (rejection = ReadIdentifier(root, eventId, MaxEventIdLength, out eventIdValue)) is not null)
        {
            return new MappingResult(null, rejection);
        }

        return MappingResult.Ok(new SupplierStockRecord(
            skuValue,
            partValue,
            warehouseCode,
            hasDelta ? null : each,
            hasDelta ? each : null,
            priceMinor,
            priceMinor is null ? null : storeCurrency,
            occurredAt,
            eventIdValue));
    }

    private RecordRejection? ReadWarehouse(JsonElement root, Span<char> buffer, ref string? code)
    {
        var found = warehouse!.Find(root, out var value);
        if (found == PathLookup.WrongShape || (found == PathLookup.Found && !IsScalar(value)))
        {
            return WrongType(warehouse, found, value, "a warehouse code");
        }

        if (found == PathLookup.Missing)
        {
            return null;
        }

        if (warehouseCodes is not { } table)
        {
            var rejection = Identifier(warehouse, found, value, SupplierMapping.MaxCodeLength, out var read);
            code = read ?? code;
            return rejection;
        }

        var text = Text(value, buffer).Trim();
        if (text.IsEmpty)
        {
            return null;
        }

        if (!table.TryGetValue(text, out var translated))
        {
            return new RecordRejection(RejectionCodes.UnknownWarehouse, warehouse.Text,
                $"Warehouse '{Clip(text)}' is not in this supplier's warehouse table.");
        }

        code = translated;
        return null;
    }

    private RecordRejection? ReadUnit(JsonElement root, Span<char> buffer, out int factor, out string? code)
    {
        factor = 0;
        code = null;
        var found = unit!.Find(root, out var value);
        if (found == PathLookup.WrongShape || (found == PathLookup.Found && !IsScalar(value)))
        {
            return WrongType(unit, found, value, "a unit of measure");
        }

        var text = found == PathLookup.Found ? Text(value, buffer).Trim() : [];
        if (text.IsEmpty)
        {
            return MissingRejection(unit);
        }

        if (!unitFactors.TryGetValue(text, out var key, out factor))
        {
            return new RecordRejection(RejectionCodes.UnknownUnit, unit.Text,
                $"Unit of measure '{Clip(text)}' is not in this supplier's table ({unitList}).");
        }

        code = key;
        return null;
    }

    private static RecordRejection? Scale(FieldPath field, decimal value, bool isDelta, int factor, string? unitCode, out int each)
    {
        each = 0;
        var min = isDelta ? -MaxQuantity : 0;
        var scaled = Math.Abs(value) <= MaxRawQuantity ? value * factor : decimal.MaxValue;
        if (scaled < min || scaled > MaxQuantity)
        {
            return new RecordRejection(RejectionCodes.InvalidQuantity, field.Text,
                $"{field} is {value.ToString(CultureInfo.InvariantCulture)}{Per(factor, unitCode)}; in each it must be from {min:N0} to {MaxQuantity:N0}.");
        }

        if (scaled != decimal.Truncate(scaled))
        {
            return new RecordRejection(RejectionCodes.FractionalQuantity, field.Text,
                $"{field} is {value.ToString(CultureInfo.InvariantCulture)}{Per(factor, unitCode)}, which is {scaled.ToString(CultureInfo.InvariantCulture)} each; only whole parts are stocked.");
        }

        each = (int)scaled;
        return null;
    }

    private static string Per(int factor, string? unitCode) =>
        unitCode is not null ? $" ({unitCode} ×{factor})" : factor == 1 ? "" : $" (×{factor})";

    private RecordRejection? ConvertPrice(JsonElement root, Span<char> buffer, decimal amount, out long minor)
    {
        minor = 0;
        if (amount < 0m || amount > MaxRawPrice)
        {
            return new RecordRejection(RejectionCodes.InvalidPrice, price!.Text,
                $"{price} is {amount.ToString(CultureInfo.InvariantCulture)}; a price is at least 0 and at most {MaxPriceMinor / StoreMinorPerMajor:N0} {storeCurrency}.");
        }

        decimal rate;
        if (currency is null)
        {
            if (fixedRate is not { } known)
            {
                return new RecordRejection(RejectionCodes.UnknownCurrency, "price.currency",
                    $"There is no rate from {fixedCurrency} to {storeCurrency}.");
            }

            rate = known;
        }
        else
        {
            var found = currency.Find(root, out var value);
            if (found == PathLookup.WrongShape || (found == PathLookup.Found && value.ValueKind != JsonValueKind.String))
            {
                return WrongType(currency, found, value, "a currency code");
            }

            var text = found == PathLookup.Found ? Text(value, buffer).Trim() : [];
            if (text.IsEmpty)
            {
                return MissingRejection(currency);
            }

            if (!RateOf(text, out rate))
            {
                return new RecordRejection(RejectionCodes.UnknownCurrency, currency.Text,
                    $"There is no rate from '{Clip(text)}' to {storeCurrency}.");
            }
        }

        var rounded = Math.Round(amount / priceDivisor * rate * StoreMinorPerMajor, MidpointRounding.AwayFromZero);
        if (rounded > MaxPriceMinor)
        {
            return new RecordRejection(RejectionCodes.InvalidPrice, price!.Text,
                $"{price} is {amount.ToString(CultureInfo.InvariantCulture)}, above the most a part can cost ({MaxPriceMinor / StoreMinorPerMajor:N0} {storeCurrency}).");
        }

        minor = (long)rounded;
        return null;
    }

    private RecordRejection? ReadTimestamp(JsonElement root, Span<char> buffer, DateTime nowUtc, out DateTime utc)
    {
        utc = default;
        var found = timestamp!.Find(root, out var value);
        if (found == PathLookup.WrongShape || (found == PathLookup.Found && !IsScalar(value)))
        {
            return WrongType(timestamp, found, value, "a time");
        }

        var text = found == PathLookup.Found ? Text(value, buffer).Trim() : [];
        if (text.IsEmpty)
        {
            return MissingRejection(timestamp);
        }

        if (!times!.TryParse(text, out utc))
        {
            return new RecordRejection(RejectionCodes.InvalidTimestamp, timestamp.Text,
                $"{timestamp} is '{Clip(text)}', which none of the formats reads ({times.Description}).");
        }

        if (utc - nowUtc > MaxFutureSkew)
        {
            return new RecordRejection(RejectionCodes.FutureTimestamp, timestamp.Text,
                $"{timestamp} is {utc:O}, more than {MaxFutureSkew.TotalHours:0} hours after now ({nowUtc:O}).");
        }

        return null;
    }

    /// <summary>A string (or a number, for numeric part numbers) as a trimmed string; null when absent or blank.</summary>
    private static RecordRejection? ReadIdentifier(JsonElement root, FieldPath path, int maxLength, out string? text) =>
        Identifier(path, path.Find(root, out var value), value, maxLength, out text);

    private static RecordRejection? Identifier(FieldPath path, PathLookup found, JsonElement value, int maxLength, out string? text)
    {
        text = null;
        if (found == PathLookup.Missing)
        {
            return null;
        }

        if (found == PathLookup.WrongShape || !IsScalar(value))
        {
            return WrongType(path, found, value, "text");
        }

        var read = value.ValueKind == JsonValueKind.String ? value.GetString()! : value.GetRawText();
        if (read.Length > 0 && (char.IsWhiteSpace(read[0]) || char.IsWhiteSpace(read[^1])))
        {
            read = read.Trim();
        }

        if (read.Length == 0)
        {
            return null;
        }

        if (read.Length > maxLength || read.AsSpan().ContainsAny(ControlCharacters))
        {
            return new RecordRejection(RejectionCodes.InvalidIdentifier, path.Text,
                $"{path} is '{Clip(read)}'; it must be at most {maxLength} characters without control characters.");
        }

        text = read;
        return null;
    }

    /// <summary>A JSON number, or a string holding one as CSV cells do. Absent or blank is not an error here.</summary>
    private static RecordRejection? ReadNumber(JsonElement root, FieldPath path, Span<char> buffer, string rangeCode, out bool present, out decimal number)
    {
        present = false;
        number = 0;
        var found = path.Find(root, out var value);
        if (found == PathLookup.Missing)
        {
            return null;
        }

        if (found == PathLookup.WrongShape || !IsScalar(value))
        {
            return WrongType(path, found, value, "a number");
        }

        if (value.ValueKind == JsonValueKind.Number)
        {
            present = true;
            return value.TryGetDecimal(out number) ? null : new RecordRejection(rangeCode, path.Text, $"{path} is {Clip(value.GetRawText())}, far out of range.");
        }

        var text = Text(value, buffer).Trim();
        if (text.IsEmpty)
        {
            return null;
        }

        present = true;
        if (decimal.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out number))
        {
            return null;
        }

        return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out _)
            ? new RecordRejection(rangeCode, path.Text, $"{path} is {Clip(text)}, far out of range.")
            : WrongType(path, found, value, "a number");
    }

    private bool RateOf(ReadOnlySpan<char> code, out decimal rate)
    {
        if (code.Equals(storeCurrency, StringComparison.OrdinalIgnoreCase))
        {
            rate = 1m;
            return true;
        }

        return rates.TryGetValue(code, out rate);
    }

    /// <summary>
    /// The characters of a string or number value. Unescaped values up to the buffer's length are transcoded from the
    /// document's own bytes into <paramref name="buffer"/>; longer or escaped ones fall back to an allocated string.
    /// </summary>
    private static ReadOnlySpan<char> Text(JsonElement value, Span<char> buffer)
    {
        var raw = JsonMarshal.GetRawUtf8Value(value);
        var isString = value.ValueKind == JsonValueKind.String;
        if (isString)
        {
            raw = raw[1..^1];
        }

        if (raw.Length > buffer.Length || raw.Contains((byte)'\\'))
        {
            return isString ? value.GetString() : value.GetRawText();
        }

        var length = Encoding.UTF8.GetChars(raw, buffer);
        return buffer[..length];
    }

    private static bool IsScalar(JsonElement value) => value.ValueKind is JsonValueKind.String or JsonValueKind.Number;

    private static FieldPath? OptionalPath(string? path) => path is null ? null : FieldPath.Parse(path);

    private static MappingResult Missing(FieldPath path) => new(null, MissingRejection(path));

    private static RecordRejection MissingRejection(FieldPath path) =>
        new(RejectionCodes.MissingField, path.Text, $"The record has no {path}.");

    private static RecordRejection WrongType(FieldPath path, PathLookup found, JsonElement value, string expected) =>
        new(RejectionCodes.WrongType, path.Text, found == PathLookup.WrongShape
            ? $"{path} cannot be reached: on the way there is {Describe(value.ValueKind)} where an object or an array belongs."
            : $"{path} should be {expected}; it is {Describe(value.ValueKind)} ({Clip(value.GetRawText())}).");

    private static MappingResult Reject(string code, string? field, string message) => MappingResult.Reject(code, field, message);

    private static string Describe(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "true/false",
        JsonValueKind.Null => "null",
        _ => "nothing",
    };

    private static string Clip(ReadOnlySpan<char> text) => text.Length <= 40 ? text.ToString() : $"{text[..40]}…";
}
