using Axle.Api.Features.Clients;
using Axle.Api.Platform.Hosting;
using Axle.Api.Platform.Security;

namespace Axle.Api.Features.Analytics;

/// <summary>
/// Business analytics for administrators: hourly rollups fed by the metrics features already record, so a report reads
/// a bounded number of rollup rows whatever the traffic.
/// </summary>
public static class AnalyticsEndpoints
{
    /// <summary>Admins, and machine clients granted <c>analytics:read</c> (a BI export job).</summary>
    internal static readonly string ReadAnalytics = Policies.ScopeOrRoles(MachineScopes.AnalyticsRead, Roles.Admin);

    public static WebApplicationBuilder AddAnalytics(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<AnalyticsOptions>().BindConfiguration(AnalyticsOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<AnalyticsRecorder>();
        services.AddWorker<AnalyticsFlushWorker>();
        return builder;
    }

    public static WebApplication MapAnalytics(this WebApplication app)
    {
        var group = app.MapGroup("/api/v1/admin/analytics")
            .WithTags("Administration")
            .RequireAuthorization(ReadAnalytics);
        group.MapGet("/orders", GetOrderAnalytics.Handle)
            .WithName("GetOrderAnalytics")
            .WithSummary("Order analytics: counts, revenue, processing times, error rates, inventory update delays")
            .WithDescription("Sums hourly rollups over [from, to): from (ISO 8601, inclusive) is rounded down and to (exclusive) up " +
                "to whole UTC hours; defaults are the last 30 days. orders.placed and orders.byStatus (orders that entered each status " +
                "in the range); revenue per currency ({amount, currency}, at most 100 currencies by code, revenueCurrencyCount counts " +
                "them all) of orders that became paid in the range; processing times " +
                "placed → paid and paid → shipped and inventory update delays (supplier event time → applied) as count, p50Seconds " +
                "and p95Seconds (estimated within fixed histogram buckets, null without observations); endpoints: requests, 4xx, 5xx " +
                "and errorRate per method and route template, most errors first (at most 200; endpointCount counts them all). Counts reach the rollups within " +
                "Analytics:FlushInterval (default 10 s). A malformed instant, from ≥ to, or a range over 366 days → 400 " +
                "validation_failed naming the field. Admins, or machine clients with scope analytics:read.");
        return app;
    }
}
