using System.Text.Json;
using Axle.Api.Features.Suppliers.Mapping;

namespace Axle.UnitTests.Suppliers.Mapping;

public sealed class FieldPathTests
{
    private const string Record = """
        {"qty": 3, "stock": {"available": 12, "none": null}, "prices": [{"amount": 45.99}, {"amount": 39.5}],
         "grid": [[1, 2], [3, 4]], "Qty Avail": "8", "flat": 5}
        """;

    [Theory]
    [InlineData("qty", "3")]
    [InlineData("stock.available", "12")]
    [InlineData("prices[0].amount", "45.99")]
    [InlineData("prices[1].amount", "39.5")]
    [InlineData("grid[1][0]", "3")]
    [InlineData("Qty Avail", "\"8\"")]
    public void Paths_reach_nested_names_and_indexes(string path, string expected)
    {
        using var document = JsonDocument.Parse(Record);
        Assert.Equal(PathLookup.Found, FieldPath.Parse(path).Find(document.RootElement, out var value));
        Assert.Equal(expected, value.GetRawText());
    }

    [Theory]
    [InlineData("QTY")]
    [InlineData("stock.reserved")]
    [InlineData("stock.none")]
    [InlineData("stock.none.deeper")]
    [InlineData("prices[2].amount")]
    [InlineData("missing.deeper")]
    public void Absent_names_indexes_and_nulls_are_missing(string path)
    {
        using var document = JsonDocument.Parse(Record);
        Assert.Equal(PathLookup.Missing, FieldPath.Parse(path).Find(document.RootElement, out _));
    }

    [Theory]
    [InlineData("flat.deeper")]
    [InlineData("flat[0]")]
    [InlineData("stock[0]")]
    [InlineData("prices.amount")]
    public void Walking_through_a_scalar_or_the_wrong_container_is_the_wrong_shape(string path)
    {
        using var document = JsonDocument.Parse(Record);
        Assert.Equal(PathLookup.WrongShape, FieldPath.Parse(path).Find(document.RootElement, out _));
    }

    [Theory]
    [InlineData("")]
    [InlineData("  ")]
    [InlineData(".qty")]
    [InlineData("qty.")]
    [InlineData("stock..available")]
    [InlineData("[0]")]
    [InlineData("prices[]")]
    [InlineData("prices[x]")]
    [InlineData("prices[-1]")]
    [InlineData("prices[0")]
    [InlineData("prices[1234567]")]
    [InlineData("prices[0]amount")]
    [InlineData("qty]")]
    [InlineData("a.b.c.d.e.f.g.h.i.j.k.l.m.n.o.p.q")]
    public void Malformed_paths_are_refused_with_a_reason(string path)
    {
        Assert.False(FieldPath.TryParse(path, out _, out var error));
        Assert.False(string.IsNullOrWhiteSpace(error));
    }

    [Fact]
    public void A_path_longer_than_the_limit_is_refused()
    {
        Assert.False(FieldPath.TryParse(new string('a', FieldPath.MaxLength + 1), out _, out _));
    }
}
