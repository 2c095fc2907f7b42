using Axle.Api.Platform.Http;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Time.Testing;

namespace Axle.UnitTests;

public sealed class CursorCodecTests
{
    private const string Purpose = "orders";
    private static readonly string Filter = Pagination.Fingerprint("createdAt desc,id desc", ("status", "paid"));
    private static readonly SeekKey<long> Position = new(new DateTime(2025, 3, 1, 12, 30, 15, DateTimeKind.Utc).AddTicks(1234560), 42);

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2025, 3, 2, 0, 0, 0, TimeSpan.Zero));
    private readonly CursorCodec _codec;

    public CursorCodecTests() => _codec = new CursorCodec(new EphemeralDataProtectionProvider(), _time);

    [Fact]
    public void A_cursor_round_trips_its_position_exactly()
    {
        var cursor = _codec.Encode(Purpose, Filter, Position);

        Assert.Equal(CursorError.None, _codec.TryDecode<SeekKey<long>>(cursor, Purpose, Filter, out var decoded));
        Assert.Equal(Position, decoded);
        Assert.Equal(DateTimeKind.Utc, decoded.At.Kind);
    }

    [Fact]
    public void A_cursor_is_url_safe_and_does_not_show_its_contents()
    {
        var cursor = _codec.Encode(Purpose, Filter, Position);

        Assert.All(cursor, c => Assert.True(char.IsAsciiLetterOrDigit(c) || c is '-' or '_', $"'{c}' is not URL-safe"));
        var raw = System.Text.Encoding.Latin1.GetString(Convert.FromBase64String(ToBase64(cursor)));
        Assert.DoesNotContain(Filter, raw, StringComparison.Ordinal);
        Assert.DoesNotContain("2025-03-01", raw, StringComparison.Ordinal);
    }

    [Fact]
    public void A_tampered_cursor_is_invalid()
    {
        var cursor = _codec.Encode(Purpose, Filter, Position).ToCharArray();
        var middle = cursor.Length / 2;
        cursor[middle] = cursor[middle] == 'A' ? 'B' : 'A';

        Assert.Equal(CursorError.Invalid, _codec.TryDecode<SeekKey<long>>(new string(cursor), Purpose, Filter, out _));
    }

    [Theory]
    [InlineData("")]
    [InlineData("garbage")]
    [InlineData("!!not base64!!")]
    [InlineData("Q2ZESjhBQUFBQUFBQUFBQUFBQUFBQUFBQUFB")]
    public void Garbage_is_invalid(string cursor) =>
        Assert.Equal(CursorError.Invalid, _codec.TryDecode<SeekKey<long>>(cursor, Purpose, Filter, out _));

    [Fact]
    public void A_cursor_of_one_list_is_invalid_on_another()
    {
        var cursor = _codec.Encode(Purpose, Filter, Position);

        Assert.Equal(CursorError.Invalid, _codec.TryDecode<SeekKey<long>>(cursor, "audit-log", Filter, out _));
    }

    [Fact]
    public void A_cursor_protected_with_other_keys_is_invalid()
    {
        var cursor = new CursorCodec(new EphemeralDataProtectionProvider(), _time).Encode(Purpose, Filter, Position);

        Assert.Equal(CursorError.Invalid, _codec.TryDecode<SeekKey<long>>(cursor, Purpose, Filter, out _));
    }

    [Fact]
    public void A_cursor_expires_after_three_days()
    {
        var cursor = _codec.Encode(Purpose, Filter, Position);

        _time.Advance(CursorCodec.Lifetime - TimeSpan.FromSeconds(1));
        Assert.Equal(CursorError.None, _codec.TryDecode<SeekKey<long>>(cursor, Purpose, Filter, out _));

        _time.Advance(TimeSpan.FromSeconds(2));
        Assert.Equal(CursorError.Expired, _codec.TryDecode<SeekKey<long>>(cursor, Purpose, Filter, out _));
    }

    [Fact]
    public void A_cursor_used_with_other_filters_or_sort_is_a_mismatch()
    {
        var cursor = _codec.Encode(Purpose, Filter, Position);

        var otherStatus = Pagination.Fingerprint("createdAt desc,id desc", ("status", "shipped"));
        var otherSort = Pagination.Fingerprint("total desc,id desc", ("status", "paid"));
        var noStatus = Pagination.Fingerprint("createdAt desc,id desc", ("status", null));
        Assert.Equal(CursorError.Mismatch, _codec.TryDecode<SeekKey<long>>(cursor, Purpose, otherStatus, out _));
        Assert.Equal(CursorError.Mismatch, _codec.TryDecode<SeekKey<long>>(cursor, Purpose, otherSort, out _));
        Assert.Equal(CursorError.Mismatch, _codec.TryDecode<SeekKey<long>>(cursor, Purpose, noStatus, out _));
    }

    [Fact]
    public void Fingerprints_tell_null_from_empty_and_keep_values_apart()
    {
        Assert.NotEqual(Pagination.Fingerprint("s", ("a", null)), Pagination.Fingerprint("s", ("a", "")));
        Assert.NotEqual(Pagination.Fingerprint("s", ("a", "x\nb=y")), Pagination.Fingerprint("s", ("a", "x"), ("b", "y")));
        Assert.Equal(Pagination.Fingerprint("s", ("a", "1")), Pagination.Fingerprint("s", ("a", "1")));
    }

    [Fact]
    public void Opening_a_page_reports_each_cursor_problem_with_its_own_code()
    {
        var cursor = _codec.Encode(Purpose, Filter, Position);
        var otherFilter = Pagination.Fingerprint("createdAt desc,id desc");

        Assert.True(_codec.TryOpen<SeekKey<long>>(Purpose, Filter, "10", cursor, out var page, out _));
        Assert.Equal(10, page.Limit);
        Assert.Equal(Position, page.After);
        Assert.Equal("invalid_cursor", Code(_codec, "nope", Filter));
        Assert.Equal("cursor_mismatch", Code(_codec, cursor, otherFilter));
        _time.Advance(TimeSpan.FromDays(4));
        Assert.Equal("cursor_expired", Code(_codec, cursor, Filter));

        Assert.False(_codec.TryOpen<SeekKey<long>>(Purpose, Filter, "-1", null, out _, out var limitProblem));
        Assert.Equal(400, limitProblem.StatusCode);
        Assert.Equal("validation_failed", limitProblem.ProblemDetails.Extensions["code"]);
        Assert.Contains("limit", ((HttpValidationProblemDetails)limitProblem.ProblemDetails).Errors.Keys);
    }

    [Fact]
    public void The_first_page_has_no_position()
    {
        Assert.True(_codec.TryOpen<SeekKey<long>>(Purpose, Filter, null, null, out var page, out _));
        Assert.Null(page.After);
        Assert.Equal(Pagination.DefaultLimit, page.Limit);
    }

    [Theory]
    [InlineData(null, 25)]
    [InlineData("", 25)]
    [InlineData("0", 25)]
    [InlineData("1", 1)]
    [InlineData("100", 100)]
    [InlineData("101", 100)]
    [InlineData("100000", 100)]
    [InlineData("99999999999999999999", 100)]
    public void Limit_defaults_to_25_and_is_capped_at_100(string? raw, int expected)
    {
        Assert.True(Pagination.TryParseLimit(raw, out var limit));
        Assert.Equal(expected, limit);
    }

    [Theory]
    [InlineData("-1")]
    [InlineData("ten")]
    [InlineData("1.5")]
    [InlineData(" 5")]
    [InlineData("+5")]
    public void Limit_that_is_negative_or_not_a_number_is_refused(string raw) =>
        Assert.False(Pagination.TryParseLimit(raw, out _));

    [Fact]
    public void Next_link_keeps_the_request_query_and_replaces_the_cursor()
    {
        var request = new DefaultHttpContext().Request;
        request.PathBase = "/shop";
        request.Path = "/api/v1/parts";
        request.QueryString = new QueryString("?make=Toyota&limit=2&cursor=old&q=brake%20pad");

        var url = Pagination.NextUrl(request, "new-cursor_1");

        Assert.Equal("/shop/api/v1/parts?make=Toyota&limit=2&cursor=new-cursor_1&q=brake%20pad", url);
    }

    private static string Code(CursorCodec codec, string cursor, string filter)
    {
        Assert.False(codec.TryOpen<SeekKey<long>>(Purpose, filter, null, cursor, out _, out var problem));
        Assert.Equal(400, problem.StatusCode);
        return (string)problem.ProblemDetails.Extensions["code"]!;
    }

    private static string ToBase64(string base64Url)
    {
        var s = base64Url.Replace('-', '+').Replace('_', '/');
        return s.PadRight(s.Length + ((4 - (s.Length % 4)) % 4), '=');
    }
}
