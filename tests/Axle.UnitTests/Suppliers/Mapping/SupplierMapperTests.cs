using System.Text.Json;
using Axle.Api.Features.Suppliers;
using Axle.Api.Features.Suppliers.Mapping;
using static Axle.UnitTests.Suppliers.Mapping.MappingKit;

namespace Axle.UnitTests.Suppliers.Mapping;

public sealed class SupplierMapperTests
{
    private static readonly SupplierMapping Units = Minimal with
    {
        Unit = new UnitMapping { Field = "uom", Factors = new Dictionary<string, int> { ["EA"] = 1, ["PR"] = 2, ["CS4"] = 4 } },
    };

    private static readonly SupplierMapping Either = Minimal with { SupplierPartNumberField = "partNo", DeltaField = "delta" };

    private static SupplierMapping Priced(PriceUnits units, int decimals = 2, string? currency = null) => Minimal with
    {
        Price = new PriceMapping { Field = "price", Units = units, Decimals = decimals, Currency = currency, CurrencyField = currency is null ? "currency" : null },
    };

    [Fact]
    public void A_minimal_record_maps_with_the_default_warehouse_and_the_mapping_time()
    {
        var record = Mapped(Minimal, """{"sku": "BRK-001", "qty": 5}""");
        Assert.Equal(new SupplierStockRecord("BRK-001", null, "MAIN", 5, null, null, null, Now, null), record);
        Assert.Equal(DateTimeKind.Utc, record.OccurredAt.Kind);
    }

    [Fact]
    public void A_record_that_is_not_an_object_is_the_wrong_type()
    {
        foreach (var json in new[] { "[1]", "\"sku\"", "12", "null" })
        {
            AssertRejected(Minimal, json, RejectionCodes.WrongType, null);
        }

        var mapper = SupplierMapper.Create(Minimal, "USD", Rates);
        Assert.Equal(RejectionCodes.WrongType, mapper.Map(new RawRecord(default, 0), Now).Rejection!.Code);
    }

    [Theory]
    [InlineData("""{"qty": 5}""", "sku")]
    [InlineData("""{"sku": null, "qty": 5}""", "sku")]
    [InlineData("""{"sku": "  ", "qty": 5}""", "sku")]
    [InlineData("""{"sku": "A"}""", "qty")]
    [InlineData("""{"sku": "A", "qty": ""}""", "qty")]
    public void Absent_null_and_blank_required_fields_are_missing(string json, string field)
    {
        AssertRejected(Minimal, json, RejectionCodes.MissingField, field);
    }

    [Theory]
    [InlineData("""{"sku": {"id": 1}, "qty": 5}""", "sku")]
    [InlineData("""{"sku": true, "qty": 5}""", "sku")]
    [InlineData("""{"sku": "A", "qty": "twelve"}""", "qty")]
    [InlineData("""{"sku": "A", "qty": "1,000"}""", "qty")]
    [InlineData("""{"sku": "A", "qty": [5]}""", "qty")]
    [InlineData("""{"sku": "A", "qty": false}""", "qty")]
    public void Values_of_the_wrong_kind_are_the_wrong_type(string json, string field)
    {
        AssertRejected(Minimal, json, RejectionCodes.WrongType, field);
    }

    [Fact]
    public void A_path_through_a_scalar_is_the_wrong_type_and_says_why()
    {
        var nested = Minimal with { QuantityField = "stock.available" };
        var rejection = Rejected(nested, """{"sku": "A", "stock": 12}""");
        Assert.Equal(RejectionCodes.WrongType, rejection.Code);
        Assert.Contains("cannot be reached", rejection.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Identifiers_are_trimmed_numbers_are_accepted_and_overlong_ones_refused()
    {
        Assert.Equal("A-1", Mapped(Minimal, """{"sku": "  A-1 ", "qty": 1}""").Sku);
        Assert.Equal("123456", Mapped(Minimal, """{"sku": 123456, "qty": 1}""").Sku);
        Assert.Equal("Ä-1", Mapped(Minimal, """{"sku": "\u00c4-1", "qty": 1}""").Sku);
        AssertRejected(Minimal, $$"""{"sku": "{{new string('X', 65)}}", "qty": 1}""", RejectionCodes.InvalidIdentifier, "sku");
        AssertRejected(Minimal, """{"sku": "A\u0001B", "qty": 1}""", RejectionCodes.InvalidIdentifier, "sku");
    }

    [Theory]
    [InlineData("""{"sku": "A", "qty": 0}""", 0)]
    [InlineData("""{"sku": "A", "qty": 1000000}""", 1_000_000)]
    [InlineData("""{"sku": "A", "qty": 12.0}""", 12)]
    [InlineData("""{"sku": "A", "qty": 1.2e1}""", 12)]
    [InlineData("""{"sku": "A", "qty": " 12 "}""", 12)]
    public void Absolute_quantities_from_0_to_a_million_map(string json, int expected)
    {
        Assert.Equal(expected, Mapped(Minimal, json).Quantity);
    }

    [Theory]
    [InlineData("""{"sku": "A", "qty": -1}""")]
    [InlineData("""{"sku": "A", "qty": 1000001}""")]
    [InlineData("""{"sku": "A", "qty": "-3"}""")]
    [InlineData("""{"sku": "A", "qty": 1e300}""")]
    [InlineData("""{"sku": "A", "qty": "1e300"}""")]
    [InlineData("""{"sku": "A", "qty": 99999999999999999999999999999}""")]
    public void Absolute_quantities_out_of_range_are_invalid(string json)
    {
        AssertRejected(Minimal, json, RejectionCodes.InvalidQuantity, "qty");
    }

    [Theory]
    [InlineData(-1_000_000, true)]
    [InlineData(-3, true)]
    [InlineData(0, true)]
    [InlineData(1_000_000, true)]
    [InlineData(-1_000_001, false)]
    [InlineData(1_000_001, false)]
    public void Deltas_run_from_minus_a_million_to_a_million(int delta, bool valid)
    {
        var mapping = Minimal with { QuantityField = null, DeltaField = "delta" };
        var result = Map(mapping, $$"""{"sku": "A", "delta": {{delta}}}""");
        Assert.Equal(valid, result.IsValid);
        if (valid)
        {
            Assert.Equal(delta, result.Record!.Delta);
            Assert.Null(result.Record.Quantity);
        }
        else
        {
            Assert.Equal(RejectionCodes.InvalidQuantity, result.Rejection!.Code);
        }
    }

    [Theory]
    [InlineData("EA", "12", 12)]
    [InlineData("ea", "12", 12)]
    [InlineData(" PR ", "3", 6)]
    [InlineData("CS4", "3", 12)]
    [InlineData("CS4", "0.5", 2)]
    [InlineData("CS4", "250000", 1_000_000)]
    public void Quantities_in_units_of_measure_become_each(string uom, string qty, int each)
    {
        Assert.Equal(each, Mapped(Units, $$"""{"sku": "A", "qty": {{qty}}, "uom": "{{uom}}"}""").Quantity);
    }

    [Fact]
    public void Unknown_and_missing_units_are_refused()
    {
        var unknown = Rejected(Units, """{"sku": "A", "qty": 1, "uom": "BX"}""");
        Assert.Equal((RejectionCodes.UnknownUnit, "uom"), (unknown.Code, unknown.Field));
        Assert.Contains("CS4, EA, PR", unknown.Message, StringComparison.Ordinal);
        AssertRejected(Units, """{"sku": "A", "qty": 1}""", RejectionCodes.MissingField, "uom");
        AssertRejected(Units, """{"sku": "A", "qty": 1, "uom": ["EA"]}""", RejectionCodes.WrongType, "uom");
    }

    [Theory]
    [InlineData("EA", "1.5")]
    [InlineData("CS4", "0.3")]
    [InlineData("PR", "0.25")]
    public void Quantities_that_are_fractional_in_each_are_refused(string uom, string qty)
    {
        AssertRejected(Units, $$"""{"sku": "A", "qty": {{qty}}, "uom": "{{uom}}"}""", RejectionCodes.FractionalQuantity, "qty");
    }

    [Fact]
    public void A_quantity_within_range_in_cases_can_be_out_of_range_in_each()
    {
        var rejection = Rejected(Units, """{"sku": "A", "qty": 250001, "uom": "CS4"}""");
        Assert.Equal(RejectionCodes.InvalidQuantity, rejection.Code);
        Assert.Contains("CS4 ×4", rejection.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_fixed_factor_scales_every_record_and_deltas_too()
    {
        var dozen = Minimal with { QuantityField = null, DeltaField = "delta", Unit = new UnitMapping { FixedFactor = 12 } };
        Assert.Equal(-24, Mapped(dozen, """{"sku": "A", "delta": -2}""").Delta);
    }

    [Fact]
    public void With_both_part_fields_exactly_one_must_be_present()
    {
        Assert.Equal("A", Mapped(Either, """{"sku": "A", "qty": 1}""").Sku);
        var bySupplier = Mapped(Either, """{"partNo": "SP-1", "qty": 1}""");
        Assert.Equal(("SP-1", null), (bySupplier.SupplierPartNumber, bySupplier.Sku));
        AssertRejected(Either, """{"sku": "A", "partNo": "SP-1", "qty": 1}""", RejectionCodes.BothPartNumbers, "sku or partNo");
        AssertRejected(Either, """{"qty": 1}""", RejectionCodes.NoPartNumber, "sku or partNo");
    }

    [Fact]
    public void With_both_quantity_fields_exactly_one_must_be_present()
    {
        Assert.Equal(3, Mapped(Either, """{"sku": "A", "qty": 3}""").Quantity);
        Assert.Equal(-3, Mapped(Either, """{"sku": "A", "delta": -3}""").Delta);
        AssertRejected(Either, """{"sku": "A", "qty": 3, "delta": 1}""", RejectionCodes.BothQuantityAndDelta, "qty or delta");
        AssertRejected(Either, """{"sku": "A"}""", RejectionCodes.NoQuantity, "qty or delta");
    }

    [Fact]
    public void Warehouse_codes_come_from_the_field_else_the_default_and_translate_through_the_table()
    {
        var fielded = Minimal with { Warehouse = new WarehouseMapping { Field = "whse", Default = "MAIN" } };
        Assert.Equal("DC-1", Mapped(fielded, """{"sku": "A", "qty": 1, "whse": "DC-1"}""").WarehouseCode);
        Assert.Equal("MAIN", Mapped(fielded, """{"sku": "A", "qty": 1}""").WarehouseCode);
        Assert.Equal("MAIN", Mapped(fielded, """{"sku": "A", "qty": 1, "whse": ""}""").WarehouseCode);

        var required = Minimal with { Warehouse = new WarehouseMapping { Field = "whse" } };
        AssertRejected(required, """{"sku": "A", "qty": 1}""", RejectionCodes.MissingField, "whse");
        AssertRejected(required, """{"sku": "A", "qty": 1, "whse": {}}""", RejectionCodes.WrongType, "whse");

        var table = Minimal with
        {
            Warehouse = new WarehouseMapping { Field = "whse", Codes = new Dictionary<string, string> { ["DC-EAST"] = "EAST", ["DC-WEST"] = "WEST" } },
        };
        Assert.Equal("EAST", Mapped(table, """{"sku": "A", "qty": 1, "whse": "dc-east"}""").WarehouseCode);
        AssertRejected(table, """{"sku": "A", "qty": 1, "whse": "DC-NORTH"}""", RejectionCodes.UnknownWarehouse, "whse");
    }

    [Theory]
    [InlineData(PriceUnits.Minor, 2, "4599", 4599)]
    [InlineData(PriceUnits.Minor, 2, "\"4599\"", 4599)]
    [InlineData(PriceUnits.Minor, 3, "45990", 4599)]
    [InlineData(PriceUnits.Minor, 0, "46", 4600)]
    [InlineData(PriceUnits.Major, 2, "45.99", 4599)]
    [InlineData(PriceUnits.Major, 2, "\"45.99\"", 4599)]
    [InlineData(PriceUnits.Major, 2, "0", 0)]
    [InlineData(PriceUnits.Major, 2, "45.995", 4600)]
    [InlineData(PriceUnits.Major, 2, "45.994", 4599)]
    public void Prices_in_minor_or_major_units_become_store_minor_units(PriceUnits units, int decimals, string price, long minor)
    {
        var record = Mapped(Priced(units, decimals), $$"""{"sku": "A", "qty": 1, "price": {{price}}, "currency": "USD"}""");
        Assert.Equal(minor, record.PriceMinor);
        Assert.Equal("USD", record.Currency);
    }

    [Theory]
    [InlineData("10.00", "EUR", 1084)]      // 1084.2
    [InlineData("10.845", "GBP", 1377)]     // 1377.315
    [InlineData("1000", "JPY", 670)]        // 670
    [InlineData("45.99", "eur", 4986)]      // 4986.2358
    public void Prices_in_other_currencies_convert_at_the_rate(string price, string currency, long minor)
    {
        var record = Mapped(Priced(PriceUnits.Major), $$"""{"sku": "A", "qty": 1, "price": {{price}}, "currency": "{{currency}}"}""");
        Assert.Equal(minor, record.PriceMinor);
        Assert.Equal("USD", record.Currency);
    }

    [Theory]
    [InlineData("0.5", 1)]
    [InlineData("1.5", 2)]
    [InlineData("2.5", 3)]
    [InlineData("4.5", 5)]
    public void Conversion_rounds_half_away_from_zero_not_to_even(string rate, long minor)
    {
        // One cent at these rates lands exactly on half a cent: banker's rounding would give 0, 2, 2 and 4.
        var rates = new Dictionary<string, decimal> { ["EUR"] = decimal.Parse(rate, System.Globalization.CultureInfo.InvariantCulture) };
        var mapper = SupplierMapper.Create(Priced(PriceUnits.Minor), "USD", rates);
        Assert.Equal(minor, Map(mapper, """{"sku": "A", "qty": 1, "price": 1, "currency": "EUR"}""").Record!.PriceMinor);
    }

    [Fact]
    public void Conversion_rounds_once_at_the_end()
    {
        // 0.0049 EUR × 1.0842 is 0.53 US cents → 1. Rounding the EUR amount to cents first would have made it 0.
        Assert.Equal(1, Mapped(Priced(PriceUnits.Major), """{"sku": "A", "qty": 1, "price": 0.0049, "currency": "EUR"}""").PriceMinor);
    }

    [Fact]
    public void A_fixed_currency_applies_to_every_price_and_without_a_rate_every_price_is_refused()
    {
        Assert.Equal(1084, Mapped(Priced(PriceUnits.Major, currency: "EUR"), """{"sku": "A", "qty": 1, "price": 10}""").PriceMinor);
        AssertRejected(Priced(PriceUnits.Major, currency: "CHF"), """{"sku": "A", "qty": 1, "price": 10}""", RejectionCodes.UnknownCurrency, "price.currency");
    }

    [Theory]
    [InlineData("\"CHF\"")]
    [InlineData("\"EURO\"")]
    [InlineData("\"\u20ac\"")]
    public void A_currency_without_a_rate_is_unknown(string currency)
    {
        AssertRejected(Priced(PriceUnits.Major), $$"""{"sku": "A", "qty": 1, "price": 10, "currency": {{currency}}}""", RejectionCodes.UnknownCurrency, "currency");
    }

    [Fact]
    public void A_price_without_its_currency_is_refused_and_a_record_without_a_price_has_none()
    {
        AssertRejected(Priced(PriceUnits.Major), """{"sku": "A", "qty": 1, "price": 10}""", RejectionCodes.MissingField, "currency");
        AssertRejected(Priced(PriceUnits.Major), """{"sku": "A", "qty": 1, "price": 10, "currency": 840}""", RejectionCodes.WrongType, "currency");
        var record = Mapped(Priced(PriceUnits.Major), """{"sku": "A", "qty": 1, "currency": "XXX"}""");
        Assert.Equal((null, null), (record.PriceMinor, record.Currency));
        var required = Minimal with { Price = new PriceMapping { Field = "price", Units = PriceUnits.Major, Currency = "USD", Required = true } };
        AssertRejected(required, """{"sku": "A", "qty": 1}""", RejectionCodes.MissingField, "price");
    }

    [Theory]
    [InlineData("-0.01")]
    [InlineData("10000000.01")]
    [InlineData("1e30")]
    [InlineData("\"1e300\"")]
    public void Negative_and_absurd_prices_are_invalid(string price)
    {
        AssertRejected(Priced(PriceUnits.Major), $$"""{"sku": "A", "qty": 1, "price": {{price}}, "currency": "USD"}""", RejectionCodes.InvalidPrice, "price");
    }

    [Fact]
    public void The_price_limit_applies_after_conversion()
    {
        Assert.Equal(SupplierMapper.MaxPriceMinor, Mapped(Priced(PriceUnits.Major), """{"sku": "A", "qty": 1, "price": 10000000, "currency": "USD"}""").PriceMinor);
        AssertRejected(Priced(PriceUnits.Major), """{"sku": "A", "qty": 1, "price": 9500000, "currency": "EUR"}""", RejectionCodes.InvalidPrice, "price");
    }

    [Fact]
    public void A_non_numeric_price_is_the_wrong_type()
    {
        AssertRejected(Priced(PriceUnits.Major), """{"sku": "A", "qty": 1, "price": "$45", "currency": "USD"}""", RejectionCodes.WrongType, "price");
    }

    [Fact]
    public void Nested_paths_read_quantities_prices_and_currencies()
    {
        var nested = Minimal with
        {
            SkuField = "part.ids[1]",
            QuantityField = "stock.available",
            Price = new PriceMapping { Field = "prices[0].amount", Units = PriceUnits.Major, CurrencyField = "prices[0].currency" },
        };
        var record = Mapped(nested, """
            {"part": {"ids": ["x", "BRK-9"]}, "stock": {"available": 4},
             "prices": [{"amount": 10, "currency": "EUR"}, {"amount": 1, "currency": "USD"}]}
            """);
        Assert.Equal(("BRK-9", 4, 1084L), (record.Sku, record.Quantity, record.PriceMinor));
        AssertRejected(nested, """{"part": {"ids": ["x"]}, "stock": {"available": 4}}""", RejectionCodes.MissingField, "part.ids[1]");
    }

    [Fact]
    public void Event_ids_are_optional_but_must_be_sane_when_present()
    {
        var mapping = Minimal with { EventIdField = "id" };
        Assert.Equal("evt_1", Mapped(mapping, """{"sku": "A", "qty": 1, "id": "evt_1"}""").EventId);
        Assert.Null(Mapped(mapping, """{"sku": "A", "qty": 1}""").EventId);
        AssertRejected(mapping, $$"""{"sku": "A", "qty": 1, "id": "{{new string('e', 129)}}"}""", RejectionCodes.InvalidIdentifier, "id");
        AssertRejected(mapping, """{"sku": "A", "qty": 1, "id": {"v": 1}}""", RejectionCodes.WrongType, "id");
    }

    [Fact]
    public void Long_and_escaped_values_read_as_well_as_short_ones()
    {
        var padded = "\"" + new string(' ', 100) + "7\"";
        Assert.Equal(7, Mapped(Minimal, $$"""{"sku": "A", "qty": {{padded}}}""").Quantity);
        Assert.Equal(12, Mapped(Units, """{"sku": "A", "qty": "\u0033", "uom": "CS\u0034"}""").Quantity);
    }

    [Fact]
    public void A_mapper_is_reusable_across_records_and_documents()
    {
        var mapper = SupplierMapper.Create(Units, "USD", Rates);
        for (var i = 0; i < 100; i++)
        {
            using var document = JsonDocument.Parse($$"""{"sku": "S{{i}}", "qty": {{i}}, "uom": "PR"}""");
            var record = mapper.Map(new RawRecord(document.RootElement, i), Now).Record!;
            Assert.Equal(($"S{i}", i * 2), (record.Sku, record.Quantity));
        }
    }
}
