using System.Net;
using Axle.Api.Platform.Http;
using Axle.UnitTests.Suppliers.Feeds;
using Microsoft.Extensions.Options;

namespace Axle.UnitTests.Platform;

/// <summary>SSRF guard (STANDARDS §9 API7): what counts as non-public, and the save-time check with DNS.</summary>
public sealed class OutboundUrlGuardTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static OutboundUrlGuard Guard(OutboundUrlOptions? options = null, params string[] dns) =>
        new(new StaticOptions(options ?? new OutboundUrlOptions()), new FixedResolver(dns.Length == 0 ? ["93.184.216.34"] : dns));

    [Theory]
    [InlineData("127.0.0.1", "loopback")]
    [InlineData("127.255.0.9", "loopback")]
    [InlineData("10.1.2.3", "private")]
    [InlineData("172.16.0.1", "private")]
    [InlineData("172.31.255.255", "private")]
    [InlineData("192.168.1.1", "private")]
    [InlineData("169.254.169.254", "link-local")]
    [InlineData("169.254.0.1", "link-local")]
    [InlineData("100.64.0.1", "carrier-grade NAT")]
    [InlineData("100.127.255.254", "carrier-grade NAT")]
    [InlineData("0.0.0.0", "unspecified")]
    [InlineData("224.0.0.1", "multicast")]
    [InlineData("255.255.255.255", "reserved")]
    [InlineData("::", "unspecified")]
    [InlineData("::1", "loopback")]
    [InlineData("fc00::1", "private")]
    [InlineData("fd12:3456::1", "private")]
    [InlineData("fe80::1", "link-local")]
    [InlineData("ff02::1", "multicast")]
    [InlineData("::ffff:127.0.0.1", "loopback")]
    [InlineData("::ffff:169.254.169.254", "link-local")]
    [InlineData("::ffff:10.0.0.1", "private")]
    [InlineData("::ffff:100.64.1.1", "carrier-grade NAT")]
    [InlineData("64:ff9b::a9fe:a9fe", "link-local")]
    [InlineData("2002:c0a8:0101::1", "private")]
    [InlineData("::127.0.0.1", "reserved")]
    public void Non_public_addresses_are_named(string address, string kind) =>
        Assert.Equal(kind, OutboundUrlGuard.NonPublicKind(IPAddress.Parse(address)));

    [Theory]
    [InlineData("8.8.8.8")]
    [InlineData("93.184.216.34")]
    [InlineData("172.32.0.1")]
    [InlineData("172.15.255.255")]
    [InlineData("100.128.0.1")]
    [InlineData("169.255.0.1")]
    [InlineData("2606:4700:4700::1111")]
    [InlineData("::ffff:8.8.8.8")]
    public void Public_addresses_pass(string address) => Assert.Null(OutboundUrlGuard.NonPublicKind(IPAddress.Parse(address)));

    [Theory]
    [InlineData("file:///etc/passwd", "http and https")]
    [InlineData("ftp://feeds.example.com/a.csv", "http and https")]
    [InlineData("gopher://feeds.example.com/", "http and https")]
    [InlineData("https://user:secret@feeds.example.com/", "Credentials")]
    [InlineData("http://feeds.example.com/", "https")]
    [InlineData("https://127.0.0.1/", "loopback")]
    [InlineData("https://[::1]/", "loopback")]
    [InlineData("https://169.254.169.254/latest/meta-data", "link-local")]
    [InlineData("https://[::ffff:169.254.169.254]/", "link-local")]
    [InlineData("https://2130706433/", "loopback")]
    [InlineData("https://0x7f.1/", "loopback")]
    [InlineData("https://10.0.0.1:8443/feed", "private")]
    public async Task Refused_urls_say_why(string url, string reason)
    {
        var error = await Guard().CheckAsync(new Uri(url), Ct);

        Assert.NotNull(error);
        Assert.Contains(reason, error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_public_https_url_passes() =>
        Assert.Null(await Guard().CheckAsync(new Uri("https://feeds.example.com/feed/stock"), Ct));

    [Theory]
    [InlineData("10.0.0.8")]
    [InlineData("127.0.0.1")]
    [InlineData("169.254.169.254")]
    [InlineData("fd00::5")]
    public async Task A_name_resolving_to_a_non_public_address_is_refused(string address)
    {
        var error = await Guard(dns: address).CheckAsync(new Uri("https://internal.example.com/"), Ct);

        Assert.Contains("resolves to", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_name_resolving_to_public_and_private_addresses_is_refused() =>
        Assert.NotNull(await Guard(dns: ["93.184.216.34", "10.0.0.8"]).CheckAsync(new Uri("https://mixed.example.com/"), Ct));

    [Fact]
    public async Task A_name_that_does_not_resolve_is_refused()
    {
        var guard = new OutboundUrlGuard(new StaticOptions(new OutboundUrlOptions()), new FixedResolver());

        Assert.Contains("does not resolve", await guard.CheckAsync(new Uri("https://nowhere.example.com/"), Ct), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_allow_listed_host_may_be_loopback_and_use_http()
    {
        var guard = Guard(new OutboundUrlOptions { AllowedHosts = ["127.0.0.1", "simulator"] }, "127.0.0.1");

        Assert.Null(await guard.CheckAsync(new Uri("http://127.0.0.1:5080/feed/stock"), Ct));
        Assert.Null(await guard.CheckAsync(new Uri("http://simulator:8080/feed/stock"), Ct));
        Assert.NotNull(await guard.CheckAsync(new Uri("http://127.0.0.2/"), Ct));
    }

    [Fact]
    public async Task An_allowed_network_admits_its_addresses_over_http()
    {
        var guard = Guard(new OutboundUrlOptions { AllowedNetworks = ["10.20.0.0/16"] }, "10.20.3.4");

        Assert.Null(await guard.CheckAsync(new Uri("http://vpn-supplier.example.com/feed"), Ct));
        Assert.Null(await guard.CheckAsync(new Uri("https://10.20.9.9/feed"), Ct));
        Assert.NotNull(await guard.CheckAsync(new Uri("https://10.21.0.1/feed"), Ct));
    }

    [Fact]
    public async Task Http_is_allowed_everywhere_when_https_is_not_required() =>
        Assert.Null(await Guard(new OutboundUrlOptions { RequireHttps = false }).CheckAsync(new Uri("http://feeds.example.com/"), Ct));

    private sealed class StaticOptions(OutboundUrlOptions value) : IOptionsMonitor<OutboundUrlOptions>
    {
        public OutboundUrlOptions CurrentValue => value;

        public OutboundUrlOptions Get(string? name) => value;

        public IDisposable? OnChange(Action<OutboundUrlOptions, string?> listener) => null;
    }
}
