using System.ComponentModel.DataAnnotations;
using System.Text.Json.Serialization;

namespace Axle.Api.Features.Suppliers.Mapping;

/// <summary>
/// How one supplier's records become <see cref="SupplierStockRecord"/>s. Stored as JSON per supplier and sent through the
/// API as JSON (camelCase); every <c>…Field</c> / <c>field</c> is a path as described on <see cref="FieldPath"/>
/// (<c>qtyAvail</c>, <c>stock.available</c>, <c>prices[0].amount</c>). Check it with <see cref="Validate"/> before saving,
/// then build a <see cref="SupplierMapper"/> once per sync.
/// </summary>
/// <remarks>
/// The part is named by <see cref="SkuField"/> (Axle's SKU), <see cref="SupplierPartNumberField"/> (the supplier's own
/// number) or both; with both configured each record must carry exactly one of them. Quantity works the same way:
/// <see cref="QuantityField"/> (absolute units on hand), <see cref="DeltaField"/> (a relative change) or both, exactly one
/// per record.
/// </remarks>
public sealed partial record SupplierMapping
{
    public string? SkuField { get; init; }

    public string? SupplierPartNumberField { get; init; }

    public string? QuantityField { get; init; }

    public string? DeltaField { get; init; }

    /// <summary>Supplier units → each; null means quantities are already in each.</summary>
    public UnitMapping? Unit { get; init; }

    public WarehouseMapping? Warehouse { get; init; }

    /// <summary>Null when the supplier sends no prices.</summary>
    public PriceMapping? Price { get; init; }

    /// <summary>Null when the supplier sends no time; the record then takes the time it was mapped.</summary>
    public TimestampMapping? Timestamp { get; init; }

    /// <summary>Optional: a record without it maps with a null event id.</summary>
    public string? EventIdField { get; init; }

    /// <summary>
    /// Axle's own push-webhook event: <c>{"eventId", "sku" | "supplierPartNumber", "warehouseCode", "quantity" | "delta",
    /// "price"?: {"amount": 45.99, "currency": "USD"}, "occurredAt": "ISO 8601"}</c>.
    /// </summary>
    public static SupplierMapping Standard => new()
    {
        SkuField = "sku",
        SupplierPartNumberField = "supplierPartNumber",
        QuantityField = "quantity",
        DeltaField = "delta",
        Warehouse = new WarehouseMapping { Field = "warehouseCode" },
        Price = new PriceMapping { Field = "price.amount", Units = PriceUnits.Major, CurrencyField = "price.currency" },
        Timestamp = new TimestampMapping { Field = "occurredAt", Formats = [TimestampMapping.Iso8601] },
        EventIdField = "eventId",
    };

    /// <summary>
    /// The supplier simulator's native record, JSON or CSV alike: <c>{"partNo":"SP-000001","whse":"DC-EAST","qtyAvail":12,
    /// "uom":"EA","unitPrice":4599,"currency":"USD","lastUpdated":"2026-11-23T10:00:00Z"}</c> — the quantity in the unit of
    /// measure, the price in cents.
    /// </summary>
    public static SupplierMapping Example => new()
    {
        SupplierPartNumberField = "partNo",
        QuantityField = "qtyAvail",
        Unit = new UnitMapping { Field = "uom", Factors = new Dictionary<string, int> { ["EA"] = 1, ["PR"] = 2, ["CS4"] = 4 } },
        Warehouse = new WarehouseMapping { Field = "whse" },
        Price = new PriceMapping { Field = "unitPrice", Units = PriceUnits.Minor, Decimals = 2, CurrencyField = "currency", Required = true },
        Timestamp = new TimestampMapping { Field = "lastUpdated", Formats = [TimestampMapping.Iso8601] },
    };
}

/// <summary>
/// Either a field naming the unit of measure plus a table of how many each it holds (<c>{"EA": 1, "CS4": 4}</c>, matched
/// ignoring case; a unit not in the table rejects the record), or one <see cref="FixedFactor"/> for every record.
/// </summary>
public sealed record UnitMapping
{
    public string? Field { get; init; }

    public IReadOnlyDictionary<string, int>? Factors { get; init; }

    public int? FixedFactor { get; init; }
}

/// <summary>
/// The warehouse code from <see cref="Field"/>, else <see cref="Default"/> (already an Axle code). With <see cref="Codes"/>
/// the supplier's codes are translated (matched ignoring case) and a code not in the table rejects the record, so stock never
/// lands in a warehouse nobody named.
/// </summary>
public sealed record WarehouseMapping
{
    public string? Field { get; init; }

    public string? Default { get; init; }

    public IReadOnlyDictionary<string, string>? Codes { get; init; }
}

/// <summary>
/// The price at <see cref="Field"/>, in <see cref="Units"/>; in minor units <see cref="Decimals"/> says how many minor units
/// make one major unit (2: cents). The currency is read from <see cref="CurrencyField"/> or fixed as <see cref="Currency"/>.
/// A record without a price maps without one unless <see cref="Required"/>.
/// </summary>
public sealed record PriceMapping
{
    public string? Field { get; init; }

    public PriceUnits? Units { get; init; }

    public int Decimals { get; init; } = 2;

    public string? CurrencyField { get; init; }

    public string? Currency { get; init; }

    public bool Required { get; init; }
}

[JsonConverter(typeof(JsonStringEnumConverter<PriceUnits>))]
public enum PriceUnits
{
    /// <summary>Whole minor units (cents): <c>4599</c>.</summary>
    [JsonStringEnumMemberName("minor")]
    Minor = 1,

    /// <summary>Major units with a fraction (dollars): <c>45.99</c>.</summary>
    [JsonStringEnumMemberName("major")]
    Major = 2,
}

/// <summary>
/// The time at <see cref="Field"/>, tried against each of <see cref="Formats"/> in order: <c>iso8601</c>,
/// <c>unix_seconds</c>, <c>unix_milliseconds</c>, or a .NET custom format such as <c>yyyyMMddHHmmss</c> or
/// <c>MM/dd/yyyy HH:mm</c> (invariant culture). A time without an offset is in <see cref="TimeZone"/> (an IANA id such as
/// <c>America/Chicago</c>; UTC when null).
/// </summary>
public sealed record TimestampMapping
{
    public const string Iso8601 = "iso8601";
    public const string UnixSeconds = "unix_seconds";
    public const string UnixMilliseconds = "unix_milliseconds";
    public const int MaxFormats = 10;

    public string? Field { get; init; }

    [MaxLength(MaxFormats)]
    public IReadOnlyList<string>? Formats { get; init; } = [Iso8601];

    public string? TimeZone { get; init; }
}
