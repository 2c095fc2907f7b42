using Axle.Api.Features.Catalog;

namespace Axle.UnitTests.Catalog;

public sealed class PartSearchSqlTests
{
    [Fact]
    public void Terms_are_lower_cased_letter_and_digit_runs_without_duplicates()
    {
        Assert.Equal(["bp", "1234", "brake"], PartSearchSql.Terms("BP-1234 brake Brake"));
        Assert.Equal(["bremse", "größe"], PartSearchSql.Terms("  Bremse/GRÖSSE  ".Replace("SS", "ß", StringComparison.Ordinal)));
        Assert.Empty(PartSearchSql.Terms("\"*^:()-"));
    }

    [Fact]
    public void Terms_are_capped()
    {
        var many = string.Join(' ', Enumerable.Range(0, 20).Select(i => $"w{i}"));
        Assert.Equal(PartSearchSql.MaxTerms, PartSearchSql.Terms(many).Count);
    }

    [Fact]
    public void Fts5_query_quotes_every_term_so_operators_are_searched_for_not_executed()
    {
        var terms = PartSearchSql.Terms("pad\" OR name:* NEAR(x");
        Assert.Equal("\"pad\"* AND \"or\"* AND \"name\"* AND \"near\"* AND \"x\"*", PartSearchSql.ToFts5Query(terms));
    }

    [Fact]
    public void Tsquery_quotes_every_term_as_a_prefix_lexeme()
    {
        Assert.Equal("'brake':* & 'pad':*", PartSearchSql.ToTsQuery(PartSearchSql.Terms("Brake & pad | !")));
    }
}
