using System.Data;
using Axle.Api.Platform.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Axle.Tests.Platform;

/// <summary><see cref="RawSql"/> on both databases: typed parameters, SQL nulls, its own connection handling.</summary>
public sealed class RawSqlTests(PlatformFactory factory) : IClassFixture<PlatformFactory>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Null_and_dbnull_parameters_are_sql_nulls_and_values_round_trip()
    {
        await using var scope = factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();

        var rows = await RawSql.QueryAsync(db,
            "SELECT CASE WHEN CAST(@a AS TEXT) IS NULL AND CAST(@b AS TEXT) IS NULL THEN 1 ELSE 0 END, CAST(@n AS BIGINT) + 1, CAST(@s AS TEXT)",
            r => (r.GetInt32(0), r.GetInt64(1), r.GetString(2)), Ct,
            ("@a", null), ("@b", DBNull.Value), ("@n", 41L), ("@s", "ünï ✓"));

        Assert.Equal([(1, 42L, "ünï ✓")], rows);
    }

    [Fact]
    public async Task A_closed_connection_is_opened_for_the_call_and_closed_again()
    {
        await using var scope = factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        var connection = db.Database.GetDbConnection();
        Assert.Equal(ConnectionState.Closed, connection.State);

        var affected = await RawSql.ExecuteAsync(db, "UPDATE reservations SET \"Version\" = \"Version\" WHERE 1 = 0", Ct);

        Assert.Equal(0, affected);
        Assert.Equal(ConnectionState.Closed, connection.State);
    }
}
