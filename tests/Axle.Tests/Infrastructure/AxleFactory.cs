using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Npgsql;

namespace Axle.Tests.Infrastructure;

/// <summary>
/// The real app on a real database of its own. The provider comes from the same configuration the app reads
/// (<c>Database__Provider</c>, <c>ConnectionStrings__Axle</c>), so <c>dotnet test</c> runs on SQLite and the same command
/// with those two variables runs on PostgreSQL. Each factory gets a fresh SQLite file or a fresh PostgreSQL database.
/// With <c>Redis__Configuration</c> set the app uses that Redis, under a key prefix of the factory's own.
/// </summary>
public class AxleFactory : WebApplicationFactory<Program>, IAsyncLifetime
{
    public const string AdminEmail = "admin@axle.test";

    private readonly string _dataDirectory;
    private readonly string? _postgresDatabase;
    private readonly string? _postgresConnection;

    public AxleFactory()
    {
        _dataDirectory = Path.Combine(Path.GetTempPath(), "axle-tests", Guid.NewGuid().ToString("N"));
        AdminPassword = "Adm1n-" + Guid.NewGuid().ToString("N");
        RedisInstanceName = "axle-test:" + Guid.NewGuid().ToString("N")[..16] + ":";
        if (IsPostgres)
        {
            var baseConnection = Environment.GetEnvironmentVariable("ConnectionStrings__Axle")
                ?? throw new InvalidOperationException("Database__Provider=Postgres needs ConnectionStrings__Axle.");
            var builder = new NpgsqlConnectionStringBuilder(baseConnection);
            _postgresDatabase = "axle_test_" + Guid.NewGuid().ToString("N")[..16];
            builder.Database = _postgresDatabase;
            _postgresConnection = builder.ConnectionString;
        }
    }

    /// <summary>
    /// A second instance of <paramref name="first"/>'s app, as a second process behind the same load balancer: the same
    /// database, data directory (so the same signing and Data Protection keys), bootstrap admin and Redis key prefix.
    /// <paramref name="first"/> owns that storage and removes it; this one leaves it alone.
    /// </summary>
    protected AxleFactory(AxleFactory first)
    {
        _dataDirectory = first._dataDirectory;
        _postgresConnection = first._postgresConnection;
        AdminPassword = first.AdminPassword;
        RedisInstanceName = first.RedisInstanceName;
        SharesStorage = true;
    }

    public static bool IsPostgres => string.Equals(
        Environment.GetEnvironmentVariable("Database__Provider"), "Postgres", StringComparison.OrdinalIgnoreCase);

    /// <summary>Whether <c>Redis__Configuration</c> points the apps at a Redis server.</summary>
    public static bool IsRedis => !string.IsNullOrWhiteSpace(Environment.GetEnvironmentVariable("Redis__Configuration"));

    /// <summary>Password of the bootstrap admin; random per factory, never a default.</summary>
    public string AdminPassword { get; }

    /// <summary>Prefix of this factory's Redis keys, so test classes sharing one Redis never see each other's counts or cache.</summary>
    public string RedisInstanceName { get; }

    /// <summary>True for a second instance made with <see cref="AxleFactory(AxleFactory)"/>.</summary>
    public bool SharesStorage { get; }

    public string DataDirectory => _dataDirectory;

    /// <summary>Settings a test class overrides (e.g. tight rate limits). Applied after the defaults.</summary>
    protected virtual IDictionary<string, string?> Overrides => new Dictionary<string, string?>();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        var settings = new Dictionary<string, string?>
        {
            ["DataDirectory"] = _dataDirectory,
            ["Security:RequireHttps"] = "false",
            ["Workers:Enabled"] = "false",
            ["Seed:Demo"] = "false",
            ["Bootstrap:AdminEmail"] = AdminEmail,
            ["Bootstrap:AdminPassword"] = AdminPassword,
            ["RateLimiting:PerIdentityPermits"] = "100000",
            ["RateLimiting:PerIpPermits"] = "100000",
            ["RateLimiting:AuthPermits"] = "100000",
            ["Logging:LogLevel:Default"] = "Warning",
            ["Logging:LogLevel:Microsoft"] = "Warning",
            ["Redis:InstanceName"] = RedisInstanceName,
        };
        if (_postgresConnection is not null)
        {
            settings["Database:Provider"] = "Postgres";
            settings["ConnectionStrings:Axle"] = _postgresConnection;
        }

        foreach (var (key, value) in Overrides)
        {
            settings[key] = value;
        }

        foreach (var (key, value) in settings)
        {
            builder.UseSetting(key, value);
        }
    }

    public ValueTask InitializeAsync()
    {
        // Starting the server applies migrations and runs start-up tasks.
        _ = Server;
        return ValueTask.CompletedTask;
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        if (SharesStorage)
        {
            GC.SuppressFinalize(this);
            return;
        }

        if (_postgresDatabase is not null && _postgresConnection is not null)
        {
            await DropDatabaseAsync(_postgresConnection, _postgresDatabase);
        }

        try
        {
            Directory.Delete(_dataDirectory, recursive: true);
        }
        catch (IOException)
        {
            // A file still held open by a pooled connection; the temp folder is cleaned by the OS.
        }

        GC.SuppressFinalize(this);
    }

    /// <summary>
    /// Drops the class's throw-away database. Under a loaded CI box the drop has now and then failed (a timeout while
    /// other classes create and drop theirs), which failed a run whose tests had all passed; it is retried, and a database
    /// that still cannot be dropped is reported and left behind for the cluster's cleanup (CI clusters are ephemeral).
    /// </summary>
    private static async Task DropDatabaseAsync(string connectionString, string database)
    {
        var admin = new NpgsqlConnectionStringBuilder(connectionString) { Database = "postgres", Pooling = false, CommandTimeout = 120 };
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                NpgsqlConnection.ClearAllPools();
                await using var connection = new NpgsqlConnection(admin.ConnectionString);
                await connection.OpenAsync();
                await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{database}\" WITH (FORCE)", connection);
                await drop.ExecuteNonQueryAsync();
                return;
            }
            catch (Exception e) when (e is NpgsqlException or TimeoutException or InvalidOperationException)
            {
                if (attempt == 3)
                {
                    await Console.Error.WriteLineAsync($"Could not drop test database {database}: {e.GetType().Name}: {e.Message}");
                    return;
                }

                await Task.Delay(TimeSpan.FromSeconds(attempt));
            }
        }
    }
}
