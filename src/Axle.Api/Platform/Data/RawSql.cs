using System.Collections.Concurrent;
using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Storage;

namespace Axle.Api.Platform.Data;

/// <summary>
/// A named SQL constant run on the context's own connection (opened for the call when closed) and in its transaction
/// when one is open, with plain ADO.NET: no query pipeline, no change tracker. Parameters are written as <c>@name</c> in
/// the SQL and created through EF Core's type mapping for their CLR type, so a value is stored exactly as EF Core stores
/// it on either database (a <see cref="Guid"/> as text on SQLite, as <c>uuid</c> on PostgreSQL).
/// For the hot paths where EF Core's per-statement cost was measured (STYLE.md rule 6).
/// </summary>
internal static class RawSql
{
    private static readonly ConcurrentDictionary<(IRelationalTypeMappingSource Source, Type Type), RelationalTypeMapping> Mappings = new();

    /// <summary>Runs <paramref name="sql"/> and reads each row with <paramref name="read"/>.</summary>
    public static async Task<List<T>> QueryAsync<T>(
        AppDbContext db, string sql, Func<DbDataReader, T> read, CancellationToken ct, params (string Name, object? Value)[] parameters)
    {
        var opened = await OpenAsync(db, ct);
        try
        {
            await using var command = Command(db, sql, parameters);
            var rows = new List<T>();
            await using var reader = await command.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                rows.Add(read(reader));
            }

            return rows;
        }
        finally
        {
            if (opened)
            {
                await db.Database.CloseConnectionAsync();
            }
        }
    }

    /// <summary>Runs <paramref name="sql"/>; returns the rows it affected.</summary>
    public static async Task<int> ExecuteAsync(AppDbContext db, string sql, CancellationToken ct, params (string Name, object? Value)[] parameters)
    {
        var opened = await OpenAsync(db, ct);
        try
        {
            await using var command = Command(db, sql, parameters);
            return await command.ExecuteNonQueryAsync(ct);
        }
        finally
        {
            if (opened)
            {
                await db.Database.CloseConnectionAsync();
            }
        }
    }

    private static DbCommand Command(AppDbContext db, string sql, (string Name, object? Value)[] parameters)
    {
        var command = db.Database.GetDbConnection().CreateCommand();
        command.CommandText = sql;
        command.Transaction = db.Database.CurrentTransaction?.GetDbTransaction();
        var source = db.GetService<IRelationalTypeMappingSource>();
        foreach (var (name, value) in parameters)
        {
            command.Parameters.Add(Parameter(source, command, name, value));
        }

        return command;
    }

    /// <summary>A parameter for <paramref name="value"/> as EF Core would write it (null or <see cref="DBNull"/> → <c>NULL</c>).</summary>
    private static DbParameter Parameter(IRelationalTypeMappingSource source, DbCommand command, string name, object? value)
    {
        if (value is null or DBNull)
        {
            var parameter = command.CreateParameter();
            parameter.ParameterName = name;
            parameter.Value = DBNull.Value;
            return parameter;
        }

        var mapping = Mappings.GetOrAdd((source, value.GetType()), key => key.Source.FindMapping(key.Type)
            ?? throw new InvalidOperationException($"No database type maps {key.Type.Name}."));
        return mapping.CreateParameter(command, name, value);
    }

    private static async Task<bool> OpenAsync(AppDbContext db, CancellationToken ct)
    {
        if (db.Database.GetDbConnection().State == System.Data.ConnectionState.Open)
        {
            return false;
        }

        await db.Database.OpenConnectionAsync(ct);
        return true;
    }
}
