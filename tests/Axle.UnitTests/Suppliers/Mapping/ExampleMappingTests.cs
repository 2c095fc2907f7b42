using Axle.Api.Features.Suppliers;
using Axle.Api.Features.Suppliers.Mapping;
using static Axle.UnitTests.Suppliers.Mapping.MappingKit;

namespace Axle.UnitTests.Suppliers.Mapping;

/// <summary>The supplier simulator's native shape, as JSON and as CSV rows (every cell a string).</summary>
public sealed class ExampleMappingTests
{
    private const string Json = """
        {"partNo":"SP-000001","whse":"DC-EAST","qtyAvail":12,"uom":"EA","unitPrice":4599,"currency":"USD","lastUpdated":"2026-11-23T10:00:00Z"}
        """;

    private const string Csv = """
        {"partNo":"SP-000001","whse":"DC-EAST","qtyAvail":"3","uom":"CS4","unitPrice":"4599","currency":"USD","lastUpdated":"2026-11-23T10:00:00Z"}
        """;

    private static readonly DateTime At = new(2026, 11, 23, 10, 0, 0, DateTimeKind.Utc);

    [Fact]
    public void A_json_record_maps_by_supplier_part_number()
    {
        Assert.Equal(new SupplierStockRecord(null, "SP-000001", "DC-EAST", 12, null, 4599, "USD", At, null), Mapped(SupplierMapping.Example, Json));
    }

    [Fact]
    public void A_csv_row_of_strings_maps_the_same_way_with_cases_counted_in_each()
    {
        Assert.Equal(new SupplierStockRecord(null, "SP-000001", "DC-EAST", 12, null, 4599, "USD", At, null), Mapped(SupplierMapping.Example, Csv));
    }

    [Fact]
    public void Euro_prices_from_the_simulator_are_converted()
    {
        var record = Mapped(SupplierMapping.Example, Csv.Replace("\"USD\"", "\"EUR\"", StringComparison.Ordinal));
        Assert.Equal((4986L, "USD"), (record.PriceMinor, record.Currency));
    }

    [Theory]
    [InlineData("qtyAvail", "qtyAvailable")]
    [InlineData("partNo", "partNumber")]
    [InlineData("whse", "warehouse")]
    [InlineData("uom", "unit")]
    [InlineData("unitPrice", "price")]
    [InlineData("lastUpdated", "updatedAt")]
    public void A_renamed_column_is_schema_drift_reported_as_a_missing_field(string field, string renamed)
    {
        foreach (var record in new[] { Json, Csv })
        {
            var drifted = record.Replace($"\"{field}\"", $"\"{renamed}\"", StringComparison.Ordinal);
            AssertRejected(SupplierMapping.Example, drifted, RejectionCodes.MissingField, field);
        }
    }

    [Theory]
    [InlineData("qtyAvail")]
    [InlineData("partNo")]
    [InlineData("unitPrice")]
    [InlineData("currency")]
    public void An_empty_csv_cell_is_a_missing_field(string field)
    {
        AssertRejected(SupplierMapping.Example, Blank(Csv, field), RejectionCodes.MissingField, field);
    }

    [Theory]
    [InlineData("qtyAvail", "\"-1\"", RejectionCodes.InvalidQuantity)]
    [InlineData("qtyAvail", "\"250001\"", RejectionCodes.InvalidQuantity)]
    [InlineData("qtyAvail", "\"0.1\"", RejectionCodes.FractionalQuantity)]
    [InlineData("qtyAvail", "\"n/a\"", RejectionCodes.WrongType)]
    [InlineData("uom", "\"BX12\"", RejectionCodes.UnknownUnit)]
    [InlineData("unitPrice", "\"-4599\"", RejectionCodes.InvalidPrice)]
    [InlineData("unitPrice", "\"100000000001\"", RejectionCodes.InvalidPrice)]
    [InlineData("unitPrice", "\"45.99 USD\"", RejectionCodes.WrongType)]
    [InlineData("currency", "\"ZWL\"", RejectionCodes.UnknownCurrency)]
    [InlineData("lastUpdated", "\"2026-11-25T10:00:00Z\"", RejectionCodes.FutureTimestamp)]
    [InlineData("lastUpdated", "\"11/23/2026\"", RejectionCodes.InvalidTimestamp)]
    public void Out_of_range_and_malformed_cells_are_rejected_with_their_field(string field, string value, string code)
    {
        AssertRejected(SupplierMapping.Example, With(Csv, field, value), code, field);
    }

    [Fact]
    public void Rejections_say_what_was_wrong_for_people()
    {
        var rejection = Rejected(SupplierMapping.Example, With(Csv, "qtyAvail", "\"0.1\""));
        Assert.Equal("qtyAvail is 0.1 (CS4 ×4), which is 0.4 each; only whole parts are stocked.", rejection.Message);
        Assert.Equal("The record has no qtyAvail.", Rejected(SupplierMapping.Example, Blank(Csv, "qtyAvail")).Message);
    }

    private static string Blank(string record, string field) => With(record, field, "\"\"");

    private static string With(string record, string field, string value)
    {
        var node = System.Text.Json.Nodes.JsonNode.Parse(record)!.AsObject();
        node[field] = System.Text.Json.Nodes.JsonNode.Parse(value);
        return node.ToJsonString();
    }
}
