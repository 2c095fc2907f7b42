using System.ComponentModel.DataAnnotations;

namespace Axle.Api.Features.Payments;

public sealed class PaymentOptions
{
    public const string Section = "Payments";

    /// <summary>
    /// The signing secret of the gateway's webhook (Stripe's <c>whsec_…</c>). Without one the webhook refuses every call.
    /// </summary>
    [StringLength(200)]
    public string? WebhookSecret { get; set; }

    /// <summary>How old a signed webhook may be (Stripe's default is 5 minutes): older ones are replays and refused.</summary>
    [Range(typeof(TimeSpan), "00:00:10", "01:00:00")]
    public TimeSpan WebhookTolerance { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// Longest wait for one gateway call at checkout (authorize, capture). Past it the charge counts as unanswered: the order
    /// stays <c>pending_payment</c> and the webhook or the reconciliation settles it.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:05:00")]
    public TimeSpan GatewayTimeout { get; set; } = TimeSpan.FromSeconds(30);
}
