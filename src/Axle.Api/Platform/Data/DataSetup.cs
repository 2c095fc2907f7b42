using System.Data.Common;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Npgsql;

namespace Axle.Api.Platform.Data;

public static class DataSetup
{
    public static WebApplicationBuilder AddAxleData(this WebApplicationBuilder builder)
    {
        // Relative paths resolve against the content root (src/Axle.Api under `dotnet run`, the app folder when published).
        var configured = builder.Configuration[AppPaths.ConfigKey] is { Length: > 0 } dir ? dir : "data";
        var paths = new AppPaths(Path.Combine(builder.Environment.ContentRootPath, configured));
        builder.Services.AddSingleton(paths);
        builder.Services.AddOptions<DatabaseOptions>()
            .BindConfiguration(DatabaseOptions.Section)
            .ValidateDataAnnotations()
            .ValidateOnStart();

        // Features observe saves through singleton ISaveChangesInterceptors they register (e.g. order metrics).
        // Contexts are pooled: the options are built once (not per request) and a returned context is reset, not rebuilt.
        // Measured on the reservation path, building options per scope (two contexts per idempotent request) was a
        // visible share of its CPU. A context keeps no state of its own beyond what EF Core resets.
        // The composition root is the one place that reads configuration directly: the provider decides which
        // context type is registered at all.
        var options = builder.Configuration.GetSection(DatabaseOptions.Section).Get<DatabaseOptions>() ?? new DatabaseOptions();
        var connectionString = builder.Configuration.GetConnectionString("Axle");

        switch (options.Provider)
        {
            case DatabaseProvider.Sqlite:
                var sqlite = new SqliteConnectionStringBuilder(
                    string.IsNullOrWhiteSpace(connectionString) ? $"Data Source={paths.DefaultSqliteFile}" : connectionString)
                {
                    ForeignKeys = true,
                    Pooling = true,
                    DefaultTimeout = Math.Max(30, options.SqliteBusyTimeoutMs / 1000),
                };
                var interceptor = new SqlitePragmaInterceptor(options.SqliteBusyTimeoutMs);
                builder.Services.AddDbContextPool<AppDbContext, SqliteAppDbContext>((sp, o) => o
                    .UseSqlite(sqlite.ToString())
                    .AddInterceptors(interceptor)
                    .AddInterceptors(sp.GetServices<ISaveChangesInterceptor>()));
                break;
            case DatabaseProvider.Postgres:
                if (string.IsNullOrWhiteSpace(connectionString))
                {
                    throw new InvalidOperationException(
                        "ConnectionStrings:Axle is required when Database:Provider is Postgres.");
                }

                builder.Services.AddDbContextPool<AppDbContext, PostgresAppDbContext>((sp, o) => o
                    .UseNpgsql(WithAutoPrepare(connectionString))
                    .AddInterceptors(sp.GetServices<ISaveChangesInterceptor>()));
                break;
            default:
                throw new InvalidOperationException($"Unknown Database:Provider '{options.Provider}'.");
        }

        return builder;
    }

    /// <summary>
    /// Npgsql prepares a statement once it has run twice on a connection (unless the connection string chooses otherwise):
    /// EF Core sends the same SQL text for a query shape every time, and planning the fitment search's joins costs
    /// PostgreSQL more than running it (measured: 1.15 ms unprepared, 0.51 ms prepared per search).
    /// </summary>
    internal static string WithAutoPrepare(string connectionString)
    {
        // "Max Auto Prepare" (any spelling Npgsql accepts) in the connection string wins, including 0 to switch it off.
        if (connectionString.Replace(" ", "", StringComparison.Ordinal).Contains("AutoPrepare", StringComparison.OrdinalIgnoreCase))
        {
            return connectionString;
        }

        return new NpgsqlConnectionStringBuilder(connectionString) { MaxAutoPrepare = 64 }.ConnectionString;
    }

    /// <summary>Applies pending migrations (both providers). SQLite is switched to WAL first.</summary>
    public static async Task MigrateDatabaseAsync(this IServiceProvider services, CancellationToken ct = default)
    {
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        if (db.Database.IsSqlite())
        {
            await db.Database.OpenConnectionAsync(ct);
            try
            {
                await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", ct);
            }
            finally
            {
                await db.Database.CloseConnectionAsync();
            }
        }

        await db.Database.MigrateAsync(ct);
    }

    /// <summary>Every pooled SQLite connection waits for the write lock instead of failing at once.</summary>
    private sealed class SqlitePragmaInterceptor(int busyTimeoutMs) : DbConnectionInterceptor
    {
        private readonly string _pragmas = $"PRAGMA busy_timeout={busyTimeoutMs}; PRAGMA synchronous=NORMAL;";

        public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData)
        {
            using var command = connection.CreateCommand();
            command.CommandText = _pragmas;
            command.ExecuteNonQuery();
        }

        public override async Task ConnectionOpenedAsync(
            DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
        {
            await using var command = connection.CreateCommand();
            command.CommandText = _pragmas;
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
    }
}

/// <summary>Lets <c>dotnet ef migrations add</c> build each provider's model without starting the app.</summary>
internal sealed class SqliteDesignTimeFactory : IDesignTimeDbContextFactory<SqliteAppDbContext>
{
    public SqliteAppDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<SqliteAppDbContext>().UseSqlite("Data Source=design-time.db").Options);
}

internal sealed class PostgresDesignTimeFactory : IDesignTimeDbContextFactory<PostgresAppDbContext>
{
    public PostgresAppDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<PostgresAppDbContext>().UseNpgsql("Host=localhost;Database=axle_design").Options);
}
