using System.Net;

namespace Axle.Bench.Load;

/// <summary>Load is only ever aimed at this machine: a mistyped URL must not become a load test of someone else's server.</summary>
internal static class LocalhostGuard
{
    public static bool IsLocal(Uri uri) =>
        uri.IsAbsoluteUri
        && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps)
        && (string.Equals(uri.Host, "localhost", StringComparison.OrdinalIgnoreCase)
            || (IPAddress.TryParse(uri.Host.Trim('[', ']'), out var address) && IPAddress.IsLoopback(address)));

    public static void Ensure(Uri uri)
    {
        if (!IsLocal(uri))
        {
            throw new UsageException($"Refusing to send load to {uri}: only http(s)://127.0.0.1, [::1] or localhost are allowed.");
        }
    }
}
