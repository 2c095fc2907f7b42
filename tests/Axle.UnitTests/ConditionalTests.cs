using Axle.Api.Platform.Http;
using Microsoft.Extensions.Primitives;

namespace Axle.UnitTests;

public sealed class ConditionalTests
{
    private const string Current = "\"AAAAAAAAAAc\"";

    [Fact]
    public void ETag_from_a_version_is_the_quoted_base64url_of_its_big_endian_bytes()
    {
        Assert.Equal(Current, ETags.From(7));
        Assert.Equal("\"__________8\"", ETags.From(-1));
        Assert.NotEqual(ETags.From(1), ETags.From(2));
    }

    [Fact]
    public void ETag_from_content_is_stable_and_url_safe()
    {
        var a = ETags.FromContent("hello"u8);
        Assert.Equal(a, ETags.FromContent("hello"u8));
        Assert.NotEqual(a, ETags.FromContent("hello!"u8));
        Assert.Matches("^\"[A-Za-z0-9_-]+\"$", a);
    }

    [Fact]
    public void ETag_hasher_delimits_values_so_different_splits_differ()
    {
        using var ab = new ETagHasher();
        using var a = new ETagHasher();
        using var same = new ETagHasher();
        ab.Add("ab").Add("c");
        a.Add("a").Add("bc");
        same.Add("ab").Add("c");

        Assert.NotEqual(ab.ToETag(), a.ToETag());
        Assert.Equal(ab.ToETag(), same.ToETag());
    }

    [Fact]
    public void ETag_hasher_depends_on_ids_versions_and_order()
    {
        var id1 = Guid.NewGuid();
        var id2 = Guid.NewGuid();
        string Tag(params (Guid Id, long Version)[] items)
        {
            using var hasher = new ETagHasher();
            foreach (var (id, version) in items)
            {
                hasher.Add(id).Add(version);
            }

            return hasher.ToETag();
        }

        Assert.Equal(Tag((id1, 1), (id2, 1)), Tag((id1, 1), (id2, 1)));
        Assert.NotEqual(Tag((id1, 1), (id2, 1)), Tag((id1, 1), (id2, 2)));
        Assert.NotEqual(Tag((id1, 1), (id2, 1)), Tag((id2, 1), (id1, 1)));
    }

    [Theory]
    [InlineData(Current, true)]
    [InlineData("*", true)]
    [InlineData("\"x\", " + Current, true)]
    [InlineData("\"x\",\"y\"", false)]
    [InlineData("W/" + Current, false)]
    [InlineData("\"AAAAAAAAAAg\"", false)]
    [InlineData("AAAAAAAAAAc", false)]
    [InlineData("*, " + Current, false)]
    [InlineData("\"unterminated", false)]
    [InlineData("", false)]
    public void If_match_uses_strong_comparison(string header, bool passes) =>
        Assert.Equal(passes, Conditional.IfMatchPasses(header, Current));

    [Fact]
    public void If_match_reads_every_header_field()
    {
        Assert.True(Conditional.IfMatchPasses(new StringValues(["\"x\"", Current]), Current));
    }

    [Fact]
    public void If_match_star_fails_when_the_resource_does_not_exist()
    {
        Assert.False(Conditional.IfMatchPasses("*", null));
    }

    [Fact]
    public void A_weak_current_etag_never_satisfies_if_match()
    {
        Assert.False(Conditional.IfMatchPasses("W/\"a\"", "W/\"a\""));
        Assert.False(Conditional.IfMatchPasses("\"a\"", "W/\"a\""));
    }

    [Theory]
    [InlineData(Current, false)]
    [InlineData("W/" + Current, false)]
    [InlineData("\"x\" , W/" + Current, false)]
    [InlineData("*", false)]
    [InlineData("\"x\"", true)]
    [InlineData("\"x\", \"y\"", true)]
    [InlineData("garbage", true)]
    public void If_none_match_uses_weak_comparison(string header, bool passes) =>
        Assert.Equal(passes, Conditional.IfNoneMatchPasses(header, Current));

    [Fact]
    public void If_none_match_star_passes_when_the_resource_does_not_exist()
    {
        Assert.True(Conditional.IfNoneMatchPasses("*", null));
    }

    [Theory]
    [InlineData("\"a\"", 1)]
    [InlineData(" \"a\" , W/\"b\" ,, \"\" ", 3)]
    public void Entity_tag_lists_tolerate_whitespace_and_empty_elements(string header, int count)
    {
        Assert.True(Conditional.TryParse(header, out var any, out var tags));
        Assert.False(any);
        Assert.Equal(count, tags.Count);
    }

    [Theory]
    [InlineData("w/\"a\"")]
    [InlineData("\"a\" \"b\"")]
    [InlineData("\"a\"b")]
    [InlineData("\"a b\"")]
    public void Malformed_entity_tag_lists_are_rejected(string header) =>
        Assert.False(Conditional.TryParse(header, out _, out _));
}
