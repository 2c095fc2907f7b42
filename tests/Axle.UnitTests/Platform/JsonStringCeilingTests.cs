using System.Text;
using Axle.Api.Platform.Http;

namespace Axle.UnitTests.Platform;

public sealed class JsonStringCeilingTests
{
    private static string? Scan(string json) => RequestBodyLimitMiddleware.OverlongJsonString(Encoding.UTF8.GetBytes(json));

    [Fact]
    public void Names_where_a_string_over_the_ceiling_stands_and_passes_one_at_it()
    {
        var over = new string('x', RequestBodyLimitMiddleware.MaxJsonStringLength + 1);
        var at = new string('x', RequestBodyLimitMiddleware.MaxJsonStringLength);

        Assert.Null(Scan($"{{\"a\":\"{at}\",\"b\":[\"{at}\"]}}"));
        Assert.Equal("in 'b'", Scan($"{{\"a\":\"short\",\"b\":{{\"c\":1}},\"d\":\"{at}\",\"b\":[\"ok\",\"{over}\"]}}"));
        Assert.Equal("at the top level", Scan($"\"{over}\""));
        Assert.Equal("naming a member", Scan($"{{\"{over}\":1}}"));

        // Escapes count as the characters they stand for: 4,096 escaped letters are 24,576 bytes but within the ceiling.
        Assert.Null(Scan($"{{\"a\":\"{string.Concat(Enumerable.Repeat("\\u0041", RequestBodyLimitMiddleware.MaxJsonStringLength))}\"}}"));

        // Malformed JSON is left to the endpoint.
        Assert.Null(Scan("{\"a\": "));
    }
}
