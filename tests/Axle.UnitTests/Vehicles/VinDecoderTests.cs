using Axle.Api.Features.Vehicles;

namespace Axle.UnitTests.Vehicles;

public sealed class VinDecoderTests
{
    [Theory]
    [InlineData("1M8GDM9AXKP042788", 'X', 1989)]
    [InlineData("1HGCM82633A004352", '3', 2003)]
    [InlineData("1G4AH59H45G118341", '4', 2005)]
    [InlineData("1J9RP1A36A1644345", '6', 2010)]
    public void Worked_examples_from_the_regulation_validate_and_decode(string vin, char check, int year)
    {
        var result = VinDecoder.Decode(vin);
        Assert.True(result.IsValid, string.Join("; ", result.Errors.Select(e => e.Message)));
        Assert.Equal(check, VinDecoder.ComputeCheckDigit(vin));
        Assert.Equal(year, result.Vehicle!.ModelYear);
    }

    [Fact]
    public void Honda_accord_vin_decodes_manufacturer_region_and_parts()
    {
        var vehicle = VinDecoder.Decode(" 1hgcm82633a004352 ").Vehicle!;
        Assert.Equal("1HGCM82633A004352", vehicle.Vin);
        Assert.Equal("1HG", vehicle.Wmi);
        Assert.Equal("Honda", vehicle.Make);
        Assert.Equal("North America", vehicle.Region);
        Assert.Equal("United States", vehicle.Country);
        Assert.Equal("CM826", vehicle.VehicleDescriptor);
        Assert.Equal('A', vehicle.PlantCode);
        Assert.Equal("004352", vehicle.SerialNumber);
    }

    [Fact]
    public void A_letter_in_position_7_selects_the_2010_cycle()
    {
        // Same year code 'J': 1988 with a digit in position 7, 2018 with a letter.
        var vin = WithCheckDigit("4T1B11HK_JU123456");
        Assert.Equal(2018, VinDecoder.Decode(vin).Vehicle!.ModelYear);
        Assert.Equal("Toyota", VinDecoder.Decode(vin).Vehicle!.Make);
        var older = WithCheckDigit("4T1B1111_JU123456");
        Assert.Equal(1988, VinDecoder.Decode(older).Vehicle!.ModelYear);
    }

    [Fact]
    public void Wrong_check_digit_is_named()
    {
        var result = VinDecoder.Decode("1HGCM82643A004352");
        Assert.False(result.IsValid);
        var error = Assert.Single(result.Errors);
        Assert.Equal("invalid_check_digit", error.Code);
        Assert.Contains("'3'", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("1HGCM82633AOO4352", "invalid_characters")]
    [InlineData("1HGCM82633A00435", "invalid_length")]
    [InlineData("", "invalid_length")]
    [InlineData("1HGCM82633A0043521", "invalid_length")]
    [InlineData("1HGCM8263IA004352", "invalid_characters")]
    public void Malformed_vins_are_refused_with_the_reason(string vin, string code)
    {
        var result = VinDecoder.Decode(vin);
        Assert.False(result.IsValid);
        Assert.Contains(result.Errors, e => e.Code == code);
        Assert.Null(result.Vehicle);
    }

    [Fact]
    public void A_never_used_year_code_is_refused()
    {
        var vin = WithCheckDigit("1HGCM826_UA004352");
        var result = VinDecoder.Decode(vin);
        Assert.Contains(result.Errors, e => e.Code == "invalid_model_year");
    }

    [Fact]
    public void Letter_o_is_never_read_as_zero()
    {
        var result = VinDecoder.Decode("1HGCM82633AOO4352");
        Assert.Contains("'O' at position 12", result.Errors.Single().Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_valid_checksum_does_not_make_a_known_manufacturer()
    {
        var result = VinDecoder.Decode("11111111111111111");
        Assert.True(result.IsValid);
        Assert.Null(result.Vehicle!.Make);
        Assert.Equal("North America", result.Vehicle.Region);
    }

    [Fact]
    public void The_wmi_table_covers_at_least_100_manufacturers() => Assert.True(WmiTable.Count >= 100);

    private static string WithCheckDigit(string template)
    {
        var probe = template.Replace('_', '0');
        return template.Replace('_', VinDecoder.ComputeCheckDigit(probe));
    }
}
