using System.Net;
using Axle.Api.Platform.Data;
using Axle.Tests.Infrastructure;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Axle.Tests.Platform;

public sealed class HttpsRequiredFactory : AxleFactory
{
    protected override IDictionary<string, string?> Overrides => new Dictionary<string, string?>
    {
        ["Security:RequireHttps"] = "true",
        ["https_port"] = "443",
    };
}

public sealed class HttpsTests(HttpsRequiredFactory factory) : IClassFixture<HttpsRequiredFactory>
{
    [Fact]
    public async Task Plain_http_is_redirected_to_https_when_https_is_required()
    {
        var client = factory.CreateClient(new WebApplicationFactoryClientOptions
        {
            AllowAutoRedirect = false,
            BaseAddress = new Uri("http://axle.test"),
        });
        var response = await client.GetAsync("/api/v1/anything", TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.TemporaryRedirect, response.StatusCode);
        Assert.Equal("https://axle.test/api/v1/anything", response.Headers.Location?.ToString());
    }

    [Fact]
    public async Task Https_responses_carry_a_two_year_hsts_header()
    {
        var client = factory.CreateClient(new WebApplicationFactoryClientOptions { BaseAddress = new Uri("https://axle.test") });
        var response = await client.GetAsync("/health/live", TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("max-age=63072000; includeSubDomains", response.Headers.GetValues("Strict-Transport-Security").Single());
    }

    [Fact]
    public async Task Sqlite_runs_in_wal_mode()
    {
        Assert.SkipWhen(AxleFactory.IsPostgres, "SQLite only");
        await using var scope = factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        var mode = await db.Database.SqlQueryRaw<string>("SELECT journal_mode AS \"Value\" FROM pragma_journal_mode")
            .SingleAsync(TestContext.Current.CancellationToken);
        Assert.Equal("wal", mode);
    }
}
