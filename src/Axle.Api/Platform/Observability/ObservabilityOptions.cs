using System.ComponentModel.DataAnnotations;

namespace Axle.Api.Platform.Observability;

public sealed class ObservabilityOptions
{
    public const string Section = "Observability";

    /// <summary>
    /// OTLP collector for traces, metrics and logs (<c>http://otel-collector:4317</c>). Off when empty, unless the standard
    /// <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> variable is set, which is then honoured as the SDK documents it.
    /// </summary>
    public string? OtlpEndpoint { get; set; }

    /// <summary>Empty (off) or an absolute http(s) URI.</summary>
    public bool HasValidOtlpEndpoint() =>
        string.IsNullOrWhiteSpace(OtlpEndpoint)
        || (Uri.TryCreate(OtlpEndpoint, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https");

    /// <summary><c>grpc</c> (port 4317) or <c>http/protobuf</c> (port 4318).</summary>
    [RegularExpression("^(grpc|http/protobuf)$")]
    public string OtlpProtocol { get; set; } = "grpc";

    /// <summary>The <c>service.name</c> resource attribute.</summary>
    [Required, StringLength(100, MinimumLength = 1)]
    public string ServiceName { get; set; } = "axle-api";

    /// <summary>
    /// The name of Axle's meter (the <c>otel_scope_name</c> label). Exporters listen to meters by name, process-wide: test
    /// hosts sharing a process each take their own, so one host's scrape never shows (or loses) another's counts.
    /// </summary>
    [Required, StringLength(100, MinimumLength = 1)]
    public string MeterName { get; set; } = AxleMetrics.MeterName;

    /// <summary>How often the outbox, inbox and dead-letter depths are counted; a scrape only reads the last count.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan QueueSampleInterval { get; set; } = TimeSpan.FromSeconds(15);
}
