using Axle.Bench;
using Axle.Bench.Load;

namespace Axle.UnitTests.Bench;

public sealed class LocalhostGuardTests
{
    [Theory]
    [InlineData("http://127.0.0.1:5080")]
    [InlineData("http://localhost:5080/api")]
    [InlineData("https://LOCALHOST")]
    [InlineData("http://[::1]:5080")]
    [InlineData("http://127.0.0.2:80")]
    public void Loopback_urls_are_allowed(string url) => Assert.True(LocalhostGuard.IsLocal(new Uri(url)));

    [Theory]
    [InlineData("http://example.com")]
    [InlineData("http://10.0.0.5:5080")]
    [InlineData("http://127.0.0.1.nip.io")]
    [InlineData("http://localhost.example.com")]
    [InlineData("ftp://127.0.0.1")]
    [InlineData("http://0.0.0.0:5080")]
    public void Other_hosts_are_refused(string url)
    {
        Assert.False(LocalhostGuard.IsLocal(new Uri(url)));
        Assert.Throws<UsageException>(() => LocalhostGuard.Ensure(new Uri(url)));
    }
}
