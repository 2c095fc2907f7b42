using Axle.Api.Platform.Http;

namespace Axle.UnitTests;

public sealed class ProblemsTests
{
    [Theory]
    [InlineData(404, "not_found")]
    [InlineData(405, "method_not_allowed")]
    [InlineData(413, "payload_too_large")]
    [InlineData(415, "unsupported_media_type")]
    [InlineData(428, "precondition_required")]
    [InlineData(500, "internal_error")]
    public void Framework_statuses_map_to_stable_codes(int status, string code) =>
        Assert.Equal(code, Problems.DefaultCode(status));

    [Fact]
    public void Unexpected_exceptions_never_reveal_their_message()
    {
        var (status, code, _, detail) = ExceptionProblemHandler.Classify(new InvalidOperationException("SELECT * FROM users"));
        Assert.Equal(500, status);
        Assert.Equal("internal_error", code);
        Assert.DoesNotContain("SELECT", detail, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Name", "name")]
    [InlineData("ShippingAddress.PostalCode", "shippingAddress.postalCode")]
    [InlineData("Items[0].Quantity", "items[0].quantity")]
    [InlineData("quantity", "quantity")]
    [InlineData("", "")]
    public void Validation_field_keys_use_the_json_names(string key, string expected) =>
        Assert.Equal(expected, Problems.JsonFieldName(key));

    [Fact]
    public void A_validation_problem_keeps_at_most_the_documented_messages_per_field_after_merging_keys()
    {
        var problem = new Microsoft.AspNetCore.Http.HttpValidationProblemDetails(new Dictionary<string, string[]>
        {
            ["Name"] = [.. Enumerable.Range(1, 7).Select(i => $"a{i}")],
            ["name"] = [.. Enumerable.Range(1, 7).Select(i => $"b{i}")],
            ["vin"] = [.. Enumerable.Range(1, 25).Select(i => $"v{i}")],
            ["quantity"] = ["one"],
        });

        Problems.NormalizeValidation(problem);

        Assert.Equal(Problems.MaxMessagesPerField, problem.Errors["name"].Length);
        Assert.Equal(["v1", "v2", "v3"], problem.Errors["vin"][..3]);
        Assert.Equal(Problems.MaxMessagesPerField, problem.Errors["vin"].Length);
        Assert.Equal(["one"], problem.Errors["quantity"]);
    }
}
