using System.Text.Json;

namespace Axle.Api.Features.Suppliers;

/// <summary>
/// One supplier record as it arrived, before mapping: a JSON object from a JSON API page, a JSON file or a push event, or
/// a CSV row turned into an object of strings (header → cell). <see cref="Position"/> names where it came from (line number
/// of a file, index within a page or a push batch) for error reports and dead letters.
/// </summary>
public sealed record RawRecord(JsonElement Value, long Position);

/// <summary>
/// A supplier record after mapping: Axle's units (each), Axle's currency, UTC time. Exactly one of <see cref="Sku"/> and
/// <see cref="SupplierPartNumber"/> names the part; exactly one of <see cref="Quantity"/> (absolute units on hand at the
/// supplier's warehouse) and <see cref="Delta"/> (relative change) is set. Price, when present, is in minor units of
/// <see cref="Currency"/>.
/// </summary>
public sealed record SupplierStockRecord(
    string? Sku,
    string? SupplierPartNumber,
    string WarehouseCode,
    int? Quantity,
    int? Delta,
    long? PriceMinor,
    string? Currency,
    DateTime OccurredAt,
    string? EventId);

/// <summary>Why a record could not be mapped: a stable <see cref="Code"/>, the field at fault and a sentence for people.</summary>
public sealed record RecordRejection(string Code, string? Field, string Message);

/// <summary>Either a mapped record or the reason it was rejected.</summary>
public readonly record struct MappingResult(SupplierStockRecord? Record, RecordRejection? Rejection)
{
    public bool IsValid => Record is not null;

    public static MappingResult Ok(SupplierStockRecord record) => new(record, null);

    public static MappingResult Reject(string code, string? field, string message) => new(null, new RecordRejection(code, field, message));
}
