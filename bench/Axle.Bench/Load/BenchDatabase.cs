using System.Data.Common;
using Axle.Bench.Generate;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace Axle.Bench.Load;

/// <summary>Plain ADO.NET reads of the server's database, for commands that check what the API did.</summary>
internal static class BenchDatabase
{
    public static DbConnection Create(DbProvider provider, string connection) =>
        provider == DbProvider.Sqlite ? new SqliteConnection(connection) : new NpgsqlConnection(connection);

    /// <summary>Runs <paramref name="sql"/> with <c>@name</c> parameters (the same syntax on both providers).</summary>
    public static async Task<List<T>> ListAsync<T>(
        DbConnection connection, string sql, Func<DbDataReader, T> read, CancellationToken ct, params (string Name, object Value)[] parameters)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            var parameter = command.CreateParameter();
            parameter.ParameterName = name;
            parameter.Value = value;
            command.Parameters.Add(parameter);
        }

        var list = new List<T>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            list.Add(read(reader));
        }

        return list;
    }
}
