using System.Text;
using Axle.Api.Features.Catalog.Imports;

namespace Axle.UnitTests.Catalog;

public sealed class ImportParsingTests
{
    [Theory]
    [InlineData("12.34", 1234L)]
    [InlineData("0", 0L)]
    [InlineData("7.5", 750L)]
    [InlineData("19.990", 1999L)]
    public void Money_is_read_as_minor_units(string text, long expected) => Assert.Equal(expected, RawPart.Money(text));

    [Theory]
    [InlineData("-5")]
    [InlineData("1.234")]
    [InlineData("12,34")]
    [InlineData("abc")]
    [InlineData("1e3")]
    public void Money_refuses_negative_fractional_cents_and_non_numbers(string text) => Assert.Null(RawPart.Money(text));

    [Theory]
    [InlineData("Bosch", "0 242 236 562", "BOSC-0242236562")]
    [InlineData("K&N", "33-2304", "KN-332304")]
    public void A_part_without_a_sku_gets_the_brand_prefix_and_its_number(string brand, string number, string sku) =>
        Assert.Equal(sku, PartUpserter.DerivedSku(brand, number));

    [Theory]
    [InlineData("csv", null, ImportFormat.Csv)]
    [InlineData("PIES", "application/xml", ImportFormat.Pies)]
    [InlineData(null, "text/csv; charset=utf-8", ImportFormat.Csv)]
    [InlineData(null, "application/x-ndjson", ImportFormat.Jsonl)]
    public void The_format_comes_from_the_query_or_the_content_type(string? format, string? contentType, ImportFormat expected) =>
        Assert.Equal(expected, StartImport.Resolve(format, contentType));

    [Theory]
    [InlineData("xlsx", "text/csv")]
    [InlineData(null, "application/xml")]
    [InlineData(null, null)]
    public void Unknown_or_ambiguous_formats_resolve_to_nothing(string? format, string? contentType) =>
        Assert.Null(StartImport.Resolve(format, contentType));

    [Fact]
    public void Csv_rows_keep_their_file_line_numbers_even_after_a_quoted_line_break()
    {
        const string csv = "sku,partNumber,brand,category,name,description,price\n" +
            "A-1,A1,Bosch,Brake Pads,Pads,\"two\nlines\",1.00\n" +
            "A-2,A2,Bosch,Brake Pads,Pads,,oops\n";

        var rows = CsvPartReader.Read(new MemoryStream(Encoding.UTF8.GetBytes(csv))).ToList();

        Assert.Equal(2, rows.Count);
        Assert.NotNull(rows[0].Value);
        Assert.Equal("two\nlines", rows[0].Value!.Description);
        var error = Assert.Single(rows[1].Errors);
        Assert.Equal(4, error.Line);
        Assert.Equal("price", error.Field);
    }

    [Fact]
    public void Aces_apps_accept_base_vehicle_year_range_and_single_year_forms()
    {
        const string xml = """
            <ACES><Header><BrandOwner>Wagner</BrandOwner></Header>
            <App action="A" id="1"><BaseVehicle id="5001"/><Position id="22"/><Part>P-1</Part></App>
            <App action="D" id="2"><Years from="2010" to="2012"/><Make>Ford</Make><Model>F-150</Model><Qty>2</Qty><Part>P-2</Part></App>
            <App action="A" id="3"><Year>2015</Year><Make>Ford</Make><Model>Focus</Model><Part>P-3</Part></App>
            <App action="A" id="4"><Make>Ford</Make><Part>P-4</Part></App>
            </ACES>
            """;

        var rows = AcesReader.Read(new MemoryStream(Encoding.UTF8.GetBytes(xml))).ToList();

        Assert.Equal(new AcesApp(false, 5001, null, null, null, null, null, null, null, 1, "22", "P-1", "Wagner"), rows[0].Value);
        Assert.Equal((true, 2010, 2012, 2), (rows[1].Value!.Delete, rows[1].Value!.YearFrom, rows[1].Value!.YearTo, rows[1].Value!.Quantity));
        Assert.Equal((2015, 2015, "Focus"), (rows[2].Value!.YearFrom, rows[2].Value!.YearTo, rows[2].Value!.Model));
        Assert.Null(rows[3].Value);
        Assert.Equal(5, rows[3].Line);
        Assert.Contains(rows[3].Errors, e => e.Field == "years");
        Assert.Contains(rows[3].Errors, e => e.Field == "model");
    }
}
