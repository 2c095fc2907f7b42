using System.ComponentModel.DataAnnotations;
using Axle.Api.Platform.Http;

namespace Axle.Api.Features.Shipments;

public sealed class ShipmentOptions : IValidatableObject
{
    public const string Section = "Shipments";
    public const int MinSecretBytes = 24;

    /// <summary>The most <see cref="MaxPerOrder"/> may be set to: what the order status answer promises to list at most.</summary>
    public const int MaxPerOrderCeiling = Orders.OrderTracking.MaxShipments;

    /// <summary>
    /// Secrets (<c>whsec_</c> + base64 of at least 24 random bytes) that carriers sign tracking pushes with (Standard
    /// Webhooks). Several during a rotation; empty: only machine clients with <c>shipments:events</c> can push.
    /// </summary>
    public List<string> CarrierWebhookSecrets { get; set; } = [];

    /// <summary>How far a signed timestamp may be from now, either way.</summary>
    [Range(typeof(TimeSpan), "00:00:30", "00:15:00")]
    public TimeSpan WebhookTolerance { get; set; } = StandardWebhookSignature.DefaultTolerance;

    /// <summary>Shipments one order may have; the next is refused (409 shipment_limit_reached).</summary>
    [Range(1, MaxPerOrderCeiling)]
    public int MaxPerOrder { get; set; } = MaxPerOrderCeiling;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        for (var i = 0; i < CarrierWebhookSecrets.Count; i++)
        {
            var secret = CarrierWebhookSecrets[i];
            if (!secret.StartsWith(StandardWebhookSignature.SecretPrefix, StringComparison.Ordinal)
                || StandardWebhookSignature.TryDecodeSecret(secret) is not { Length: >= MinSecretBytes })
            {
                yield return new ValidationResult(
                    $"Shipments:CarrierWebhookSecrets:{i} must be whsec_ followed by base64 of at least {MinSecretBytes} bytes.",
                    [nameof(CarrierWebhookSecrets)]);
            }
        }
    }
}
