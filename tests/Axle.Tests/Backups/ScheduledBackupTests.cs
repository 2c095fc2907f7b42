using Axle.Api.Features.Backups;
using Axle.Api.Platform.Data;
using Axle.Api.Platform.Hosting;
using Axle.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Axle.Tests.Backups;

/// <summary>Backups daily at 03:00 UTC, two kept.</summary>
public sealed class ScheduledBackupFactory : AxleFactory
{
    protected override IDictionary<string, string?> Overrides => new Dictionary<string, string?>
    {
        ["Backup:Schedule"] = "0 3 * * *",
        ["Backup:Keep"] = "2",
    };
}

public sealed class BadScheduleFactory : AxleFactory
{
    protected override IDictionary<string, string?> Overrides => new Dictionary<string, string?> { ["Backup:Schedule"] = "every night" };
}

/// <summary>Scheduled backups with a pg_dump that is not there.</summary>
public sealed class MissingPgDumpFactory : AxleFactory
{
    protected override IDictionary<string, string?> Overrides => new Dictionary<string, string?>
    {
        ["Backup:Schedule"] = "0 3 * * *",
        ["Backup:PgDumpPath"] = "/nonexistent/pg_dump",
    };
}

public sealed class ScheduledBackupTests : IAsyncLifetime
{
    private readonly ScheduledBackupFactory _factory = new();

    public ValueTask InitializeAsync() => _factory.InitializeAsync();

    public ValueTask DisposeAsync() => _factory.DisposeAsync();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private BackupStore Store => _factory.Services.GetRequiredService<BackupStore>();

    private Task<int> RunWorkerAsync() => _factory.Services.GetRequiredService<BackupWorker>().RunOnceAsync(Ct);

    [Fact]
    public async Task Worker_takes_a_backup_when_due_prunes_the_oldest_beyond_keep_and_leaves_other_files_alone()
    {
        Directory.CreateDirectory(Store.Directory);
        var oldest = OldFile("20240101T030000000Z");
        var older = OldFile("20240102T030000000Z");
        var operatorsOwn = Path.Combine(Store.Directory, "before-upgrade.zip");
        await File.WriteAllTextAsync(operatorsOwn, "kept", Ct);

        // The newest file predates the last 03:00, so the schedule has fired since.
        Assert.Equal(1, await RunWorkerAsync());

        var files = Store.List();
        Assert.Equal(2, files.Count);
        Assert.Equal(Path.GetFileName(older), files[1].Name);
        Assert.False(File.Exists(oldest));
        Assert.True(File.Exists(operatorsOwn));
        await _factory.RunOkAsync("verify", "--from", files[0].Path);

        // Nothing is due until the next 03:00.
        Assert.Equal(0, await RunWorkerAsync());
        Assert.Equal(2, Store.List().Count);
    }

    [Fact]
    public async Task Worker_skips_an_occurrence_whose_lease_another_instance_holds()
    {
        await using (var scope = _factory.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
            Assert.True(await Leases.TryAcquireAsync(db, BackupWorker.LeaseName, "other-instance", TimeSpan.FromHours(1), DateTime.UtcNow, Ct));
        }

        Assert.Equal(0, await RunWorkerAsync());
        Assert.Empty(Store.List());
    }

    [Fact]
    public async Task Backup_command_into_the_folder_prunes_it_but_an_explicit_out_file_does_not_count()
    {
        OldFile("20240101T030000000Z");
        OldFile("20240102T030000000Z");
        var outside = _factory.BackupPath();

        await _factory.RunOkAsync("backup", "--out", outside);
        Assert.Equal(2, Store.List().Count);

        var report = await _factory.RunOkAsync("backup");
        Assert.Equal(["axle-" + Provider + "-20240101T030000000Z.zip"], report.GetProperty("deleted").EnumerateArray().Select(d => d.GetString()));
        Assert.Equal(2, Store.List().Count);
        Assert.True(File.Exists(outside));
    }

    [Fact]
    public async Task A_schedule_that_is_not_cron_stops_the_app_at_start_up()
    {
        await using var factory = new BadScheduleFactory();

        var error = Assert.ThrowsAny<Exception>(() => factory.Server);

        Assert.Contains("not a cron expression", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_failing_pg_dump_is_a_clear_failure_and_frees_the_occurrence_for_a_retry()
    {
        Assert.SkipUnless(AxleFactory.IsPostgres, "PostgreSQL only: SQLite needs no external tool.");
        await using var factory = new MissingPgDumpFactory();
        await factory.InitializeAsync();

        var (exit, report) = await factory.RunAsync("backup");
        Assert.Equal(BackupCommand.ExitFailed, exit);
        Assert.Contains("Backup:PgDumpPath", report.GetProperty("problem").GetString(), StringComparison.Ordinal);

        Assert.Equal(0, await factory.Services.GetRequiredService<BackupWorker>().RunOnceAsync(Ct));
        await using var scope = factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        Assert.True(await Leases.TryAcquireAsync(db, BackupWorker.LeaseName, "other-instance", TimeSpan.FromMinutes(5), DateTime.UtcNow, Ct));
        Assert.Empty(Directory.Exists(factory.Services.GetRequiredService<BackupStore>().Directory)
            ? Directory.GetFiles(factory.Services.GetRequiredService<BackupStore>().Directory) : []);
    }

    private static string Provider => AxleFactory.IsPostgres ? "postgres" : "sqlite";

    private string OldFile(string stamp)
    {
        Directory.CreateDirectory(Store.Directory);
        var path = Path.Combine(Store.Directory, $"axle-{Provider}-{stamp}.zip");
        File.WriteAllText(path, "an old backup");
        return path;
    }
}
