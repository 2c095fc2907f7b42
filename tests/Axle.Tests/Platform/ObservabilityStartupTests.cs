using System.Net;
using Axle.Tests.Infrastructure;

namespace Axle.Tests.Platform;

public sealed class ObservabilityStartupTests
{
    [Fact]
    public async Task With_an_otlp_endpoint_configured_the_app_serves_requests_even_when_no_collector_answers()
    {
        await using var factory = new OtlpFactory("http://127.0.0.1:9/");

        var response = await factory.CreateClient().GetAsync("/health/live", TestContext.Current.CancellationToken);
        var metrics = await PrometheusText.ScrapeAsync(factory.CreateClient());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("http_server_request_duration_seconds", metrics, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_up_fails_naming_the_setting_when_the_otlp_endpoint_is_not_a_uri()
    {
        await using var factory = new OtlpFactory("collector:4317");

        var error = Assert.ThrowsAny<Exception>(() => factory.Server);

        Assert.Contains("Observability:OtlpEndpoint", error.ToString(), StringComparison.Ordinal);
    }

    private sealed class OtlpFactory(string endpoint) : AxleFactory
    {
        protected override IDictionary<string, string?> Overrides =>
            new Dictionary<string, string?> { ["Observability:OtlpEndpoint"] = endpoint, ["Observability:OtlpProtocol"] = "http/protobuf" };
    }
}
