using Axle.Api.Platform.Http;
using Microsoft.Extensions.Primitives;

namespace Axle.UnitTests;

public sealed class IdempotencyKeyHeaderTests
{
    [Theory]
    [InlineData("8e03978e-40d5-43e8-bc93-6894a57f9324", "8e03978e-40d5-43e8-bc93-6894a57f9324")]
    [InlineData("\"8e03978e-40d5-43e8-bc93-6894a57f9324\"", "8e03978e-40d5-43e8-bc93-6894a57f9324")]
    [InlineData("  spaced-out \t", "spaced-out")]
    [InlineData("\"with \\\"quote\\\" and \\\\ and, comma\"", "with \"quote\" and \\ and, comma")]
    [InlineData("\"inner space\"", "inner space")]
    public void Bare_and_structured_field_string_keys_are_accepted(string header, string key)
    {
        var result = IdempotencyKeyHeader.Parse(header);
        Assert.Equal(IdempotencyKeyHeader.Outcome.Valid, result.Outcome);
        Assert.Equal(key, result.Key);
    }

    [Theory]
    [InlineData("")]
    [InlineData("\"\"")]
    [InlineData("\"open")]
    [InlineData("\"a\"b")]
    [InlineData("\"a\";p=1")]
    [InlineData("\"bad \\n escape\"")]
    [InlineData("a,b")]
    [InlineData("half\"quoted")]
    [InlineData("naïve")]
    [InlineData("\"naïve\"")]
    [InlineData("ctl\u0001char")]
    public void Malformed_keys_are_rejected(string header) =>
        Assert.Equal(IdempotencyKeyHeader.Outcome.Invalid, IdempotencyKeyHeader.Parse(header).Outcome);

    [Fact]
    public void Keys_are_1_to_255_characters()
    {
        Assert.Equal(IdempotencyKeyHeader.Outcome.Valid, IdempotencyKeyHeader.Parse(new string('k', 255)).Outcome);
        Assert.Equal(IdempotencyKeyHeader.Outcome.Invalid, IdempotencyKeyHeader.Parse(new string('k', 256)).Outcome);
        Assert.Equal(IdempotencyKeyHeader.Outcome.Valid, IdempotencyKeyHeader.Parse("\"" + new string('k', 255) + "\"").Outcome);
    }

    [Fact]
    public void Two_header_fields_are_rejected_and_none_is_missing()
    {
        Assert.Equal(IdempotencyKeyHeader.Outcome.Invalid, IdempotencyKeyHeader.Parse(new StringValues(["a", "b"])).Outcome);
        Assert.Equal(IdempotencyKeyHeader.Outcome.Missing, IdempotencyKeyHeader.Parse(StringValues.Empty).Outcome);
    }
}
