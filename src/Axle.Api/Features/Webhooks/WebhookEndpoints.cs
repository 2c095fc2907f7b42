using Axle.Api.Features.Clients;
using Axle.Api.Features.DeadLetters;
using Axle.Api.Platform.Hosting;
using Axle.Api.Platform.Http;
using Axle.Api.Platform.Messaging;
using Axle.Api.Platform.Security;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Options;
using Polly;

namespace Axle.Api.Features.Webhooks;

/// <summary>
/// Outbound events: subscriptions (admins, or machine clients with <c>webhooks:manage</c> for their own), the relay's fan-out
/// into deliveries, the worker that sends them signed with retries, the delivery log, replays and automatic disabling.
/// </summary>
public static class WebhookEndpoints
{
    internal static readonly string Manage = Policies.ScopeOrRoles(MachineScopes.WebhooksManage, Roles.Admin);

    public static WebApplicationBuilder AddWebhooks(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<WebhookOptions>().BindConfiguration(WebhookOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddOutboundUrlGuard();
        services.AddSingleton<WebhookSecrets>();
        services.AddSingleton<WebhookMetrics>();
        services.AddScoped<IOutboxSink, WebhookFanOut>();
        services.AddScoped<IDeadLetterReplayer, WebhookDeadLetterReplayer>();
        services.AddWorker<WebhookDeliveryWorker>();
        services.AddHttpClient<WebhookSender>(c =>
            {
                c.Timeout = Timeout.InfiniteTimeSpan; // the pipeline's attempt timeout governs
                c.DefaultRequestHeaders.UserAgent.ParseAdd("Axle-Webhooks/1.0");
            })
            .ConfigurePrimaryHttpMessageHandler(sp => sp.GetRequiredService<OutboundUrlGuard>().CreateHandler())
            .AddResilienceHandler("webhook-delivery", (pipeline, context) =>
            {
                var options = context.ServiceProvider.GetRequiredService<IOptions<WebhookOptions>>().Value;
                pipeline.AddTimeout(new HttpTimeoutStrategyOptions { Timeout = options.AttemptTimeout });
            });
        return builder;
    }

    public static WebApplication MapWebhooks(this WebApplication app)
    {
        var group = app.MapGroup("/api/v1/webhook-subscriptions").WithTags("Webhooks").RequireAuthorization(Manage);
        group.MapPost("/", CreateSubscription.Handle)
            .WithName("CreateWebhookSubscription")
            .WithSummary("Subscribe an HTTPS endpoint to events; the answer shows its signing secret once")
            .WithDescription("Admin, or a machine client with webhooks:manage (which then sees only its own subscriptions). url: https, " +
                "resolving to a public address (loopback, private, link-local and metadata addresses are refused unless " +
                "OutboundUrls allows them). events: event types, e.g. order.created, order.status_changed, inventory.low_stock, " +
                "inventory.changed, shipment.updated. Deliveries are POSTed as {type, timestamp, data}, signed per Standard " +
                "Webhooks with the secret (whsec_…) in this answer, and retried on non-2xx or timeouts on a schedule over about a day.")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status409Conflict);
        group.MapGet("/", ListSubscriptions.Handle)
            .WithName("ListWebhookSubscriptions")
            .WithSummary("Your webhook subscriptions, newest first")
            .WithDescription("?active=true|false filters. Cursor-paginated. Never shows secrets.");
        group.MapGet("/{id:guid}", GetSubscription.Handle)
            .WithName("GetWebhookSubscription")
            .WithSummary("One subscription with its ETag and health (failure streak, why it was disabled)")
            .ProducesProblem(StatusCodes.Status404NotFound);
        group.MapPatch("/{id:guid}", PatchSubscription.Handle)
            .WithName("PatchWebhookSubscription")
            .WithSummary("Change url, events or description; active=true enables a disabled subscription")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status412PreconditionFailed);
        group.MapDelete("/{id:guid}", DeleteSubscription.Handle)
            .WithName("DeleteWebhookSubscription")
            .WithSummary("Remove a subscription and its delivery log")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status412PreconditionFailed);
        group.MapPost("/{id:guid}/secret:rotate", RotateSubscriptionSecret.Handle)
            .WithName("RotateWebhookSubscriptionSecret")
            .WithSummary("New signing secret (shown once); the old one keeps signing during the grace period")
            .ProducesProblem(StatusCodes.Status404NotFound);
        group.MapGet("/{id:guid}/deliveries", ListDeliveries.Handle)
            .WithName("ListWebhookDeliveries")
            .WithSummary("The delivery log: status, attempts, last status code and latency")
            .WithDescription("?status=pending|delivered|failed, ?eventType= filter. Cursor-paginated, newest first.")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound);
        group.MapGet("/{id:guid}/deliveries/{deliveryId:guid}", GetDelivery.Handle)
            .WithName("GetWebhookDelivery")
            .WithSummary("One delivery with its attempts (time, status code, latency, error, start of the answer)")
            .WithDescription("The attempt log lists the latest 51 attempts (one whole round of the longest retry schedule); " +
                "attemptCount counts every attempt, replays included.")
            .ProducesProblem(StatusCodes.Status404NotFound);
        group.MapPost("/{id:guid}/deliveries/{deliveryId:guid}/replay", ReplayDelivery.Handle)
            .WithName("ReplayWebhookDelivery")
            .WithSummary("Send a delivery again (failed or not), on a fresh retry schedule, with the same webhook-id")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);
        return app;
    }
}
