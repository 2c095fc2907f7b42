using Axle.Api.Features.Suppliers.Mapping;

namespace Axle.UnitTests.Suppliers.Mapping;

public sealed class SupplierMappingValidationTests
{
    [Fact]
    public void The_standard_the_example_and_the_minimal_mappings_are_valid()
    {
        Assert.Empty(SupplierMapping.Standard.Validate());
        Assert.Empty(SupplierMapping.Example.Validate());
        Assert.Empty(MappingKit.Minimal.Validate());
    }

    [Fact]
    public void An_empty_mapping_names_the_part_the_quantity_and_the_warehouse()
    {
        var errors = new SupplierMapping().Validate();
        Assert.Equal(["quantityField", "skuField", "warehouse"], errors.Keys.Order(StringComparer.Ordinal));
        Assert.Contains("supplierPartNumberField", errors["skuField"][0], StringComparison.Ordinal);
        Assert.Contains("deltaField", errors["quantityField"][0], StringComparison.Ordinal);
    }

    [Fact]
    public void A_delta_alone_or_a_supplier_part_number_alone_is_enough()
    {
        var mapping = MappingKit.Minimal with { SkuField = null, SupplierPartNumberField = "partNo", QuantityField = null, DeltaField = "change" };
        Assert.Empty(mapping.Validate());
    }

    [Fact]
    public void The_same_field_cannot_be_both_part_fields_or_both_quantity_fields()
    {
        var errors = (MappingKit.Minimal with { SupplierPartNumberField = "sku", DeltaField = "qty" }).Validate();
        Assert.Contains("supplierPartNumberField", errors.Keys);
        Assert.Contains("deltaField", errors.Keys);
    }

    [Theory]
    [InlineData("stock..available")]
    [InlineData("prices[x]")]
    [InlineData("")]
    public void Malformed_paths_are_named_by_their_setting(string path)
    {
        var mapping = MappingKit.Minimal with
        {
            QuantityField = path,
            EventIdField = path,
            Warehouse = new WarehouseMapping { Field = path },
            Price = new PriceMapping { Field = path, Units = PriceUnits.Major, CurrencyField = path },
            Timestamp = new TimestampMapping { Field = path },
            Unit = new UnitMapping { Field = path, Factors = new Dictionary<string, int> { ["EA"] = 1 } },
        };
        var errors = mapping.Validate();
        foreach (var key in new[] { "quantityField", "eventIdField", "warehouse.field", "price.field", "price.currencyField", "timestamp.field", "unit.field" })
        {
            Assert.True(errors.ContainsKey(key), $"{key} was not reported; got {string.Join(", ", errors.Keys)}");
        }
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-4)]
    [InlineData(SupplierMapping.MaxUnitFactor + 1)]
    public void Unit_factors_are_positive_whole_numbers_within_reason(int factor)
    {
        var table = MappingKit.Minimal with { Unit = new UnitMapping { Field = "uom", Factors = new Dictionary<string, int> { ["EA"] = 1, ["BAD"] = factor } } };
        Assert.Contains("'BAD'", Assert.Single(table.Validate()["unit.factors"]), StringComparison.Ordinal);
        var fixedFactor = MappingKit.Minimal with { Unit = new UnitMapping { FixedFactor = factor } };
        Assert.Contains("unit.fixedFactor", fixedFactor.Validate().Keys);
    }

    [Fact]
    public void A_unit_needs_either_a_table_or_a_fixed_factor_but_not_both()
    {
        Assert.Contains("unit", (MappingKit.Minimal with { Unit = new UnitMapping() }).Validate().Keys);
        var both = MappingKit.Minimal with { Unit = new UnitMapping { Field = "uom", Factors = new Dictionary<string, int> { ["EA"] = 1 }, FixedFactor = 2 } };
        Assert.Contains("unit", both.Validate().Keys);
        var noTable = MappingKit.Minimal with { Unit = new UnitMapping { Field = "uom" } };
        Assert.Contains("unit.factors", noTable.Validate().Keys);
        var noField = MappingKit.Minimal with { Unit = new UnitMapping { Factors = new Dictionary<string, int> { ["EA"] = 1 } } };
        Assert.Contains("unit.field", noField.Validate().Keys);
    }

    [Fact]
    public void Unit_codes_that_differ_only_in_case_are_listed_twice()
    {
        var mapping = MappingKit.Minimal with { Unit = new UnitMapping { Field = "uom", Factors = new Dictionary<string, int> { ["EA"] = 1, ["ea"] = 1 } } };
        Assert.Contains("twice", Assert.Single(mapping.Validate()["unit.factors"]), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("usd")]
    [InlineData("US")]
    [InlineData("USDX")]
    [InlineData("U$D")]
    public void A_fixed_currency_is_three_capital_letters(string currency)
    {
        var mapping = MappingKit.Minimal with { Price = new PriceMapping { Field = "price", Units = PriceUnits.Major, Currency = currency } };
        Assert.Contains("three capital letters", Assert.Single(mapping.Validate()["price.currency"]), StringComparison.Ordinal);
    }

    [Fact]
    public void A_price_names_its_field_its_units_and_exactly_one_currency_source()
    {
        var errors = (MappingKit.Minimal with { Price = new PriceMapping() }).Validate();
        Assert.Contains("price.field", errors.Keys);
        Assert.Contains("price.units", errors.Keys);
        Assert.Contains("price.currency", errors.Keys);
        var both = MappingKit.Minimal with { Price = new PriceMapping { Field = "p", Units = PriceUnits.Minor, Currency = "USD", CurrencyField = "cur" } };
        Assert.Equal(["price.currency"], both.Validate().Keys);
        var decimals = MappingKit.Minimal with { Price = new PriceMapping { Field = "p", Units = PriceUnits.Minor, Currency = "USD", Decimals = 7 } };
        Assert.Equal(["price.decimals"], decimals.Validate().Keys);
        var units = MappingKit.Minimal with { Price = new PriceMapping { Field = "p", Units = (PriceUnits)9, Currency = "USD" } };
        Assert.Equal(["price.units"], units.Validate().Keys);
    }

    [Fact]
    public void A_warehouse_needs_a_field_or_a_default_and_a_table_needs_a_field()
    {
        Assert.Contains("warehouse", (MappingKit.Minimal with { Warehouse = null }).Validate().Keys);
        Assert.Contains("warehouse", (MappingKit.Minimal with { Warehouse = new WarehouseMapping() }).Validate().Keys);
        var tableOnly = MappingKit.Minimal with { Warehouse = new WarehouseMapping { Default = "MAIN", Codes = new Dictionary<string, string> { ["E"] = "EAST" } } };
        Assert.Equal(["warehouse.codes"], tableOnly.Validate().Keys);
        var badCodes = MappingKit.Minimal with { Warehouse = new WarehouseMapping { Field = "w", Default = " MAIN", Codes = new Dictionary<string, string> { ["E"] = "", ["e"] = "EAST" } } };
        var errors = badCodes.Validate();
        Assert.Contains("warehouse.default", errors.Keys);
        Assert.Single(errors["warehouse.codes"]);
    }

    [Theory]
    [InlineData("HH:mm")]
    [InlineData("%K")]
    [InlineData("yyyy-MM")]
    [InlineData("iso")]
    [InlineData("")]
    public void Formats_that_cannot_read_back_a_full_date_are_refused(string format)
    {
        var mapping = MappingKit.Minimal with { Timestamp = new TimestampMapping { Field = "at", Formats = ["iso8601", format] } };
        Assert.Equal(["timestamp.formats[1]"], mapping.Validate().Keys);
    }

    [Theory]
    [InlineData("yyyyMMddHHmmss")]
    [InlineData("MM/dd/yyyy HH:mm")]
    [InlineData("dd.MM.yyyy")]
    [InlineData("yyyy-MM-dd HH:mm:ss zzz")]
    [InlineData("o")]
    [InlineData("unix_seconds")]
    [InlineData("unix_milliseconds")]
    public void Tokens_and_dotnet_formats_with_a_full_date_are_accepted(string format)
    {
        var mapping = MappingKit.Minimal with { Timestamp = new TimestampMapping { Field = "at", Formats = [format] } };
        Assert.Empty(mapping.Validate());
    }

    [Fact]
    public void A_timestamp_needs_a_field_some_formats_and_a_known_time_zone()
    {
        var errors = (MappingKit.Minimal with { Timestamp = new TimestampMapping { Formats = [], TimeZone = "Mars/Olympus_Mons" } }).Validate();
        Assert.Equal(["timestamp.field", "timestamp.formats", "timestamp.timeZone"], errors.Keys.Order(StringComparer.Ordinal));
        Assert.Empty((MappingKit.Minimal with { Timestamp = new TimestampMapping { Field = "at", TimeZone = "America/Chicago" } }).Validate());
    }

    [Fact]
    public void Create_refuses_an_invalid_mapping_a_bad_store_currency_and_bad_rates()
    {
        var none = new Dictionary<string, decimal>();
        Assert.Throws<ArgumentException>(() => SupplierMapper.Create(new SupplierMapping(), "USD", none));
        Assert.Throws<ArgumentException>(() => SupplierMapper.Create(MappingKit.Minimal, "usd", none));
        Assert.Throws<ArgumentException>(() => SupplierMapper.Create(MappingKit.Minimal, "USD", new Dictionary<string, decimal> { ["EUR"] = 0m }));
        Assert.Throws<ArgumentException>(() => SupplierMapper.Create(MappingKit.Minimal, "USD", new Dictionary<string, decimal> { ["euro"] = 1.1m }));
    }
}
