using System.Security.Cryptography;
using Axle.Api.Platform.Http;
using Microsoft.AspNetCore.DataProtection;

namespace Axle.Api.Features.Webhooks;

/// <summary>Subscription signing secrets at rest: Data Protection–encrypted (keys in the data directory, shared by every instance).</summary>
public sealed class WebhookSecrets(IDataProtectionProvider provider)
{
    private readonly IDataProtector _protector = provider.CreateProtector("Axle.Webhooks.SigningSecret.v1");

    /// <summary>A new Standard Webhooks secret: <c>whsec_</c> + base64 of 32 random bytes.</summary>
    public static string NewSecret() => StandardWebhookSignature.SecretPrefix + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

    public string Protect(string secret) => _protector.Protect(secret);

    /// <summary>The secrets a delivery is signed with right now: current, and the previous one during its grace.</summary>
    public IReadOnlyList<string> SigningSecrets(WebhookSubscription subscription, DateTime now)
    {
        var current = _protector.Unprotect(subscription.Secret);
        return subscription.PreviousSecret is { } previous && subscription.PreviousSecretExpiresAt > now
            ? [current, _protector.Unprotect(previous)]
            : [current];
    }
}
