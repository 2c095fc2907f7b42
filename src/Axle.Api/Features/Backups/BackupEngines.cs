using System.ComponentModel;
using CliWrap;
using CliWrap.Buffered;
using Axle.Api.Platform.Data;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Axle.Api.Features.Backups;

/// <summary>What differs between the providers: how a database becomes a payload file and back, and where a scratch copy lives.</summary>
internal interface IBackupEngine
{
    DatabaseProvider Provider { get; }

    string PayloadName { get; }

    /// <summary>Writes a consistent copy of the database to <paramref name="payloadPath"/> while the app keeps running.</summary>
    Task DumpAsync(string connectionString, string payloadPath, CancellationToken ct);

    /// <summary>Replaces the contents of an existing database with the payload's.</summary>
    Task LoadAsync(string payloadPath, string connectionString, CancellationToken ct);

    /// <summary>A connection string for a throw-away database beside the live one (same server or a temp file).</summary>
    string ScratchConnectionString(string connectionString);

    AppDbContext CreateContext(string connectionString);

    /// <summary>Deletes a database (the scratch copy), even if something still holds a connection to it.</summary>
    Task DropDatabaseAsync(string connectionString);

    void ClearPools();
}

/// <summary>SQLite's online backup API: a page-by-page copy under a read transaction, consistent while writers go on.</summary>
internal sealed class SqliteBackupEngine : IBackupEngine
{
    public DatabaseProvider Provider => DatabaseProvider.Sqlite;

    public string PayloadName => "database.sqlite";

    public async Task DumpAsync(string connectionString, string payloadPath, CancellationToken ct)
    {
        await using var source = new SqliteConnection(connectionString);
        await using var destination = new SqliteConnection(FileConnection(payloadPath));
        await source.OpenAsync(ct);
        await destination.OpenAsync(ct);
        source.BackupDatabase(destination);

        // The copy inherits the live file's WAL mode; a rollback journal makes the payload one self-contained file.
        await using var command = destination.CreateCommand();
        command.CommandText = "PRAGMA journal_mode=DELETE;";
        await command.ExecuteNonQueryAsync(ct);
    }

    public async Task LoadAsync(string payloadPath, string connectionString, CancellationToken ct)
    {
        // The same API in the other direction: SQLite swaps every page of the target under its write lock, keeps the
        // target's journal mode, and other connections see the restored data at their next read.
        await using var source = new SqliteConnection(FileConnection(payloadPath));
        await using var destination = new SqliteConnection(connectionString);
        await source.OpenAsync(ct);
        await destination.OpenAsync(ct);
        source.BackupDatabase(destination);
    }

    public string ScratchConnectionString(string connectionString) =>
        FileConnection(Path.Combine(Path.GetTempPath(), $"axle-verify-{Guid.NewGuid():N}.db"));

    public AppDbContext CreateContext(string connectionString) =>
        new SqliteAppDbContext(new DbContextOptionsBuilder<SqliteAppDbContext>().UseSqlite(connectionString).Options);

    public Task DropDatabaseAsync(string connectionString)
    {
        var path = new SqliteConnectionStringBuilder(connectionString).DataSource;
        foreach (var file in new[] { path, path + "-wal", path + "-shm", path + "-journal" })
        {
            File.Delete(file);
        }

        return Task.CompletedTask;
    }

    public void ClearPools() => SqliteConnection.ClearAllPools();

    private static string FileConnection(string path) =>
        new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString();
}

/// <summary>
/// <c>pg_dump --format=custom</c> and <c>pg_restore</c>. The password reaches the tools through <c>PGPASSWORD</c> in their
/// environment, never on a command line another user could read in the process list.
/// </summary>
internal sealed class PostgresBackupEngine(IOptions<BackupOptions> options) : IBackupEngine
{
    public DatabaseProvider Provider => DatabaseProvider.Postgres;

    public string PayloadName => "database.pgdump";

    public Task DumpAsync(string connectionString, string payloadPath, CancellationToken ct) =>
        RunAsync(options.Value.PgDumpPath, connectionString,
            ["--format=custom", "--no-password", $"--file={payloadPath}", $"--dbname={ConnInfo(connectionString)}"], ct);

    public Task LoadAsync(string payloadPath, string connectionString, CancellationToken ct) =>
        // One transaction: a restore that fails half-way leaves the database as it was. No owners or grants from the
        // source cluster, whose roles may not exist here: the connecting role owns what it restores.
        RunAsync(options.Value.PgRestorePath, connectionString,
            ["--clean", "--if-exists", "--no-owner", "--no-privileges", "--single-transaction", "--exit-on-error", "--no-password",
             $"--dbname={ConnInfo(connectionString)}", payloadPath], ct);

    public string ScratchConnectionString(string connectionString) =>
        new NpgsqlConnectionStringBuilder(connectionString) { Database = $"axle_verify_{Guid.NewGuid():N}"[..28], Pooling = false }
            .ConnectionString;

    public AppDbContext CreateContext(string connectionString) =>
        new PostgresAppDbContext(new DbContextOptionsBuilder<PostgresAppDbContext>().UseNpgsql(connectionString).Options);

    public async Task DropDatabaseAsync(string connectionString)
    {
        var scratch = new NpgsqlConnectionStringBuilder(connectionString);
        var admin = new NpgsqlConnectionStringBuilder(connectionString) { Database = "postgres", Pooling = false };
        await using var connection = new NpgsqlConnection(admin.ConnectionString);
        await connection.OpenAsync();
        await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{scratch.Database}\" WITH (FORCE)", connection);
        await drop.ExecuteNonQueryAsync();
    }

    public void ClearPools() => NpgsqlConnection.ClearAllPools();

    private static async Task RunAsync(string tool, string connectionString, IReadOnlyList<string> arguments, CancellationToken ct)
    {
        var password = new NpgsqlConnectionStringBuilder(connectionString).Password;
        BufferedCommandResult result;
        try
        {
            result = await Cli.Wrap(tool)
                .WithArguments(arguments)
                .WithEnvironmentVariables(env => env.Set("PGPASSWORD", password).Set("PGCONNECT_TIMEOUT", "30"))
                .WithValidation(CommandResultValidation.None)
                .ExecuteBufferedAsync(ct);
        }
        catch (Win32Exception e)
        {
            throw new BackupToolException(
                $"Could not run '{tool}' ({e.Message}). Install the PostgreSQL client tools or set Backup:PgDumpPath and Backup:PgRestorePath.");
        }

        if (result.ExitCode != 0)
        {
            throw new BackupToolException($"{Path.GetFileName(tool)} exited with code {result.ExitCode}: {result.StandardError.Trim()}");
        }
    }

    /// <summary>The libpq keyword/value form of the connection, without the password.</summary>
    internal static string ConnInfo(string connectionString)
    {
        var npgsql = new NpgsqlConnectionStringBuilder(connectionString);
        var parts = new List<string>
        {
            Pair("host", npgsql.Host ?? "localhost"),
            Pair("port", npgsql.Port.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            Pair("dbname", npgsql.Database ?? npgsql.Username ?? "postgres"),
            Pair("sslmode", npgsql.SslMode switch
            {
                SslMode.Disable => "disable",
                SslMode.Allow => "allow",
                SslMode.Require => "require",
                SslMode.VerifyCA => "verify-ca",
                SslMode.VerifyFull => "verify-full",
                _ => "prefer",
            }),
            Pair("application_name", "axle-backup"),
        };
        if (npgsql.Username is { Length: > 0 } user)
        {
            parts.Add(Pair("user", user));
        }

        return string.Join(' ', parts);

        static string Pair(string key, string value) =>
            $"{key}='{value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("'", "\\'", StringComparison.Ordinal)}'";
    }
}

/// <summary>pg_dump or pg_restore failed; the message carries the tool's own explanation.</summary>
internal sealed class BackupToolException(string message) : Exception(message);
