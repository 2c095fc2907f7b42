using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;

namespace Axle.Api.Platform.Data;

/// <summary>
/// One statement for both databases where they differ only by a PostgreSQL clause: write it as a comment
/// <c>/*postgres: FOR UPDATE SKIP LOCKED */</c>. On PostgreSQL the clause is kept; on SQLite it stays a comment. Claim queries
/// use it: PostgreSQL needs row locks so instances skip each other's rows; SQLite has one writer at a time, so the same
/// UPDATE … WHERE id IN (SELECT …) cannot hand a row out twice without them.
/// </summary>
internal static partial class ProviderSql
{
    public static string For(DatabaseFacade database, string sql) => database.IsNpgsql() ? PostgresOnly().Replace(sql, "$1") : sql;

    [GeneratedRegex(@"/\*postgres: (.*?) \*/")]
    private static partial Regex PostgresOnly();
}
