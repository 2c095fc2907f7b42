using System.Net;
using Axle.Api.Features.Audit;
using Axle.Api.Features.Backups;
using Axle.Tests.Audit;
using Axle.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Axle.Tests.Backups;

public sealed class BackupEndpointTests(AxleFactory factory) : IClassFixture<AxleFactory>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Admin_starts_a_backup_with_202_and_then_finds_it_in_the_list()
    {
        var admin = factory.CreateAdminClient();

        var started = await admin.PostAsync(BackupEndpoints.Path, null, Ct);

        var body = await started.AssertJsonAsync(HttpStatusCode.Accepted);
        Assert.Equal("running", body.GetProperty("status").GetString());
        Assert.Equal(BackupEndpoints.Path, started.Headers.Location?.OriginalString);
        await factory.Services.GetRequiredService<BackupRunner>().Current.WaitAsync(TimeSpan.FromSeconds(60), Ct);

        var list = await (await admin.GetAsync(BackupEndpoints.Path, Ct)).AssertJsonAsync(HttpStatusCode.OK);
        Assert.False(list.GetProperty("running").GetBoolean());
        var newest = list.GetProperty("items")[0];
        Assert.StartsWith("axle-", newest.GetProperty("name").GetString(), StringComparison.Ordinal);
        Assert.True(newest.GetProperty("bytes").GetInt64() > 0);
        await factory.RunOkAsync("verify", "--from",
            Path.Combine(factory.Services.GetRequiredService<BackupStore>().Directory, newest.GetProperty("name").GetString()!));
        await factory.Services.GetRequiredService<AuditChainer>().RunOnceAsync(Ct);
        Assert.Contains(await factory.ChainedAsync(), e => e.Action == "admin.backup_requested");
    }

    [Fact]
    public async Task Non_admins_get_403_on_backups()
    {
        var customer = factory.CustomerClient();

        Assert.Equal(HttpStatusCode.Forbidden, (await customer.GetAsync(BackupEndpoints.Path, Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await customer.PostAsync(BackupEndpoints.Path, null, Ct)).StatusCode);
    }
}
