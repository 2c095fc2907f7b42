using System.Diagnostics.Metrics;
using System.Text.Json;
using Axle.Api.Platform.Data;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Axle.Api.Platform.Observability;

/// <summary>Axle's own meter: business counters that features increment.</summary>
public sealed class AxleMetrics : IDisposable
{
    public const string MeterName = "Axle";
    private readonly Meter _meter = new(MeterName);

    public AxleMetrics()
    {
        AuthEvents = _meter.CreateCounter<long>("axle.auth.events", description: "Authentication outcomes by kind.");
    }

    public Counter<long> AuthEvents { get; }

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

        builder.Services.AddSingleton<AxleMetrics>();
        builder.Services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService("axle-api"))
            .WithMetrics(m => m
                .AddAspNetCoreInstrumentation()
                .AddRuntimeInstrumentation()
                .AddMeter(AxleMetrics.MeterName)
                .AddPrometheusExporter())
            .WithTracing(t => t.AddAspNetCoreInstrumentation(o =>
                o.Filter = ctx => !ctx.Request.Path.StartsWithSegments("/metrics")));

        builder.Services.AddHealthChecks()
            .AddCheck<DatabaseHealthCheck>("database", tags: ["ready"]);
        return builder;
    }

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
