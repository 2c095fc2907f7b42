using System.Text.Json;
using Axle.Api.Features.Suppliers.Mapping;
using Axle.Api.Platform.Http;

namespace Axle.UnitTests.Suppliers.Mapping;

public sealed class SupplierMappingJsonTests
{
    private static readonly JsonSerializerOptions Web = new(JsonSerializerDefaults.Web);
    private static readonly JsonSerializerOptions Api = CreateApi();

    [Fact]
    public void The_example_serialises_as_camel_case_with_units_as_words()
    {
        using var json = JsonDocument.Parse(JsonSerializer.Serialize(SupplierMapping.Example, Web));
        var root = json.RootElement;
        Assert.Equal("partNo", root.GetProperty("supplierPartNumberField").GetString());
        Assert.Equal(4, root.GetProperty("unit").GetProperty("factors").GetProperty("CS4").GetInt32());
        Assert.Equal("minor", root.GetProperty("price").GetProperty("units").GetString());
        Assert.Equal("iso8601", root.GetProperty("timestamp").GetProperty("formats")[0].GetString());
    }

    [Fact]
    public void Mappings_round_trip_through_web_defaults_and_the_api_options_alike()
    {
        var mapping = SupplierMapping.Example with
        {
            Warehouse = new WarehouseMapping { Field = "whse", Default = "MAIN", Codes = new Dictionary<string, string> { ["DC-EAST"] = "EAST" } },
            Timestamp = new TimestampMapping { Field = "at", Formats = ["yyyyMMddHHmmss", "unix_seconds"], TimeZone = "America/Chicago" },
        };
        foreach (var options in new[] { Web, Api })
        {
            foreach (var original in new[] { mapping, SupplierMapping.Standard, MappingKit.Minimal })
            {
                var json = JsonSerializer.Serialize(original, options);
                var back = JsonSerializer.Deserialize<SupplierMapping>(json, options)!;
                Assert.Equal(json, JsonSerializer.Serialize(back, options));
                Assert.Empty(back.Validate());
            }
        }

        Assert.Equal(JsonSerializer.Serialize(mapping, Web), JsonSerializer.Serialize(mapping, Api));
    }

    [Fact]
    public void A_mapping_written_by_hand_reads_with_defaults_for_what_it_leaves_out()
    {
        const string json = """
            {"supplierPartNumberField": "partNo", "quantityField": "stock.available",
             "warehouse": {"default": "MAIN"},
             "price": {"field": "prices[0].amount", "units": "major", "currency": "EUR"},
             "timestamp": {"field": "updated"}}
            """;
        var mapping = JsonSerializer.Deserialize<SupplierMapping>(json, Api)!;
        Assert.Empty(mapping.Validate());
        Assert.Equal(2, mapping.Price!.Decimals);
        Assert.Equal(PriceUnits.Major, mapping.Price.Units);
        Assert.Equal(["iso8601"], mapping.Timestamp!.Formats);
    }

    private static JsonSerializerOptions CreateApi()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web);
        HttpSetup.ConfigureJson(options);
        return options;
    }
}
