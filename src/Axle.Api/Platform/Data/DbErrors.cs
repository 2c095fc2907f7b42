using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Axle.Api.Platform.Data;

/// <summary>Recognises database errors that are expected outcomes rather than bugs, on both providers.</summary>
public static class DbErrors
{
    private const int SqliteConstraint = 19;
    private const int SqliteConstraintPrimaryKey = 1555;
    private const int SqliteConstraintUnique = 2067;

    /// <summary>
    /// True when the save failed because a unique index or primary key already holds the value: the caller lost a race
    /// for a business identity (SKU, idempotency key, inbox event id) and should answer 409 or re-read.
    /// </summary>
    public static bool IsUniqueViolation(DbUpdateException exception) => IsUniqueViolation(exception.InnerException);

    /// <summary>The same check for a provider exception caught outside EF (raw SQL through ADO.NET).</summary>
    public static bool IsUniqueViolation(Exception? exception) => exception switch
    {
        SqliteException { SqliteErrorCode: SqliteConstraint } sqlite =>
            sqlite.SqliteExtendedErrorCode is SqliteConstraintUnique or SqliteConstraintPrimaryKey,
        PostgresException postgres => postgres.SqlState == PostgresErrorCodes.UniqueViolation,
        DbUpdateException update => IsUniqueViolation(update.InnerException),
        _ => false,
    };

    /// <summary>
    /// True when PostgreSQL refused a text value it cannot store: a NUL character (U+0000) in any parameter, which SQLite
    /// and .NET strings accept. The client sent it, so it is a bad request, wherever it reached a query.
    /// </summary>
    public static bool IsUnstorableText(Exception? exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (e is PostgresException { SqlState: PostgresErrorCodes.CharacterNotInRepertoire })
            {
                return true;
            }
        }

        return false;
    }
}
