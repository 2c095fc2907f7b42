using System.Diagnostics.Metrics;
using System.Text.Json;
using Axle.Api.Platform.Data;
using Axle.Api.Platform.Hosting;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Axle.Api.Platform.Observability;

/// <summary>Axle's own meter: business counters that features increment.</summary>
public sealed class AxleMetrics : IDisposable
{
    public const string MeterName = "Axle";
    private readonly Meter _meter;

    public AxleMetrics(IOptions<ObservabilityOptions> options)
    {
        _meter = new Meter(options.Value.MeterName);
        AuthEvents = _meter.CreateCounter<long>("axle.auth.events", description: "Authentication outcomes by kind.");
    }

    public Counter<long> AuthEvents { get; }

    /// <summary>
    /// Bucket bounds (seconds) for business durations that run from sub-second to days: order processing, supplier update
    /// delays. The OTel default buckets stop at 10 000 and suit milliseconds; these give Prometheus and the analytics
    /// rollups (which use the same bounds) a usable p50/p95 across that range.
    /// </summary>
    public static readonly IReadOnlyList<double> DurationBucketsSeconds =
    [
        0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800, 3600, 7200, 14400, 28800, 43200, 86400, 172800,
        345600, 604800,
    ];

    /// <summary>A histogram advised to use <see cref="DurationBucketsSeconds"/>.</summary>
    public Histogram<double> CreateDurationHistogram(string name, string description) =>
        _meter.CreateHistogram(name, unit: "s", description: description, tags: null,
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = DurationBucketsSeconds });

    public Meter Meter => _meter;

    public void Dispose() => _meter.Dispose();
}

public static class ObservabilitySetup
{
    public static WebApplicationBuilder AddAxleObservability(this WebApplicationBuilder builder)
    {
        // Structured JSON logs carrying the trace and span ids of the request.
        builder.Logging.ClearProviders();
        builder.Logging.AddJsonConsole(o =>
        {
            o.IncludeScopes = true;
            o.UseUtcTimestamp = true;
            o.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ";
        });
        builder.Logging.Configure(o => o.ActivityTrackingOptions =
            ActivityTrackingOptions.TraceId | ActivityTrackingOptions.SpanId);

        builder.Services.AddOptions<ObservabilityOptions>().BindConfiguration(ObservabilityOptions.Section)
            .ValidateDataAnnotations()
            .Validate(o => o.HasValidOtlpEndpoint(), "Observability:OtlpEndpoint must be empty or an absolute http(s) URI.")
            .ValidateOnStart();
        var options = builder.Configuration.GetSection(ObservabilityOptions.Section).Get<ObservabilityOptions>() ?? new ObservabilityOptions();

        builder.Services.AddSingleton<AxleMetrics>();
        builder.Services.AddSingleton<QueueDepths>();
        builder.Services.AddWorker<QueueDepthSampler>();
        var telemetry = builder.Services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService(options.ServiceName))
            .WithMetrics(m => m
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation()
                .AddRuntimeInstrumentation()
                .AddMeter(options.MeterName, "Npgsql")
                .AddPrometheusExporter());

        // Traces exist only to be exported: without an OTLP endpoint no tracing pipeline is built (it measurably cost
        // CPU per request and per EF command for nothing). Log lines still carry the request's trace and span ids.
        var endpoint = options.OtlpEndpoint;
        var fromEnvironment = string.IsNullOrWhiteSpace(endpoint) && !string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]);
        if (!string.IsNullOrWhiteSpace(endpoint) || fromEnvironment)
        {
            telemetry.WithTracing(t => t
                .AddAspNetCoreInstrumentation(o => o.Filter = ctx => !IsOperations(ctx.Request.Path))
                .AddHttpClientInstrumentation()
                .AddEntityFrameworkCoreInstrumentation());
            if (fromEnvironment)
            {
                telemetry.UseOtlpExporter();
            }
            else
            {
                var protocol = options.OtlpProtocol == "http/protobuf" ? OtlpExportProtocol.HttpProtobuf : OtlpExportProtocol.Grpc;
                telemetry.UseOtlpExporter(protocol, new Uri(endpoint!));
            }
        }

        builder.Services.AddHealthChecks()
            .AddCheck<DatabaseHealthCheck>("database", tags: ["ready"]);
        return builder;
    }

    // Scrapes and probes run every few seconds; tracing them buries the requests worth looking at.
    private static bool IsOperations(PathString path) =>
        path.StartsWithSegments("/metrics") || path.StartsWithSegments("/health");

    // Operations endpoints answer GET and HEAD only; anything else is a 405.
    private static readonly HttpMethodMetadata ReadOnly = new([HttpMethods.Get, HttpMethods.Head]);

    public static WebApplication MapOperations(this WebApplication app)
    {
        app.MapHealthChecks("/health/live", new HealthCheckOptions
        {
            Predicate = _ => false,
            ResponseWriter = WriteHealthAsync,
        }).WithMetadata(ReadOnly).DisableRateLimiting().ExcludeFromDescription();
        app.MapHealthChecks("/health/ready", new HealthCheckOptions
        {
            Predicate = check => check.Tags.Contains("ready"),
            ResponseWriter = WriteHealthAsync,
        }).WithMetadata(ReadOnly).DisableRateLimiting().ExcludeFromDescription();
        app.MapPrometheusScrapingEndpoint("/metrics").WithMetadata(ReadOnly).DisableRateLimiting();
        return app;
    }

    private static Task WriteHealthAsync(HttpContext context, HealthReport report)
    {
        context.Response.ContentType = "application/json; charset=utf-8";
        var body = new
        {
            status = report.Status.ToString().ToLowerInvariant(),
            checks = report.Entries.ToDictionary(
                e => e.Key,
                e => new { status = e.Value.Status.ToString().ToLowerInvariant(), durationMs = (int)e.Value.Duration.TotalMilliseconds }),
        };
        return context.Response.WriteAsync(JsonSerializer.Serialize(body));
    }
}

/// <summary>Ready means the database answers. Failure details stay in the logs, not in the response.</summary>
internal sealed class DatabaseHealthCheck(AppDbContext db) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            return await db.Database.CanConnectAsync(cancellationToken)
                ? HealthCheckResult.Healthy()
                : HealthCheckResult.Unhealthy("database unreachable");
        }
        catch (Exception ex) when (ex is DbUpdateException or InvalidOperationException or System.Data.Common.DbException or TimeoutException)
        {
            return HealthCheckResult.Unhealthy("database unreachable", ex);
        }
    }
}
