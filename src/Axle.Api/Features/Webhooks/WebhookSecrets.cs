using Axle.Api.Platform.Http;
using Microsoft.AspNetCore.DataProtection;

namespace Axle.Api.Features.Webhooks;

/// <summary>Subscription signing secrets at rest: Data Protection–encrypted (keys in the data directory, shared by every instance).</summary>
public sealed class WebhookSecrets(IDataProtectionProvider provider)
{
    private readonly IDataProtector _protector = provider.CreateProtector("Axle.Webhooks.SigningSecret.v1");

    public string Protect(string secret) => _protector.Protect(secret);

    /// <summary>The secrets a delivery is signed with right now: current, and the previous one during its grace.</summary>
    public IReadOnlyList<string> SigningSecrets(WebhookSubscription subscription, DateTime now) =>
        StandardWebhookSignature.InEffect(
            subscription.Secret, subscription.PreviousSecret, subscription.PreviousSecretExpiresAt, now, _protector.Unprotect);
}
