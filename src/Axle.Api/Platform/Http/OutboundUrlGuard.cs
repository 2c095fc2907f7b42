using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Axle.Api.Platform.Http;

/// <summary>
/// Which outbound targets (supplier feeds, webhook subscribers) are allowed besides the public internet. Everything else that
/// is not a public address is refused (STANDARDS §9 API7).
/// </summary>
public sealed class OutboundUrlOptions
{
    public const string Section = "OutboundUrls";

    /// <summary>Host names or IP literals trusted whatever they resolve to; they may also use plain http.</summary>
    public List<string> AllowedHosts { get; set; } = [];

    /// <summary>CIDR networks (e.g. <c>10.20.0.0/16</c> for a supplier on a VPN) whose addresses are allowed; http is allowed
    /// when every address of the host lies in them.</summary>
    public List<string> AllowedNetworks { get; set; } = [];

    /// <summary>Only https, except for allow-listed hosts and networks.</summary>
    public bool RequireHttps { get; set; } = true;
}

/// <summary>Resolves host names to addresses; replaced in tests to simulate DNS answers (including rebinding).</summary>
public interface IHostAddressResolver
{
    Task<IPAddress[]> ResolveAsync(string host, CancellationToken ct);
}

internal sealed class DnsHostAddressResolver : IHostAddressResolver
{
    public Task<IPAddress[]> ResolveAsync(string host, CancellationToken ct) => Dns.GetHostAddressesAsync(host, ct);
}

/// <summary>Thrown from the connect callback when the resolved address is not allowed; surfaces as the inner exception of an
/// <see cref="HttpRequestException"/>. It is never transient: retrying cannot make the target acceptable.</summary>
public sealed class OutboundUrlRefusedException(string message) : Exception(message);

/// <summary>
/// The SSRF guard. <see cref="CheckAsync"/> runs when a URL is saved (400 with the message); <see cref="ConnectAsync"/> is the
/// <see cref="SocketsHttpHandler.ConnectCallback"/> that checks the address actually connected to, so a DNS answer that
/// changes after the save (rebinding) cannot reach an internal address. Handlers using it must not follow redirects and must
/// not use a proxy (the proxy would do the resolving).
/// </summary>
public sealed class OutboundUrlGuard(IOptionsMonitor<OutboundUrlOptions> options, IHostAddressResolver resolver)
{
    /// <summary>
    /// The primary handler of every outbound client (supplier feeds, webhook deliveries): redirects are not followed (a 3xx
    /// is an answer, not a hop to an unchecked target), no proxy (the guard must see the real target), no cookies, and every
    /// connection goes through <see cref="ConnectAsync"/>, which checks the address actually dialled.
    /// </summary>
    public SocketsHttpHandler CreateHandler() => new()
    {
        AllowAutoRedirect = false,
        UseProxy = false,
        UseCookies = false,
        AutomaticDecompression = DecompressionMethods.All,
        ConnectCallback = ConnectAsync,
        ConnectTimeout = TimeSpan.FromSeconds(15),
        PooledConnectionLifetime = TimeSpan.FromMinutes(5),
        MaxResponseHeadersLength = 64,
    };

    private static readonly (IPNetwork Network, string Kind)[] BlockedV4 =
    [
        (IPNetwork.Parse("0.0.0.0/8"), "unspecified"),
        (IPNetwork.Parse("10.0.0.0/8"), "private"),
        (IPNetwork.Parse("100.64.0.0/10"), "carrier-grade NAT"),
        (IPNetwork.Parse("127.0.0.0/8"), "loopback"),
        (IPNetwork.Parse("169.254.0.0/16"), "link-local"),
        (IPNetwork.Parse("172.16.0.0/12"), "private"),
        (IPNetwork.Parse("192.0.0.0/24"), "reserved"),
        (IPNetwork.Parse("192.168.0.0/16"), "private"),
        (IPNetwork.Parse("198.18.0.0/15"), "reserved"),
        (IPNetwork.Parse("224.0.0.0/4"), "multicast"),
        (IPNetwork.Parse("240.0.0.0/4"), "reserved"),
    ];

    // Order matters: the exact ::/128 and ::1/128 are named before the IPv4-compatible ::/96 they sit in.
    private static readonly (IPNetwork Network, string Kind)[] BlockedV6 =
    [
        (IPNetwork.Parse("::/128"), "unspecified"),
        (IPNetwork.Parse("::1/128"), "loopback"),
        (IPNetwork.Parse("::/96"), "reserved"),
        (IPNetwork.Parse("64:ff9b:1::/48"), "reserved"),
        (IPNetwork.Parse("100::/64"), "reserved"),
        (IPNetwork.Parse("2001::/32"), "reserved"),
        (IPNetwork.Parse("fc00::/7"), "private"),
        (IPNetwork.Parse("fe80::/10"), "link-local"),
        (IPNetwork.Parse("fec0::/10"), "private"),
        (IPNetwork.Parse("ff00::/8"), "multicast"),
    ];

    private static readonly IPNetwork Nat64 = IPNetwork.Parse("64:ff9b::/96");
    private static readonly IPNetwork SixToFour = IPNetwork.Parse("2002::/16");

    /// <summary>
    /// Why <paramref name="address"/> is not a public internet address ("loopback", "private", "link-local", …), or null when
    /// it is. IPv4 addresses embedded in IPv6 (mapped, NAT64, 6to4) are judged by the IPv4 address they carry.
    /// </summary>
    public static string? NonPublicKind(IPAddress address)
    {
        if (address.AddressFamily == AddressFamily.InterNetworkV6)
        {
            if (address.IsIPv4MappedToIPv6)
            {
                return NonPublicKind(address.MapToIPv4());
            }

            var bytes = address.GetAddressBytes();
            if (Nat64.Contains(address))
            {
                return NonPublicKind(new IPAddress(bytes.AsSpan(12, 4)));
            }

            if (SixToFour.Contains(address))
            {
                return NonPublicKind(new IPAddress(bytes.AsSpan(2, 4)));
            }

            foreach (var (network, kind) in BlockedV6)
            {
                if (network.Contains(address))
                {
                    return kind;
                }
            }

            return null;
        }

        foreach (var (network, kind) in BlockedV4)
        {
            if (network.Contains(address))
            {
                return kind;
            }
        }

        return null;
    }

    /// <summary>Save-time check with DNS resolution: null when the URL may be called, else a sentence for the field error.</summary>
    public async Task<string?> CheckAsync(Uri uri, CancellationToken ct)
    {
        if (CheckShape(uri) is { } shapeError)
        {
            return shapeError;
        }

        var current = options.CurrentValue;
        var host = HostOf(uri);
        if (IsAllowedHost(host, current))
        {
            return null;
        }

        IPAddress[] addresses;
        if (IPAddress.TryParse(host, out var literal))
        {
            addresses = [literal];
        }
        else
        {
            try
            {
                addresses = await resolver.ResolveAsync(host, ct);
            }
            catch (SocketException)
            {
                return $"The host '{host}' does not resolve.";
            }
        }

        return CheckAddresses(uri.Scheme, host, addresses, current);
    }

    /// <summary>The checks that need no DNS: absolute http(s), no user info, a host. Used at fetch time before connecting.</summary>
    public static string? CheckShape(Uri uri)
    {
        if (!uri.IsAbsoluteUri)
        {
            return "The URL must be absolute.";
        }

        if (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp)
        {
            return "Only http and https URLs are allowed.";
        }

        if (!string.IsNullOrEmpty(uri.UserInfo))
        {
            return "Credentials in the URL are not allowed; configure them separately.";
        }

        return string.IsNullOrEmpty(HostOf(uri)) ? "The URL has no host." : null;
    }

    /// <summary>
    /// The <see cref="SocketsHttpHandler.ConnectCallback"/>: resolves the host itself, refuses when any address is not allowed,
    /// then connects to the checked addresses in turn.
    /// </summary>
    public async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken ct)
    {
        var current = options.CurrentValue;
        var host = context.DnsEndPoint.Host.Trim('[', ']');
        var addresses = IPAddress.TryParse(host, out var literal) ? [literal] : await resolver.ResolveAsync(host, ct);
        if (!IsAllowedHost(host, current))
        {
            var scheme = context.InitialRequestMessage.RequestUri?.Scheme ?? Uri.UriSchemeHttps;
            if (CheckAddresses(scheme, host, addresses, current) is { } error)
            {
                throw new OutboundUrlRefusedException(error);
            }
        }

        if (addresses.Length == 0)
        {
            throw new SocketException((int)SocketError.HostNotFound);
        }

        SocketException? last = null;
        foreach (var address in addresses)
        {
            var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                await socket.ConnectAsync(new IPEndPoint(address, context.DnsEndPoint.Port), ct);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch (SocketException e)
            {
                socket.Dispose();
                last = e;
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        }

        throw last!;
    }

    private static string? CheckAddresses(string scheme, string host, IPAddress[] addresses, OutboundUrlOptions current)
    {
        if (addresses.Length == 0)
        {
            return $"The host '{host}' does not resolve.";
        }

        var networks = AllowedNetworks(current);
        var allInAllowedNetworks = true;
        foreach (var address in addresses)
        {
            var normalized = address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;
            if (networks.Any(n => n.Contains(normalized)))
            {
                continue;
            }

            allInAllowedNetworks = false;
            if (NonPublicKind(normalized) is { } kind)
            {
                // The address is not echoed: the message goes back to whoever typed the URL.
                return $"The host '{host}' resolves to a {kind} address, which is not allowed.";
            }
        }

        if (current.RequireHttps && scheme != Uri.UriSchemeHttps && !allInAllowedNetworks)
        {
            return "The URL must use https.";
        }

        return null;
    }

    private static string HostOf(Uri uri) => uri.IsAbsoluteUri ? uri.IdnHost.Trim('[', ']') : "";

    private static bool IsAllowedHost(string host, OutboundUrlOptions current) =>
        current.AllowedHosts.Any(h => string.Equals(h.Trim('[', ']'), host, StringComparison.OrdinalIgnoreCase));

    private static List<IPNetwork> AllowedNetworks(OutboundUrlOptions current) =>
        [.. current.AllowedNetworks.Select(n => IPNetwork.TryParse(n, out var network) ? network : (IPNetwork?)null)
            .OfType<IPNetwork>()];
}

public static class OutboundUrlGuardSetup
{
    /// <summary>Registers <see cref="OutboundUrlGuard"/>, its options and the DNS resolver (idempotent).</summary>
    public static IServiceCollection AddOutboundUrlGuard(this IServiceCollection services)
    {
        services.AddOptions<OutboundUrlOptions>().BindConfiguration(OutboundUrlOptions.Section)
            .Validate(o => o.AllowedNetworks.All(n => IPNetwork.TryParse(n, out _)), "OutboundUrls:AllowedNetworks must be CIDR networks.")
            .ValidateOnStart();
        services.TryAddSingleton<IHostAddressResolver, DnsHostAddressResolver>();
        services.TryAddSingleton<OutboundUrlGuard>();
        return services;
    }
}
