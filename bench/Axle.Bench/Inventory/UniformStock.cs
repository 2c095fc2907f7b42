using System.Globalization;
using Npgsql;
using NpgsqlTypes;

namespace Axle.Bench.Inventory;

/// <summary>
/// The stocked SKUs of <c>reserve-uniform</c>: their SKUs in level id order, and the level and part id ranges, which
/// are contiguous and in step (level <c>FirstLevelId + i</c> holds part <c>FirstPartId + i</c>) so pgbench can draw both.
/// </summary>
internal sealed record UniformStockSet(IReadOnlyList<string> Skus, long FirstLevelId, long LastLevelId, long FirstPartId, double LoadSeconds)
{
    public int Count => Skus.Count;
}

/// <summary>
/// Loads stock for the first <c>--skus</c> parts of a generated catalog into three warehouses (part i into warehouse
/// i mod 3, one level per SKU) with binary <c>COPY</c>: the levels and, for each, one <c>initial</c> movement of the same
/// quantity, so the ledger reconciles. On hand is large enough that no run ever runs out. A second run finds the
/// warehouses stocked and reuses them.
/// </summary>
internal static class UniformStock
{
    public const int OnHand = 1_000_000;
    public const string Reference = "bench-uniform";
    private static readonly string[] Codes = ["UNI-1", "UNI-2", "UNI-3"];

    public static async Task<UniformStockSet> EnsureAsync(string connection, int skus, TextWriter log, CancellationToken ct)
    {
        await using var db = new NpgsqlConnection(connection);
        await db.OpenAsync(ct);
        var loadSeconds = 0.0;
        await using (var transaction = await db.BeginTransactionAsync(ct))
        {
            var warehouses = await WarehousesAsync(db, ct);
            var existing = await ScalarAsync(db, """SELECT COUNT(*) FROM stock_levels WHERE "WarehouseId" = ANY(@w)""", warehouses, ct);
            if (existing == 0)
            {
                var started = TimeProvider.System.GetTimestamp();
                var parts = await PartIdsAsync(db, skus, ct);
                await CopyLevelsAsync(db, parts, warehouses, ct);
                await CopyMovementsAsync(db, parts, warehouses, ct);
                loadSeconds = TimeProvider.System.GetElapsedTime(started).TotalSeconds;
                await log.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                    $"loaded {parts.Count:N0} levels and {parts.Count:N0} initial movements with COPY in {loadSeconds:F1} s ({2 * parts.Count / loadSeconds:N0} rows/s)"));
            }
            else
            {
                await log.WriteLineAsync($"warehouses {string.Join(", ", Codes)} already hold {existing:N0} levels; reusing them");
            }

            await transaction.CommitAsync(ct);
        }

        await using (var analyze = new NpgsqlCommand("ANALYZE stock_levels; ANALYZE stock_movements", db))
        {
            await analyze.ExecuteNonQueryAsync(ct);
        }

        var levels = new List<(long LevelId, long PartId, string Sku)>();
        await using (var command = new NpgsqlCommand(
            """
            SELECT l."Id", l."PartId", p."Sku" FROM stock_levels l JOIN parts p ON p."Id" = l."PartId"
            WHERE l."WarehouseId" = ANY(@w) ORDER BY l."Id"
            """, db))
        {
            command.Parameters.AddWithValue("w", await WarehousesAsync(db, ct));
            await using var reader = await command.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                levels.Add((reader.GetInt64(0), reader.GetInt64(1), reader.GetString(2)));
            }
        }

        if (levels.Count == 0)
        {
            throw new UsageException("The database has no parts to stock; run `generate` first.");
        }

        var (firstLevel, firstPart) = (levels[0].LevelId, levels[0].PartId);
        if (levels.Where((l, i) => l.LevelId != firstLevel + i || l.PartId != firstPart + i).Any())
        {
            throw new UsageException(
                "The stocked levels' ids are not contiguous and in step with their parts' ids; pgbench cannot draw them. " +
                "Use a freshly generated database.");
        }

        return new UniformStockSet([.. levels.Select(l => l.Sku)], firstLevel, levels[^1].LevelId, firstPart, loadSeconds);
    }

    private static async Task<long[]> WarehousesAsync(NpgsqlConnection db, CancellationToken ct)
    {
        await using (var insert = new NpgsqlCommand(
            """
            INSERT INTO warehouses ("Code", "Name", "AddressLine1", "AddressCity", "AddressRegion", "AddressPostalCode",
                                    "AddressCountry", "Active", "CreatedAt", "UpdatedAt", "Version")
            SELECT code, 'Bench ' || code, '1 Bench Way', 'Dallas', 'TX', '75212', 'US', TRUE, now(), now(), 1
            FROM unnest(@codes) AS code
            ON CONFLICT ("Code") DO NOTHING
            """, db))
        {
            insert.Parameters.AddWithValue("codes", Codes);
            await insert.ExecuteNonQueryAsync(ct);
        }

        await using var select = new NpgsqlCommand("""SELECT "Id" FROM warehouses WHERE "Code" = ANY(@codes) ORDER BY "Code" """, db);
        select.Parameters.AddWithValue("codes", Codes);
        var ids = new List<long>();
        await using var reader = await select.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            ids.Add(reader.GetInt64(0));
        }

        return [.. ids];
    }

    private static async Task<List<long>> PartIdsAsync(NpgsqlConnection db, int skus, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand("""SELECT "Id" FROM parts ORDER BY "Id" LIMIT @n""", db);
        command.Parameters.AddWithValue("n", skus);
        var ids = new List<long>(skus);
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            ids.Add(reader.GetInt64(0));
        }

        return ids;
    }

    private static Task CopyLevelsAsync(NpgsqlConnection db, List<long> parts, long[] warehouses, CancellationToken ct)
    {
        var now = DateTime.UtcNow;
        return CopyAsync(db, "stock_levels", ["ReorderPoint", "ReorderQuantity", "UpdatedAt", "Version"], parts, warehouses, async (copy, token) =>
        {
            await copy.WriteAsync(0, NpgsqlDbType.Integer, token);
            await copy.WriteAsync(0, NpgsqlDbType.Integer, token);
            await copy.WriteAsync(now, NpgsqlDbType.TimestampTz, token);
            await copy.WriteAsync(1L, NpgsqlDbType.Bigint, token);
        }, ct);
    }

    private static Task CopyMovementsAsync(NpgsqlConnection db, List<long> parts, long[] warehouses, CancellationToken ct)
    {
        var now = DateTime.UtcNow;
        return CopyAsync(db, "stock_movements", ["Reason", "Actor", "ReferenceType", "ReferenceId", "Note", "OccurredAt"], parts, warehouses,
            async (copy, token) =>
            {
                // The enum names, as EF Core's string conversions store them.
                await copy.WriteAsync("Initial", NpgsqlDbType.Text, token);
                await copy.WriteAsync("system", NpgsqlDbType.Text, token);
                await copy.WriteAsync("Adjustment", NpgsqlDbType.Text, token);
                await copy.WriteAsync(Reference, NpgsqlDbType.Text, token);
                await copy.WriteAsync("Bench opening balance", NpgsqlDbType.Text, token);
                await copy.WriteAsync(now, NpgsqlDbType.TimestampTz, token);
            }, ct);
    }

    /// <summary>
    /// One row per part: part, its warehouse (i mod 3), <see cref="OnHand"/> and 0 (a level's on hand and reserved, or a
    /// movement's deltas: the table's first four columns), then the rest of the row from <paramref name="writeRest"/>.
    /// </summary>
    private static async Task CopyAsync(
        NpgsqlConnection db, string table, string[] restColumns, List<long> parts, long[] warehouses,
        Func<NpgsqlBinaryImporter, CancellationToken, Task> writeRest, CancellationToken ct)
    {
        string[] first = table == "stock_levels"
            ? ["PartId", "WarehouseId", "OnHand", "Reserved"]
            : ["PartId", "WarehouseId", "DeltaOnHand", "DeltaReserved"];
        var columns = string.Join(", ", first.Concat(restColumns).Select(c => $"\"{c}\""));
        await using var copy = await db.BeginBinaryImportAsync($"COPY {table} ({columns}) FROM STDIN (FORMAT BINARY)", ct);
        for (var i = 0; i < parts.Count; i++)
        {
            await copy.StartRowAsync(ct);
            await copy.WriteAsync(parts[i], NpgsqlDbType.Bigint, ct);
            await copy.WriteAsync(warehouses[i % warehouses.Length], NpgsqlDbType.Bigint, ct);
            await copy.WriteAsync(OnHand, NpgsqlDbType.Integer, ct);
            await copy.WriteAsync(0, NpgsqlDbType.Integer, ct);
            await writeRest(copy, ct);
        }

        await copy.CompleteAsync(ct);
    }

    private static async Task<long> ScalarAsync(NpgsqlConnection db, string sql, long[] warehouses, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(sql, db);
        command.Parameters.AddWithValue("w", warehouses);
        return Convert.ToInt64(await command.ExecuteScalarAsync(ct), CultureInfo.InvariantCulture);
    }
}
