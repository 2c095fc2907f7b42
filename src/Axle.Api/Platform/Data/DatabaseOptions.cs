using System.ComponentModel.DataAnnotations;

namespace Axle.Api.Platform.Data;

public enum DatabaseProvider
{
    Sqlite,
    Postgres,
}

/// <summary>Which database Axle runs on. The connection string is <c>ConnectionStrings:Axle</c>.</summary>
public sealed class DatabaseOptions
{
    public const string Section = "Database";

    [EnumDataType(typeof(DatabaseProvider))]
    public DatabaseProvider Provider { get; set; } = DatabaseProvider.Sqlite;

    /// <summary>SQLite busy timeout: how long a writer waits for the lock before failing.</summary>
    [Range(100, 600_000)]
    public int SqliteBusyTimeoutMs { get; set; } = 10_000;
}
