using Axle.Api.Features.Suppliers;
using Axle.Api.Features.Suppliers.Mapping;
using static Axle.UnitTests.Suppliers.Mapping.MappingKit;

namespace Axle.UnitTests.Suppliers.Mapping;

public sealed class StandardMappingTests
{
    private static readonly DateTime At = new(2026, 11, 23, 10, 0, 0, DateTimeKind.Utc);

    [Fact]
    public void A_standard_event_by_sku_with_a_quantity_and_a_price_maps()
    {
        var record = Mapped(SupplierMapping.Standard, """
            {"eventId": "evt_01", "sku": "BRK-001", "warehouseCode": "EAST", "quantity": 12,
             "price": {"amount": 45.99, "currency": "USD"}, "occurredAt": "2026-11-23T10:00:00Z"}
            """);
        Assert.Equal(new SupplierStockRecord("BRK-001", null, "EAST", 12, null, 4599, "USD", At, "evt_01"), record);
    }

    [Fact]
    public void A_standard_event_by_supplier_part_number_with_a_delta_and_no_price_maps()
    {
        var record = Mapped(SupplierMapping.Standard, """
            {"eventId": "evt_02", "supplierPartNumber": "SP-000001", "warehouseCode": "EAST", "delta": -3,
             "occurredAt": "2026-11-23T11:00:00+01:00"}
            """);
        Assert.Equal(new SupplierStockRecord(null, "SP-000001", "EAST", null, -3, null, null, At, "evt_02"), record);
    }

    [Fact]
    public void A_standard_price_in_euros_is_converted_to_the_store_currency()
    {
        var record = Mapped(SupplierMapping.Standard, """
            {"eventId": "e", "sku": "A", "warehouseCode": "EAST", "quantity": 1,
             "price": {"amount": 10, "currency": "EUR"}, "occurredAt": "2026-11-23T10:00:00Z"}
            """);
        Assert.Equal((1084L, "USD"), (record.PriceMinor, record.Currency));
    }

    [Theory]
    [InlineData("""{"sku": "A", "supplierPartNumber": "SP-1", "warehouseCode": "W", "quantity": 1, "occurredAt": "2026-11-23T10:00:00Z"}""", RejectionCodes.BothPartNumbers)]
    [InlineData("""{"warehouseCode": "W", "quantity": 1, "occurredAt": "2026-11-23T10:00:00Z"}""", RejectionCodes.NoPartNumber)]
    [InlineData("""{"sku": "A", "warehouseCode": "W", "quantity": 1, "delta": 1, "occurredAt": "2026-11-23T10:00:00Z"}""", RejectionCodes.BothQuantityAndDelta)]
    [InlineData("""{"sku": "A", "warehouseCode": "W", "occurredAt": "2026-11-23T10:00:00Z"}""", RejectionCodes.NoQuantity)]
    [InlineData("""{"sku": "A", "quantity": 1, "occurredAt": "2026-11-23T10:00:00Z"}""", RejectionCodes.MissingField)]
    [InlineData("""{"sku": "A", "warehouseCode": "W", "quantity": 1}""", RejectionCodes.MissingField)]
    [InlineData("""{"sku": "A", "warehouseCode": "W", "quantity": 1, "occurredAt": "2026-11-23T10:00:00Z", "price": {"amount": 1}}""", RejectionCodes.MissingField)]
    [InlineData("""{"sku": "A", "warehouseCode": "W", "quantity": 1, "occurredAt": "2026-11-23T10:00:00Z", "price": 45.99}""", RejectionCodes.WrongType)]
    [InlineData("""{"sku": "A", "warehouseCode": "W", "quantity": 1, "occurredAt": "2026-11-23T10:00:00Z", "price": {"amount": 1, "currency": "CHF"}}""", RejectionCodes.UnknownCurrency)]
    [InlineData("""{"sku": "A", "warehouseCode": "W", "quantity": 1, "occurredAt": "23 Nov 2026"}""", RejectionCodes.InvalidTimestamp)]
    public void Standard_events_breaking_the_contract_are_rejected(string json, string code)
    {
        Assert.Equal(code, Rejected(SupplierMapping.Standard, json).Code);
    }

    [Fact]
    public void A_standard_event_without_an_event_id_still_maps()
    {
        Assert.Null(Mapped(SupplierMapping.Standard, """{"sku": "A", "warehouseCode": "W", "quantity": 1, "occurredAt": "2026-11-23T10:00:00Z"}""").EventId);
    }
}
