using Axle.Api.Platform.Http;
using Microsoft.AspNetCore.DataProtection;

namespace Axle.Api.Features.Suppliers;

/// <summary>
/// Supplier secrets at rest: webhook signing secrets and feed credentials are encrypted with ASP.NET Core Data Protection
/// (keys in the data directory, shared by every instance), one purpose per kind so one cannot be opened as the other.
/// </summary>
public sealed class SupplierSecrets(IDataProtectionProvider provider)
{
    private readonly IDataProtector _webhook = provider.CreateProtector("Axle.Suppliers.WebhookSecret.v1");
    private readonly IDataProtector _credentials = provider.CreateProtector("Axle.Suppliers.FeedCredentials.v1");

    public string ProtectWebhookSecret(string secret) => _webhook.Protect(secret);

    public string UnprotectWebhookSecret(string protectedSecret) => _webhook.Unprotect(protectedSecret);

    public string ProtectCredentials(string json) => _credentials.Protect(json);

    public string UnprotectCredentials(string protectedJson) => _credentials.Unprotect(protectedJson);

    /// <summary>The secrets a push from <paramref name="supplier"/> may be signed with right now: current, and the previous one during its grace.</summary>
    public IReadOnlyList<string> VerifyingSecrets(Supplier supplier, DateTime now) =>
        StandardWebhookSignature.InEffect(
            supplier.WebhookSecret, supplier.PreviousWebhookSecret, supplier.PreviousSecretExpiresAt, now, UnprotectWebhookSecret);
}
