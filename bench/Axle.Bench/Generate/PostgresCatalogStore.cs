using System.Globalization;
using Axle.Api.Features.Catalog;
using Axle.Api.Platform.Data;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using NpgsqlTypes;

namespace Axle.Bench.Generate;

/// <summary>
/// PostgreSQL: binary <c>COPY ... FROM STDIN</c> per table. Secondary indexes and foreign keys of the big tables are
/// dropped first and recreated from their own definitions afterwards (building an index once, and validating a
/// foreign key in one pass, beats doing both per row). Explicit ids are written, so identity sequences are moved past them.
/// </summary>
internal sealed class PostgresCatalogStore(string connectionString) : ICatalogStore
{
    private readonly NpgsqlConnection _connection = new(connectionString);
    private readonly List<string> _restore = [];
    private readonly List<string> _loaded = [];
    private NpgsqlTransaction? _transaction;

    public async Task MigrateAsync(CancellationToken ct)
    {
        var options = new DbContextOptionsBuilder<PostgresAppDbContext>().UseNpgsql(connectionString).Options;
        await using var db = new PostgresAppDbContext(options);
        await db.Database.MigrateAsync(ct);
    }

    public async Task<long> CountAsync(string table, CancellationToken ct)
    {
        await OpenAsync(ct);
        await using var command = new NpgsqlCommand($"SELECT COUNT(*) FROM \"{table}\"", _connection);
        return Convert.ToInt64(await command.ExecuteScalarAsync(ct), CultureInfo.InvariantCulture);
    }

    public async Task BeginAsync(IReadOnlyList<string> tables, CancellationToken ct)
    {
        await OpenAsync(ct);
        // All or nothing: a failed load leaves the schema (indexes, foreign keys) as it was.
        _transaction = await _connection.BeginTransactionAsync(ct);
        var names = tables.ToArray();
        // Foreign keys from or to these tables; re-adding them checks every loaded row once.
        var foreignKeys = await ReadAsync(
            """
            SELECT c.conrelid::regclass::text, c.conname, pg_get_constraintdef(c.oid)
            FROM pg_constraint c
            WHERE c.contype = 'f' AND (c.conrelid::regclass::text = ANY(@t) OR c.confrelid::regclass::text = ANY(@t))
            """, names, ct);
        // Indexes that do not back a constraint (primary keys stay).
        var indexes = await ReadAsync(
            """
            SELECT i.indrelid::regclass::text, ci.relname, pg_get_indexdef(i.indexrelid)
            FROM pg_index i JOIN pg_class ci ON ci.oid = i.indexrelid
            WHERE i.indrelid::regclass::text = ANY(@t)
              AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid)
            """, names, ct);
        foreach (var (table, name, definition) in foreignKeys)
        {
            await ExecuteAsync($"ALTER TABLE {table} DROP CONSTRAINT \"{name}\"", ct);
            _restore.Add($"ALTER TABLE {table} ADD CONSTRAINT \"{name}\" {definition}");
        }

        foreach (var (_, name, definition) in indexes)
        {
            await ExecuteAsync($"DROP INDEX \"{name}\"", ct);
            _restore.Insert(0, definition);
        }

        // vehicle_parts is derived from fitments in one statement after the load, not by the trigger per COPY.
        await ExecuteAsync("ALTER TABLE fitments DISABLE TRIGGER fitments_vehicle_parts_insert", ct);
    }

    public async Task<long> LoadAsync<T>(TableSpec<T> table, IEnumerable<T> rows, CancellationToken ct)
    {
        var columns = string.Join(", ", table.Columns.Select(c => $"\"{c}\""));
        await using var importer = await _connection.BeginBinaryImportAsync(
            $"COPY \"{table.Name}\" ({columns}) FROM STDIN (FORMAT BINARY)", ct);
        // Completing a million-part COPY (the FTS triggers fire per row) outlasts the connection's 30 s command timeout.
        // Not TimeSpan.Zero: this Npgsql takes it literally and times out at once.
        importer.Timeout = TimeSpan.FromHours(1);
        var sink = new CopySink(importer);
        long count = 0;
        foreach (var row in rows)
        {
            await importer.StartRowAsync(ct);
            table.Write(row, sink);
            count++;
        }

        await importer.CompleteAsync(ct);
        _loaded.Add(table.Name);
        return count;
    }

    public async Task RebuildIndexesAsync(CancellationToken ct)
    {
        // More memory for sorting makes index builds and foreign key validation much faster.
        await ExecuteAsync("SET maintenance_work_mem = '256MB'", ct);
        await ExecuteAsync("SET work_mem = '256MB'", ct);
        await ExecuteAsync(VehiclePartsSql.PostgresRebuild, ct);
        await ExecuteAsync("ALTER TABLE fitments ENABLE TRIGGER fitments_vehicle_parts_insert", ct);
        foreach (var sql in _restore)
        {
            await ExecuteAsync(sql, ct);
        }

        await _transaction!.CommitAsync(ct);
        await _transaction.DisposeAsync();
        _transaction = null;
    }

    public async Task FinishAsync(TextWriter log, CancellationToken ct)
    {
        foreach (var table in _loaded)
        {
            await ExecuteAsync(
                $"SELECT setval(pg_get_serial_sequence('\"{table}\"', 'Id'), COALESCE((SELECT MAX(\"Id\") FROM \"{table}\"), 0) + 1, false)", ct);
        }

        // A search engineer's full-text support may be a materialized view; refresh it (a tsvector column or trigger needs nothing).
        foreach (var (_, name, _) in await ReadAsync(
            "SELECT schemaname, matviewname, '' FROM pg_matviews WHERE matviewname LIKE '%fts%' AND schemaname = ANY(@t)",
            ["public"], ct))
        {
            await log.WriteLineAsync($"  refreshing materialized view {name}");
            await ExecuteAsync($"REFRESH MATERIALIZED VIEW \"{name}\"", ct);
        }

        await ExecuteAsync("ANALYZE", ct);
    }

    public async ValueTask DisposeAsync()
    {
        if (_transaction is not null)
        {
            await _transaction.DisposeAsync();
        }

        await _connection.DisposeAsync();
    }

    private async Task OpenAsync(CancellationToken ct)
    {
        if (_connection.State != System.Data.ConnectionState.Open)
        {
            await _connection.OpenAsync(ct);
        }
    }

    private async Task ExecuteAsync(string sql, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(sql, _connection, _transaction) { CommandTimeout = 0 };
        await command.ExecuteNonQueryAsync(ct);
    }

    private async Task<List<(string, string, string)>> ReadAsync(string sql, string[] names, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(sql, _connection, _transaction);
        command.Parameters.AddWithValue("t", names);
        var rows = new List<(string, string, string)>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            rows.Add((reader.GetString(0), reader.GetString(1), reader.GetString(2)));
        }

        return rows;
    }

    private sealed class CopySink(NpgsqlBinaryImporter importer) : IRowSink
    {
        public void Int(int value) => importer.Write(value, NpgsqlDbType.Integer);

        public void Long(long value) => importer.Write(value, NpgsqlDbType.Bigint);

        public void Text(string value) => importer.Write(value, NpgsqlDbType.Text);

        public void NullableText(string? value)
        {
            if (value is null)
            {
                importer.WriteNull();
            }
            else
            {
                importer.Write(value, NpgsqlDbType.Text);
            }
        }

        public void Bool(bool value) => importer.Write(value, NpgsqlDbType.Boolean);

        public void Timestamp(DateTime utc) => importer.Write(utc, NpgsqlDbType.TimestampTz);

        public void Null() => importer.WriteNull();
    }
}
