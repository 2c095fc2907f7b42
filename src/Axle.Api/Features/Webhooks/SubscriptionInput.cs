using Axle.Api.Platform.Http;

namespace Axle.Api.Features.Webhooks;

/// <summary>Checks of a subscription's URL (shape, https, the SSRF guard with DNS) and event list, as field errors.</summary>
internal static class SubscriptionInput
{
    public static async Task<string?> CheckUrlAsync(string? url, OutboundUrlGuard guard, Dictionary<string, string[]> errors, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(url))
        {
            errors["url"] = ["A URL is required."];
            return null;
        }

        url = url.Trim();
        if (url.Length > WebhookSubscription.UrlMaxLength)
        {
            errors["url"] = [$"At most {WebhookSubscription.UrlMaxLength} characters."];
            return null;
        }

        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri))
        {
            errors["url"] = ["Not an absolute URL."];
            return null;
        }

        if (!string.IsNullOrEmpty(uri.Fragment))
        {
            errors["url"] = ["A URL with a fragment (#…) is not allowed."];
            return null;
        }

        if (await guard.CheckAsync(uri, ct) is { } refused)
        {
            errors["url"] = [refused];
            return null;
        }

        return uri.AbsoluteUri;
    }

    public static string[]? CheckEvents(IReadOnlyList<string?>? events, Dictionary<string, string[]> errors)
    {
        if (events is not { Count: > 0 })
        {
            errors["events"] = ["At least one event type is required. Known: " + string.Join(", ", WebhookEventTypes.All) + "."];
            return null;
        }

        var unknown = events.Where(e => e is null || !WebhookEventTypes.IsKnown(e)).ToList();
        if (unknown.Count > 0)
        {
            errors["events"] = [$"Unknown event types: {string.Join(", ", unknown.Select(u => u ?? "null").Take(10))}. Known: {string.Join(", ", WebhookEventTypes.All)}."];
            return null;
        }

        return [.. events.Select(e => e!).Distinct(StringComparer.Ordinal)];
    }

    public static string? CheckDescription(string? description, Dictionary<string, string[]> errors)
    {
        if (description is null)
        {
            return null;
        }

        description = description.Trim();
        if (description.Length > WebhookSubscription.DescriptionMaxLength)
        {
            errors["description"] = [$"At most {WebhookSubscription.DescriptionMaxLength} characters."];
        }

        return description.Length == 0 ? null : description;
    }
}
