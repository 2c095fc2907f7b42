using Axle.Api.Platform.Data;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Axle.UnitTests;

public sealed class DbErrorsTests
{
    [Theory]
    [InlineData(19, 2067, true)]
    [InlineData(19, 1555, true)]
    [InlineData(19, 787, false)]
    [InlineData(5, 5, false)]
    public void Sqlite_unique_and_primary_key_violations_are_recognised(int code, int extended, bool unique) =>
        Assert.Equal(unique, DbErrors.IsUniqueViolation(new DbUpdateException("save failed", new SqliteException("constraint", code, extended))));

    [Theory]
    [InlineData(PostgresErrorCodes.UniqueViolation, true)]
    [InlineData(PostgresErrorCodes.ForeignKeyViolation, false)]
    [InlineData(PostgresErrorCodes.SerializationFailure, false)]
    public void Postgres_unique_violations_are_recognised(string sqlState, bool unique) =>
        Assert.Equal(unique, DbErrors.IsUniqueViolation(new DbUpdateException("save failed", new PostgresException("violation", "ERROR", "ERROR", sqlState))));

    [Fact]
    public void Other_failures_are_not_unique_violations() =>
        Assert.False(DbErrors.IsUniqueViolation(new DbUpdateException("save failed", new InvalidOperationException())));
}
