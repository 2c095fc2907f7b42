using Axle.Api.Platform.Http;
namespace Axle.Api.Features.Payments;

/// <summary>Payments: the gateway behind <see cref="IPaymentGateway"/>, refunds, and the gateway's signed webhook.</summary>
public static class PaymentEndpoints
{
    public static WebApplicationBuilder AddPayments(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<PaymentOptions>().BindConfiguration(PaymentOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<IPaymentGateway, TestPaymentGateway>();
        services.AddScoped<PaymentRefunds>();
        return builder;
    }

    public static WebApplication MapPayments(this WebApplication app)
    {
        app.MapPost("/api/v1/payments/webhook", PaymentWebhook.Handle)
            .WithMetadata(new OpenApiContract.SignedBy(OpenApiContract.StripeSignature))
            .WithTags("Payments")
            .AllowAnonymous()
            .WithName("PaymentWebhook")
            .WithSummary("The payment gateway's webhook (Stripe-compatible): settles pending payments")
            .WithDescription("Verified by the Stripe-Signature header (t=timestamp,v1=HMAC-SHA256 of \"{t}.{body}\" with Payments:WebhookSecret; " +
                "several v1 allowed; timestamp within Payments:WebhookTolerance) → 400 invalid_signature otherwise. Events: " +
                "payment_intent.succeeded → the order becomes paid; payment_intent.payment_failed → cancelled, stock released. The " +
                "order is found by data.object.metadata.order_id or by the charge reference (data.object.id). Repeats are harmless.")
            .Accepts<object>("application/json")
            .ProducesProblem(StatusCodes.Status400BadRequest);
        return app;
    }
}
