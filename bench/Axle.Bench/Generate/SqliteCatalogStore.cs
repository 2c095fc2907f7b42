using Axle.Api.Features.Catalog;
using Axle.Api.Platform.Data;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace Axle.Bench.Generate;

/// <summary>
/// SQLite: one connection, one transaction, one prepared INSERT per table reused for every row, with
/// <c>synchronous=OFF</c> and WAL for the load. Secondary indexes are dropped first and rebuilt from their own
/// <c>CREATE INDEX</c> text, which is faster than maintaining them row by row.
/// </summary>
internal sealed class SqliteCatalogStore(string connectionString) : ICatalogStore
{
    private readonly SqliteConnection _connection = new(connectionString);
    private readonly List<string> _dropped = [];
    private SqliteTransaction? _transaction;

    public async Task MigrateAsync(CancellationToken ct)
    {
        var options = new DbContextOptionsBuilder<SqliteAppDbContext>().UseSqlite(connectionString).Options;
        await using var db = new SqliteAppDbContext(options);
        await db.Database.OpenConnectionAsync(ct);
        await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", ct);
        await db.Database.MigrateAsync(ct);
        await db.Database.CloseConnectionAsync();
    }

    public async Task<long> CountAsync(string table, CancellationToken ct)
    {
        await OpenAsync(ct);
        return Convert.ToInt64(await ScalarAsync($"SELECT COUNT(*) FROM \"{table}\"", ct), System.Globalization.CultureInfo.InvariantCulture);
    }

    public async Task BeginAsync(IReadOnlyList<string> tables, CancellationToken ct)
    {
        await OpenAsync(ct);
        // Ids are assigned here and consistent by construction; checking every foreign key row by row buys nothing.
        await ExecuteAsync("PRAGMA synchronous=OFF; PRAGMA journal_mode=WAL; PRAGMA foreign_keys=OFF; PRAGMA cache_size=-131072; PRAGMA temp_store=MEMORY;", ct);
        _transaction = (SqliteTransaction)await _connection.BeginTransactionAsync(ct);
        foreach (var table in tables)
        {
            await using var list = Command(
                "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = $table AND sql IS NOT NULL");
            list.Parameters.AddWithValue("$table", table);
            var indexes = new List<(string Name, string Sql)>();
            await using (var reader = await list.ExecuteReaderAsync(ct))
            {
                while (await reader.ReadAsync(ct))
                {
                    indexes.Add((reader.GetString(0), reader.GetString(1)));
                }
            }

            foreach (var (name, sql) in indexes)
            {
                await ExecuteAsync($"DROP INDEX \"{name}\"", ct);
                _dropped.Add(sql);
            }
        }

        // vehicle_parts is derived from fitments in one statement after the load, not by its triggers row by row.
        await ExecuteAsync(VehiclePartsSql.SqliteDrop, ct);
    }

    public async Task<long> LoadAsync<T>(TableSpec<T> table, IEnumerable<T> rows, CancellationToken ct)
    {
        await using var insert = Command(
            $"INSERT INTO \"{table.Name}\" ({string.Join(", ", table.Columns.Select(c => $"\"{c}\""))}) " +
            $"VALUES ({string.Join(", ", table.Columns.Select((_, i) => $"$p{i}"))})");
        var sink = new ParameterSink(insert, table.Columns.Length);
        insert.Prepare();
        long count = 0;
        foreach (var row in rows)
        {
            sink.Reset();
            table.Write(row, sink);
            // Microsoft.Data.Sqlite's async calls complete synchronously anyway; the sync call saves a task per row.
            insert.ExecuteNonQuery();
            if (++count % 100_000 == 0)
            {
                ct.ThrowIfCancellationRequested();
            }
        }

        return count;
    }

    public async Task RebuildIndexesAsync(CancellationToken ct)
    {
        // SqliteCreate recreates the triggers and refills the table.
        await ExecuteAsync(VehiclePartsSql.SqliteCreate, ct);
        foreach (var sql in _dropped)
        {
            await ExecuteAsync(sql, ct);
        }

        await _transaction!.CommitAsync(ct);
        await _transaction.DisposeAsync();
        _transaction = null;
    }

    public async Task FinishAsync(TextWriter log, CancellationToken ct)
    {
        // A search full-text index (FTS5 over parts) may have been added by a later migration: refill it from parts.
        var fts = new List<string>();
        await using (var list = Command(
            // A contentless table (content='') is filled by Axle's triggers as rows go in and cannot be rebuilt;
            // only external-content tables need the rebuild.
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE '%fts%' AND sql LIKE 'CREATE VIRTUAL TABLE%' " +
            "AND sql NOT LIKE '%content=''''%'"))
        await using (var reader = await list.ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct))
            {
                fts.Add(reader.GetString(0));
            }
        }

        foreach (var name in fts)
        {
            await log.WriteLineAsync($"  rebuilding full-text table {name}");
            await ExecuteAsync($"INSERT INTO \"{name}\"(\"{name}\") VALUES('rebuild')", ct);
        }

        await ExecuteAsync("ANALYZE", ct);
        await ExecuteAsync("PRAGMA wal_checkpoint(TRUNCATE)", ct);
    }

    public async ValueTask DisposeAsync()
    {
        if (_transaction is not null)
        {
            await _transaction.DisposeAsync();
        }

        await _connection.DisposeAsync();
        SqliteConnection.ClearAllPools();
    }

    private async Task OpenAsync(CancellationToken ct)
    {
        if (_connection.State != System.Data.ConnectionState.Open)
        {
            await _connection.OpenAsync(ct);
        }
    }

    private SqliteCommand Command(string sql)
    {
        var command = _connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = _transaction;
        command.CommandTimeout = 0;
        return command;
    }

    private async Task ExecuteAsync(string sql, CancellationToken ct)
    {
        await using var command = Command(sql);
        await command.ExecuteNonQueryAsync(ct);
    }

    private async Task<object?> ScalarAsync(string sql, CancellationToken ct)
    {
        await using var command = Command(sql);
        return await command.ExecuteScalarAsync(ct);
    }

    /// <summary>Fills the prepared command's parameters in column order.</summary>
    private sealed class ParameterSink : IRowSink
    {
        private readonly SqliteParameter[] _parameters;
        private int _next;

        public ParameterSink(SqliteCommand command, int columns)
        {
            _parameters = new SqliteParameter[columns];
            for (var i = 0; i < columns; i++)
            {
                _parameters[i] = command.Parameters.Add($"$p{i}", SqliteType.Integer);
            }
        }

        public void Reset() => _next = 0;

        public void Int(int value) => Set(value, SqliteType.Integer);

        public void Long(long value) => Set(value, SqliteType.Integer);

        public void Text(string value) => Set(value, SqliteType.Text);

        public void NullableText(string? value) => Set(value is null ? DBNull.Value : value, SqliteType.Text);

        public void Bool(bool value) => Set(value ? 1L : 0L, SqliteType.Integer);

        // EF Core's SQLite format for DateTime: ISO text without an offset; the API's converter marks it UTC on read.
        public void Timestamp(DateTime utc) =>
            Set(utc.ToString("yyyy-MM-dd HH:mm:ss.FFFFFFF", System.Globalization.CultureInfo.InvariantCulture), SqliteType.Text);

        public void Null() => Set(DBNull.Value, SqliteType.Text);

        private void Set(object value, SqliteType type)
        {
            var parameter = _parameters[_next++];
            parameter.SqliteType = type;
            parameter.Value = value;
        }
    }
}
