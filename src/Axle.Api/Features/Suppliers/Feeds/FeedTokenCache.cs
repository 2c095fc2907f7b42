using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace Axle.Api.Features.Suppliers.Feeds;

/// <summary>
/// OAuth2 client-credentials tokens per supplier, kept until <see cref="FeedClientOptions.TokenRefreshMargin"/> before they
/// expire. One fetch at a time per key, so parallel calls for a supplier share one token request. The key includes a hash of
/// the secret, so rotated credentials get a fresh token.
/// </summary>
internal sealed class FeedTokenCache(TimeProvider time, IOptions<FeedClientOptions> options)
{
    private readonly ConcurrentDictionary<string, Entry> entries = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, SemaphoreSlim> gates = new(StringComparer.Ordinal);

    public static string KeyFor(string supplierKey, FeedAuth auth, FeedCredentials credentials)
    {
        var material = string.Join('\n', supplierKey, auth.TokenUrl, auth.Scope, credentials.ClientId, credentials.ClientSecret);
        return supplierKey + ":" + Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(material)));
    }

    /// <summary>
    /// A usable token: the cached one, unless it is <paramref name="rejected"/> (the server answered 401 with it) or close to
    /// expiry, in which case <paramref name="fetch"/> gets a new one. A failed fetch is returned and not cached.
    /// </summary>
    public async Task<(string? Token, FeedFailure? Failure)> GetAsync(
        string key, string? rejected, Func<CancellationToken, Task<(string? Token, TimeSpan? ExpiresIn, FeedFailure? Failure)>> fetch,
        CancellationToken ct)
    {
        if (Usable(key, rejected) is { } cached)
        {
            return (cached, null);
        }

        var gate = gates.GetOrAdd(key, _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(ct);
        try
        {
            // Another caller may have refreshed while this one waited.
            if (Usable(key, rejected) is { } refreshed)
            {
                return (refreshed, null);
            }

            var (token, expiresIn, failure) = await fetch(ct);
            if (token is null)
            {
                entries.TryRemove(key, out _);
                return (null, failure);
            }

            // No expires_in: keep it for an hour; a 401 renews it sooner.
            var lifetime = expiresIn ?? TimeSpan.FromHours(1);
            var renewAt = time.GetUtcNow() + lifetime - Margin(lifetime);
            entries[key] = new Entry(token, renewAt);
            return (token, null);
        }
        finally
        {
            gate.Release();
        }
    }

    private string? Usable(string key, string? rejected) =>
        entries.TryGetValue(key, out var entry) && entry.Token != rejected && time.GetUtcNow() < entry.RenewAt ? entry.Token : null;

    // Short-lived tokens renew at half their life rather than immediately.
    private TimeSpan Margin(TimeSpan lifetime)
    {
        var margin = options.Value.TokenRefreshMargin;
        return margin * 2 > lifetime ? lifetime / 2 : margin;
    }

    private sealed record Entry(string Token, DateTimeOffset RenewAt);
}
