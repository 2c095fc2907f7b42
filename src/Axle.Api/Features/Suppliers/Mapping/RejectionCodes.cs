namespace Axle.Api.Features.Suppliers.Mapping;

/// <summary>The stable <see cref="RecordRejection.Code"/>s of <see cref="SupplierMapper"/>; reports and dead letters group by them.</summary>
public static class RejectionCodes
{
    /// <summary>A required field is absent, JSON null or an empty string (an empty CSV cell).</summary>
    public const string MissingField = "missing_field";

    /// <summary>The value has the wrong JSON type (an object for a quantity, "abc" for a number), or the record is not an object.</summary>
    public const string WrongType = "wrong_type";

    /// <summary>A part number, warehouse code or event id is longer than Axle stores or holds control characters.</summary>
    public const string InvalidIdentifier = "invalid_identifier";

    /// <summary>The quantity or delta, in each, is outside 0..1,000,000 (absolute) or −1,000,000..1,000,000 (delta).</summary>
    public const string InvalidQuantity = "invalid_quantity";

    /// <summary>The quantity in each is not a whole number (0.5 EA, or 0.3 of a CS4).</summary>
    public const string FractionalQuantity = "fractional_quantity";

    public const string UnknownUnit = "unknown_unit";

    /// <summary>The price is negative or above <see cref="SupplierMapper.MaxPriceMinor"/> after conversion.</summary>
    public const string InvalidPrice = "invalid_price";

    /// <summary>The currency is neither the store's nor in the rate table (or is not a currency code at all).</summary>
    public const string UnknownCurrency = "unknown_currency";

    public const string UnknownWarehouse = "unknown_warehouse";

    public const string InvalidTimestamp = "invalid_timestamp";

    /// <summary>The time is more than <see cref="SupplierMapper.MaxFutureSkew"/> ahead of now.</summary>
    public const string FutureTimestamp = "future_timestamp";

    public const string BothQuantityAndDelta = "both_quantity_and_delta";

    /// <summary>Both a quantity and a delta field are configured and the record has neither.</summary>
    public const string NoQuantity = "no_quantity";

    public const string BothPartNumbers = "both_part_numbers";

    /// <summary>Both a SKU and a supplier part number field are configured and the record has neither.</summary>
    public const string NoPartNumber = "no_part_number";
}
