using Axle.Api.Platform.Http;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Http.Resilience;

namespace Axle.Api.Features.Suppliers.Feeds;

public static class FeedsSetup
{
    /// <summary>
    /// Registers <see cref="SupplierFeedClient"/> (typed client) with its per-supplier resilience pipeline, the SSRF-guarded
    /// primary handler, the rate limiters, the token cache and <see cref="FeedClientOptions"/>.
    /// </summary>
    public static IServiceCollection AddSupplierFeeds(this IServiceCollection services)
    {
        services.AddOptions<FeedClientOptions>().BindConfiguration(FeedClientOptions.Section)
            .ValidateDataAnnotations()
            .Validate(o => o.AttemptTimeout <= o.TotalTimeout, "Suppliers:Feeds:AttemptTimeout must not exceed TotalTimeout.")
            .ValidateOnStart();
        services.AddOutboundUrlGuard();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<SupplierRateLimiters>();
        services.TryAddSingleton<FeedTokenCache>();
        services.TryAddTransient<FeedBodyHandler>();

        var client = services.AddHttpClient<SupplierFeedClient>(c =>
            {
                // The pipeline's total and attempt timeouts govern; HttpClient's own 100 s would cut long file downloads.
                c.Timeout = Timeout.InfiniteTimeSpan;
                c.DefaultRequestHeaders.UserAgent.ParseAdd("Axle-SupplierFeeds/1.0");
            })
            .ConfigurePrimaryHttpMessageHandler(sp => sp.GetRequiredService<OutboundUrlGuard>().CreateHandler());
        client.AddResilienceHandler(FeedResilience.PipelineName, FeedResilience.Configure)
            .SelectPipelineBy(_ => FeedResilience.SelectKey);
        client.AddHttpMessageHandler<FeedBodyHandler>();
        return services;
    }
}
