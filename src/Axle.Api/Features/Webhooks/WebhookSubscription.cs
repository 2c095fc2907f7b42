using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Axle.Api.Features.Webhooks;

/// <summary>
/// Someone outside Axle who wants to hear about events: an HTTPS endpoint, the event types it takes, and the Standard
/// Webhooks secret its deliveries are signed with (Data Protection–encrypted; the previous one signs too during a rotation's
/// grace). A subscription that keeps failing is disabled automatically and can be enabled again by its owner.
/// </summary>
public sealed class WebhookSubscription
{
    public const int UrlMaxLength = 2000;
    public const int DescriptionMaxLength = 500;
    public const int EventsMaxLength = 1000;
    public const int OwnerMaxLength = 200;
    public const int ReasonMaxLength = 500;

    private WebhookSubscription()
    {
    }

    public WebhookSubscription(string url, IEnumerable<string> events, string? description, string owner, string protectedSecret, DateTime now)
    {
        Id = Guid.CreateVersion7(new DateTimeOffset(now, TimeSpan.Zero));
        Url = url;
        SetEvents(events);
        Description = description;
        Owner = owner;
        Secret = protectedSecret;
        Active = true;
        CreatedAt = now;
        UpdatedAt = now;
        Version = 1;
    }

    public Guid Id { get; private set; }
    public string Url { get; private set; } = "";

    /// <summary>The event types delivered, comma-separated (see <see cref="WebhookEventTypes"/>).</summary>
    public string Events { get; private set; } = "";
    public string? Description { get; private set; }

    /// <summary>Who created it: <c>user:{id}</c> or <c>client:{id}</c>. A machine client sees only its own subscriptions.</summary>
    public string Owner { get; private set; } = "";

    public string Secret { get; private set; } = "";
    public string? PreviousSecret { get; private set; }
    public DateTime? PreviousSecretExpiresAt { get; private set; }

    public bool Active { get; private set; }
    public string? DisabledReason { get; private set; }
    public DateTime? DisabledAt { get; private set; }

    /// <summary>Attempts failed in a row (any success resets it) and when that run of failures began.</summary>
    public int ConsecutiveFailures { get; private set; }
    public DateTime? FailingSince { get; private set; }

    public DateTime CreatedAt { get; private set; }
    public DateTime UpdatedAt { get; private set; }
    public long Version { get; private set; }

    public IReadOnlyList<string> EventTypes => ParseEvents(Events);

    /// <summary>The event types of a stored <see cref="Events"/> value.</summary>
    public static string[] ParseEvents(string events) => events.Split(',', StringSplitOptions.RemoveEmptyEntries);

    public void SetUrl(string url) => Url = url;

    public void SetEvents(IEnumerable<string> events) => Events = string.Join(',', events.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal));

    public void Describe(string? description) => Description = description;

    /// <summary>Enabling clears the failure streak, so a fixed endpoint gets a fresh allowance before it can be disabled again.</summary>
    public void Enable()
    {
        Active = true;
        DisabledReason = null;
        DisabledAt = null;
        ConsecutiveFailures = 0;
        FailingSince = null;
    }

    public void Disable(string reason, DateTime now)
    {
        Active = false;
        DisabledReason = reason.Length <= ReasonMaxLength ? reason : reason[..ReasonMaxLength];
        DisabledAt = now;
    }

    public void RotateSecret(string protectedSecret, TimeSpan grace, DateTime now)
    {
        PreviousSecret = Secret;
        PreviousSecretExpiresAt = now + grace;
        Secret = protectedSecret;
    }

    public void Touch(DateTime now)
    {
        UpdatedAt = now;
        Version++;
    }
}

internal sealed class WebhookSubscriptionConfiguration : IEntityTypeConfiguration<WebhookSubscription>
{
    public void Configure(EntityTypeBuilder<WebhookSubscription> b)
    {
        b.ToTable("webhook_subscriptions");
        b.HasKey(s => s.Id);
        b.Property(s => s.Id).ValueGeneratedNever();
        b.Property(s => s.Url).HasMaxLength(WebhookSubscription.UrlMaxLength).IsRequired();
        b.Property(s => s.Events).HasMaxLength(WebhookSubscription.EventsMaxLength).IsRequired();
        b.Property(s => s.Description).HasMaxLength(WebhookSubscription.DescriptionMaxLength);
        b.Property(s => s.Owner).HasMaxLength(WebhookSubscription.OwnerMaxLength).IsRequired();
        b.Property(s => s.Secret).IsRequired();
        b.Property(s => s.DisabledReason).HasMaxLength(WebhookSubscription.ReasonMaxLength);
        b.Property(s => s.Version).IsConcurrencyToken();
        b.HasIndex(s => new { s.Owner, s.CreatedAt });
        b.HasIndex(s => s.CreatedAt);
    }
}
