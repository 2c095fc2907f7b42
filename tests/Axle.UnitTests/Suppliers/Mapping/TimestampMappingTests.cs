using Axle.Api.Features.Suppliers.Mapping;
using static Axle.UnitTests.Suppliers.Mapping.MappingKit;

namespace Axle.UnitTests.Suppliers.Mapping;

public sealed class TimestampMappingTests
{
    private static SupplierMapping Timed(string? timeZone, params string[] formats) =>
        Minimal with { Timestamp = new TimestampMapping { Field = "at", Formats = formats, TimeZone = timeZone } };

    private static DateTime Read(SupplierMapping mapping, string value) =>
        Mapped(mapping, $$"""{"sku": "A", "qty": 1, "at": {{value}}}""").OccurredAt;

    private static DateTime Utc(int year, int month, int day, int hour, int minute, int second = 0) =>
        new(year, month, day, hour, minute, second, DateTimeKind.Utc);

    [Theory]
    [InlineData("\"2026-11-23T10:00:00Z\"", 10, 0, 0)]
    [InlineData("\"2026-11-23T10:00:00.250Z\"", 10, 0, 0)]
    [InlineData("\"2026-11-23T12:30:00+02:00\"", 10, 30, 0)]
    [InlineData("\"2026-11-23T05:00:00-05:00\"", 10, 0, 0)]
    [InlineData("\"2026-11-23T10:15Z\"", 10, 15, 0)]
    [InlineData("\"2026-11-23T10:00:07\"", 10, 0, 7)]
    [InlineData("\"2026-11-23\"", 0, 0, 0)]
    public void Iso_8601_times_with_and_without_offsets_become_utc(string value, int hour, int minute, int second)
    {
        var read = Read(Timed(null, "iso8601"), value);
        Assert.Equal(DateTimeKind.Utc, read.Kind);
        Assert.Equal(Utc(2026, 11, 23, hour, minute, second), read.AddTicks(-(read.Ticks % TimeSpan.TicksPerSecond)));
    }

    [Fact]
    public void Fractions_of_a_second_are_kept()
    {
        Assert.Equal(250, Read(Timed(null, "iso8601"), "\"2026-11-23T10:00:00.250Z\"").Millisecond);
    }

    [Theory]
    [InlineData("1795428000")]
    [InlineData("\"1795428000\"")]
    [InlineData("1795428000.0")]
    public void Unix_seconds_read_from_numbers_and_strings(string value)
    {
        Assert.Equal(Utc(2026, 11, 23, 10, 0), Read(Timed(null, "unix_seconds"), value));
    }

    [Theory]
    [InlineData("1795428000000")]
    [InlineData("\"1795428000000\"")]
    public void Unix_milliseconds_read_from_numbers_and_strings(string value)
    {
        Assert.Equal(Utc(2026, 11, 23, 10, 0), Read(Timed(null, "unix_milliseconds"), value));
    }

    [Theory]
    [InlineData("yyyyMMddHHmmss", "\"20261123100000\"")]
    [InlineData("yyyyMMddHHmmss", "20261123100000")]
    [InlineData("MM/dd/yyyy HH:mm", "\"11/23/2026 10:00\"")]
    [InlineData("dd.MM.yyyy HH:mm:ss", "\"23.11.2026 10:00:00\"")]
    [InlineData("yyyy-MM-dd HH:mm:ss zzz", "\"2026-11-23 11:00:00 +01:00\"")]
    public void Custom_dotnet_formats_read_times(string format, string value)
    {
        Assert.Equal(Utc(2026, 11, 23, 10, 0), Read(Timed(null, format), value));
    }

    [Fact]
    public void A_time_without_an_offset_is_in_the_suppliers_time_zone()
    {
        var chicago = Timed("America/Chicago", "MM/dd/yyyy HH:mm", "iso8601");
        Assert.Equal(Utc(2026, 11, 23, 16, 0), Read(chicago, "\"11/23/2026 10:00\""));   // CST, UTC−6
        Assert.Equal(Utc(2026, 7, 1, 15, 0), Read(chicago, "\"07/01/2026 10:00\""));     // CDT, UTC−5
        Assert.Equal(Utc(2026, 11, 23, 10, 0), Read(chicago, "\"2026-11-23T10:00:00Z\"")); // an offset wins
    }

    [Fact]
    public void A_local_time_skipped_by_daylight_saving_is_invalid()
    {
        var chicago = Timed("America/Chicago", "MM/dd/yyyy HH:mm");
        var rejection = Rejected(chicago, """{"sku": "A", "qty": 1, "at": "03/08/2026 02:30"}""");
        Assert.Equal((RejectionCodes.InvalidTimestamp, "at"), (rejection.Code, rejection.Field));
    }

    [Fact]
    public void Formats_are_tried_in_order_until_one_reads_the_time()
    {
        var many = Timed(null, "iso8601", "yyyyMMddHHmmss", "unix_seconds");
        Assert.Equal(Utc(2026, 11, 23, 10, 0), Read(many, "\"2026-11-23T10:00:00Z\""));
        Assert.Equal(Utc(2026, 11, 23, 10, 0), Read(many, "\"20261123100000\""));
        Assert.Equal(Utc(2026, 11, 23, 10, 0), Read(many, "1795428000"));
    }

    [Theory]
    [InlineData("\"23/11/2026\"")]
    [InlineData("\"2026-13-01T00:00:00Z\"")]
    [InlineData("\"yesterday\"")]
    [InlineData("1795428000")]
    [InlineData("\"2026-11-23 10:00:00\"")]
    public void Times_no_format_reads_are_invalid(string value)
    {
        var rejection = Rejected(Timed(null, "iso8601"), $$"""{"sku": "A", "qty": 1, "at": {{value}}}""");
        Assert.Equal((RejectionCodes.InvalidTimestamp, "at"), (rejection.Code, rejection.Field));
        Assert.Contains("iso8601", rejection.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("-1")]
    [InlineData("253402300800")]
    [InlineData("\"1e9\"")]
    public void Unix_times_out_of_range_are_invalid(string value)
    {
        Assert.Equal(RejectionCodes.InvalidTimestamp, Rejected(Timed(null, "unix_seconds"), $$"""{"sku": "A", "qty": 1, "at": {{value}}}""").Code);
    }

    [Fact]
    public void A_missing_or_malformed_time_is_refused_when_a_time_is_mapped()
    {
        AssertRejected(Timed(null, "iso8601"), """{"sku": "A", "qty": 1}""", RejectionCodes.MissingField, "at");
        AssertRejected(Timed(null, "iso8601"), """{"sku": "A", "qty": 1, "at": ""}""", RejectionCodes.MissingField, "at");
        AssertRejected(Timed(null, "iso8601"), """{"sku": "A", "qty": 1, "at": {"iso": "x"}}""", RejectionCodes.WrongType, "at");
    }

    [Fact]
    public void Times_up_to_a_day_ahead_are_accepted_and_later_ones_refused()
    {
        var iso = Timed(null, "iso8601");
        Assert.Equal(Now.AddDays(1), Read(iso, $"\"{Now.AddDays(1):yyyy-MM-ddTHH:mm:ssZ}\""));
        var rejection = Rejected(iso, $$"""{"sku": "A", "qty": 1, "at": "{{Now.AddDays(1).AddSeconds(1):yyyy-MM-ddTHH:mm:ssZ}}"}""");
        Assert.Equal((RejectionCodes.FutureTimestamp, "at"), (rejection.Code, rejection.Field));
        Assert.Equal(Utc(2001, 1, 1, 0, 0), Read(iso, "\"2001-01-01T00:00:00Z\""));
    }

    [Fact]
    public void Now_is_the_callers_not_the_machines()
    {
        var iso = Timed(null, "iso8601");
        var result = Map(iso, """{"sku": "A", "qty": 1, "at": "2030-01-01T00:00:00Z"}""", now: new DateTime(2029, 12, 31, 12, 0, 0, DateTimeKind.Utc));
        Assert.True(result.IsValid);
    }
}
