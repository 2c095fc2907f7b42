using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Axle.Api.Features.Suppliers.Ordering;

/// <summary>
/// What a supplier's order endpoint receives, built the same way on every attempt (a supplier that checks the body against
/// the Idempotency-Key sees the same order): <c>{"reference", "kind", "lines": [{"partNo", "quantity"}], "shipTo"}</c>,
/// lines sorted by part number, <c>shipTo</c> an address object (<see cref="Address"/>) or null.
/// </summary>
public static class SupplierOrderBody
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    /// <summary>A ship-to address as sent: the customer's (drop-ship) or our receiving warehouse's (purchase order).</summary>
    public sealed record Address(
        string Name, string Line1, string? Line2, string City, string? Region, string PostalCode, string Country, string? Phone);

    public sealed record Line(string PartNumber, int Quantity);

    /// <summary>The address as the JSON object stored with the order and sent as <c>shipTo</c>.</summary>
    public static string ShipTo(Address address) => JsonSerializer.Serialize(address, Json);

    public static string KindName(SupplierOrderKind kind) => kind switch
    {
        SupplierOrderKind.PurchaseOrder => "purchase_order",
        SupplierOrderKind.DropShip => "drop_ship",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };

    /// <summary>The request body, UTF-8 JSON.</summary>
    public static byte[] Build(string reference, SupplierOrderKind kind, IEnumerable<Line> lines, string? shipTo)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("reference", reference);
            writer.WriteString("kind", KindName(kind));
            writer.WriteStartArray("lines");
            foreach (var line in lines.OrderBy(l => l.PartNumber, StringComparer.Ordinal).ThenBy(l => l.Quantity))
            {
                writer.WriteStartObject();
                writer.WriteString("partNo", line.PartNumber);
                writer.WriteNumber("quantity", line.Quantity);
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            writer.WritePropertyName("shipTo");
            if (shipTo is null)
            {
                writer.WriteNullValue();
            }
            else
            {
                // Stored by ShipTo above; parsed, so a corrupted value fails here rather than reaching the supplier as text.
                using var address = JsonDocument.Parse(shipTo);
                address.RootElement.WriteTo(writer);
            }

            writer.WriteEndObject();
        }

        return buffer.ToArray();
    }

    /// <summary>For logs and dead letters: the body as text.</summary>
    public static string Text(byte[] body) => Encoding.UTF8.GetString(body);
}
