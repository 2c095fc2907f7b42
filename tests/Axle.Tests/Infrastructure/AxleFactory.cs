using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Npgsql;

namespace Axle.Tests.Infrastructure;

/// <summary>
/// The real app on a real database of its own. The provider comes from the same configuration the app reads
/// (<c>Database__Provider</c>, <c>ConnectionStrings__Axle</c>), so <c>dotnet test</c> runs on SQLite and the same command
/// with those two variables runs on PostgreSQL. Each factory gets a fresh SQLite file or a fresh PostgreSQL database.
/// </summary>
public class AxleFactory : WebApplicationFactory<Program>, IAsyncLifetime
{
    public const string AdminEmail = "admin@axle.test";

    private readonly string _dataDirectory = Path.Combine(Path.GetTempPath(), "axle-tests", Guid.NewGuid().ToString("N"));
    private readonly string? _postgresDatabase;
    private readonly string? _postgresConnection;

    public AxleFactory()
    {
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

    public static bool IsPostgres => string.Equals(
        Environment.GetEnvironmentVariable("Database__Provider"), "Postgres", StringComparison.OrdinalIgnoreCase);

    /// <summary>Password of the bootstrap admin; random per factory, never a default.</summary>
    public string AdminPassword { get; } = "Adm1n-" + Guid.NewGuid().ToString("N");

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
        if (_postgresDatabase is not null && _postgresConnection is not null)
        {
            var admin = new NpgsqlConnectionStringBuilder(_postgresConnection) { Database = "postgres", Pooling = false };
            NpgsqlConnection.ClearAllPools();
            await using var connection = new NpgsqlConnection(admin.ConnectionString);
            await connection.OpenAsync();
            await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{_postgresDatabase}\" WITH (FORCE)", connection);
            await drop.ExecuteNonQueryAsync();
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
}
