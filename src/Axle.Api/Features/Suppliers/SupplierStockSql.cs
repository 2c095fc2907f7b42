using System.Data.Common;
using System.Text.Json;
using Axle.Api.Features.Inventory;
using Axle.Api.Platform.Data;
using Microsoft.EntityFrameworkCore;

namespace Axle.Api.Features.Suppliers;

/// <summary>A stock level as a supplier apply reads it, with what the supplier last said about it.</summary>
internal sealed record LevelState(
    long LevelId, long PartId, long WarehouseId, int OnHand, int Reserved, DateTime? SourceUpdatedAt, string Sku, string WarehouseCode);

/// <summary>What the supplier snapshot keeps for one level after an apply.</summary>
internal sealed record SnapshotRow(
    long LevelId, long PartId, long WarehouseId, int Quantity, long? PriceMinor, string? Currency, DateTime SourceUpdatedAt);

/// <summary>
/// Set-based statements of a supplier apply: a page of hundreds or thousands of records is a handful of statements, not
/// a round trip per row. The rows travel as arrays (PostgreSQL <c>unnest</c>) or one JSON array (SQLite <c>json_each</c>),
/// as the catalog import's fitment statements do. All run in the caller's transaction.
/// </summary>
internal static class SupplierStockSql
{
    // Empty levels are consistent with an empty ledger, so they need no movement; a concurrent creator simply wins.
    public const string PostgresEnsureLevels = """
        INSERT INTO stock_levels ("PartId", "WarehouseId", "OnHand", "Reserved", "ReorderPoint", "ReorderQuantity", "UpdatedAt", "Version")
        SELECT k.part, k.warehouse, 0, 0, 0, 0, @now, 1 FROM unnest(@parts, @warehouses) AS k(part, warehouse)
        ON CONFLICT ("PartId", "WarehouseId") DO NOTHING
        """;

    public const string SqliteEnsureLevels = """
        INSERT INTO stock_levels ("PartId", "WarehouseId", "OnHand", "Reserved", "ReorderPoint", "ReorderQuantity", "UpdatedAt", "Version")
        SELECT j.value ->> 0, j.value ->> 1, 0, 0, 0, 0, $now, 1 FROM json_each($rows) j WHERE true
        ON CONFLICT ("PartId", "WarehouseId") DO NOTHING
        """;

    // A level new to Axle is created with the supplier's figure: one write instead of an empty level and then an update
    // (a first full pull creates every level of its feed). A concurrent creator wins (no row comes back for it) and its
    // level goes the usual way. The SKU comes back for the movement's event, as the conditional updates return it.
    public const string PostgresCreateLevels = """
        INSERT INTO stock_levels ("PartId", "WarehouseId", "OnHand", "Reserved", "ReorderPoint", "ReorderQuantity", "UpdatedAt", "Version")
        SELECT k.part, k.warehouse, k.onhand, 0, 0, 0, @now, 1 FROM unnest(@parts, @warehouses, @onhands) AS k(part, warehouse, onhand)
        ON CONFLICT ("PartId", "WarehouseId") DO NOTHING
        RETURNING "Id", "PartId", "WarehouseId", "OnHand", (SELECT p."Sku" FROM parts p WHERE p."Id" = stock_levels."PartId")
        """;

    public const string SqliteCreateLevels = """
        INSERT INTO stock_levels ("PartId", "WarehouseId", "OnHand", "Reserved", "ReorderPoint", "ReorderQuantity", "UpdatedAt", "Version")
        SELECT j.value ->> 0, j.value ->> 1, j.value ->> 2, 0, 0, 0, $now, 1 FROM json_each($rows) j WHERE true
        ON CONFLICT ("PartId", "WarehouseId") DO NOTHING
        RETURNING "Id", "PartId", "WarehouseId", "OnHand", (SELECT p."Sku" FROM parts p WHERE p."Id" = stock_levels."PartId")
        """;

    public const string PostgresReadLevels = """
        SELECT l."Id", l."PartId", l."WarehouseId", l."OnHand", l."Reserved", s."SourceUpdatedAt", p."Sku", w."Code"
        FROM unnest(@parts, @warehouses) AS k(part, warehouse)
        JOIN stock_levels l ON l."PartId" = k.part AND l."WarehouseId" = k.warehouse
        JOIN parts p ON p."Id" = l."PartId"
        JOIN warehouses w ON w."Id" = l."WarehouseId"
        LEFT JOIN supplier_stock s ON s."LevelId" = l."Id"
        """;

    public const string SqliteReadLevels = """
        SELECT l."Id", l."PartId", l."WarehouseId", l."OnHand", l."Reserved", s."SourceUpdatedAt", p."Sku", w."Code"
        FROM json_each($rows) j
        JOIN stock_levels l ON l."PartId" = j.value ->> 0 AND l."WarehouseId" = j.value ->> 1
        JOIN parts p ON p."Id" = l."PartId"
        JOIN warehouses w ON w."Id" = l."WarehouseId"
        LEFT JOIN supplier_stock s ON s."LevelId" = l."Id"
        """;

    /// <summary>
    /// Sets each level's on hand to the supplier's figure, but only where nothing moved it since it was read (on hand still
    /// the expected value) and it stays at or above reserved; returns the levels it changed as they now stand. A level left
    /// out went the slow way (re-read, shortfall handling) — never a lost update.
    /// </summary>
    public const string PostgresSetOnHand = """
        UPDATE stock_levels AS l
        SET "OnHand" = v.target, "Version" = l."Version" + 1, "UpdatedAt" = @now
        FROM unnest(@ids, @expected, @targets) AS v(id, expected, target)
        WHERE l."Id" = v.id AND l."OnHand" = v.expected AND v.target >= l."Reserved"
        RETURNING l."Id", l."OnHand", l."Reserved", l."ReorderPoint", l."ReorderQuantity", l."Version"
        """;

    // SQLite's RETURNING may not name the FROM table, so it returns the level's own columns and the caller knows the delta.
    public const string SqliteSetOnHand = """
        UPDATE stock_levels
        SET "OnHand" = v.target, "Version" = stock_levels."Version" + 1, "UpdatedAt" = $now
        FROM (SELECT j.value ->> 0 AS id, j.value ->> 1 AS expected, j.value ->> 2 AS target FROM json_each($rows) j) AS v
        WHERE stock_levels."Id" = v.id AND stock_levels."OnHand" = v.expected AND v.target >= stock_levels."Reserved"
        RETURNING "Id", "OnHand", "Reserved", "ReorderPoint", "ReorderQuantity", "Version"
        """;

    public const string PostgresUpsertSnapshot = """
        INSERT INTO supplier_stock ("LevelId", "SupplierId", "PartId", "WarehouseId", "TheirQuantity", "TheirPriceMinor",
            "TheirCurrency", "SourceUpdatedAt", "AppliedAt", "LastSeenRunId")
        SELECT r.level, @supplier, r.part, r.warehouse, r.quantity, r.price, r.currency, r.at, @now, CAST(@run AS uuid)
        FROM unnest(@levels, @parts, @warehouses, @quantities, @prices, @currencies, @ats)
            AS r(level, part, warehouse, quantity, price, currency, at)
        ON CONFLICT ("LevelId") DO UPDATE SET
            "TheirQuantity" = excluded."TheirQuantity",
            "TheirPriceMinor" = coalesce(excluded."TheirPriceMinor", supplier_stock."TheirPriceMinor"),
            "TheirCurrency" = coalesce(excluded."TheirCurrency", supplier_stock."TheirCurrency"),
            "SourceUpdatedAt" = greatest(excluded."SourceUpdatedAt", supplier_stock."SourceUpdatedAt"),
            "AppliedAt" = excluded."AppliedAt",
            "LastSeenRunId" = coalesce(excluded."LastSeenRunId", supplier_stock."LastSeenRunId")
        """;

    // Times travel as ISO 8601 text, the way EF Core stores DateTime in SQLite, so max() and comparisons stay textual.
    public const string SqliteUpsertSnapshot = """
        INSERT INTO supplier_stock ("LevelId", "SupplierId", "PartId", "WarehouseId", "TheirQuantity", "TheirPriceMinor",
            "TheirCurrency", "SourceUpdatedAt", "AppliedAt", "LastSeenRunId")
        SELECT j.value ->> 0, $supplier, j.value ->> 1, j.value ->> 2, j.value ->> 3, j.value ->> 4, j.value ->> 5, j.value ->> 6,
            $now, $run
        FROM json_each($rows) j WHERE true
        ON CONFLICT ("LevelId") DO UPDATE SET
            "TheirQuantity" = excluded."TheirQuantity",
            "TheirPriceMinor" = coalesce(excluded."TheirPriceMinor", supplier_stock."TheirPriceMinor"),
            "TheirCurrency" = coalesce(excluded."TheirCurrency", supplier_stock."TheirCurrency"),
            "SourceUpdatedAt" = max(excluded."SourceUpdatedAt", supplier_stock."SourceUpdatedAt"),
            "AppliedAt" = excluded."AppliedAt",
            "LastSeenRunId" = coalesce(excluded."LastSeenRunId", supplier_stock."LastSeenRunId")
        """;

    /// <summary>Remembers event ids; returns those not seen before (the others are repeats and must not apply again).</summary>
    public const string PostgresClaimEvents = """
        INSERT INTO supplier_events ("SupplierId", "EventId", "SeenAt")
        SELECT @supplier, e, @now FROM unnest(@events) AS e
        ON CONFLICT ("SupplierId", "EventId") DO NOTHING
        RETURNING "EventId"
        """;

    public const string SqliteClaimEvents = """
        INSERT INTO supplier_events ("SupplierId", "EventId", "SeenAt")
        SELECT $supplier, j.value, $now FROM json_each($rows) j WHERE true
        ON CONFLICT ("SupplierId", "EventId") DO NOTHING
        RETURNING "EventId"
        """;

    /// <summary>PostgreSQL: one apply per supplier at a time (push worker and pull sync), until the transaction ends.</summary>
    public const string PostgresApplyLock = "SELECT pg_advisory_xact_lock(7412093, @supplier::int)";

    public static async Task LockSupplierAsync(AppDbContext db, long supplierId, CancellationToken ct)
    {
        if (db.Database.IsNpgsql())
        {
            // SQLite needs nothing: its transactions begin IMMEDIATE and exclude every other writer.
            await ExecuteAsync(db, PostgresApplyLock, ct, ("supplier", (object)(int)supplierId));
        }
    }

    public static Task EnsureLevelsAsync(AppDbContext db, IReadOnlyCollection<(long Part, long Warehouse)> keys, DateTime now, CancellationToken ct) =>
        db.Database.IsNpgsql()
            ? ExecuteAsync(db, PostgresEnsureLevels, ct,
                ("parts", keys.Select(k => k.Part).ToArray()), ("warehouses", keys.Select(k => k.Warehouse).ToArray()), ("now", now))
            : ExecuteAsync(db, SqliteEnsureLevels, ct,
                ("$rows", JsonSerializer.Serialize(keys.Select(k => new[] { k.Part, k.Warehouse }))), ("$now", now));

    /// <summary>
    /// Creates the levels that do not exist yet with their first on-hand figure; returns those it created, as changes from
    /// an empty level (<paramref name="warehouseCodes"/> names their warehouses). A level someone else created meanwhile is
    /// left out: the caller reads it and applies to it as to any existing level.
    /// </summary>
    public static Task<List<LevelChange>> CreateLevelsAsync(
        AppDbContext db, IReadOnlyCollection<(long Part, long Warehouse, int OnHand)> rows, IReadOnlyDictionary<long, string> warehouseCodes,
        DateTime now, CancellationToken ct) =>
        QueryAsync(db,
            db.Database.IsNpgsql() ? PostgresCreateLevels : SqliteCreateLevels,
            r =>
            {
                var onHand = r.GetInt32(3);
                var warehouseId = r.GetInt64(2);
                return new LevelChange(r.GetInt64(0), r.GetInt64(1), r.GetString(4), warehouseId, warehouseCodes[warehouseId], onHand, 0, 0, 0, 1,
                    onHand, 0);
            },
            ct,
            db.Database.IsNpgsql()
                ? [("parts", rows.Select(r => r.Part).ToArray()), ("warehouses", rows.Select(r => r.Warehouse).ToArray()),
                    ("onhands", rows.Select(r => r.OnHand).ToArray()), ("now", now)]
                : [("$rows", JsonSerializer.Serialize(rows.Select(r => new[] { r.Part, r.Warehouse, r.OnHand }))), ("$now", now)]);

    public static Task<List<LevelState>> ReadLevelsAsync(AppDbContext db, IReadOnlyCollection<(long Part, long Warehouse)> keys, CancellationToken ct) =>
        QueryAsync(db,
            db.Database.IsNpgsql() ? PostgresReadLevels : SqliteReadLevels,
            r => new LevelState(r.GetInt64(0), r.GetInt64(1), r.GetInt64(2), r.GetInt32(3), r.GetInt32(4),
                r.IsDBNull(5) ? null : DateTime.SpecifyKind(r.GetDateTime(5), DateTimeKind.Utc), r.GetString(6), r.GetString(7)),
            ct,
            db.Database.IsNpgsql()
                ? [("parts", keys.Select(k => k.Part).ToArray()), ("warehouses", keys.Select(k => k.Warehouse).ToArray())]
                : [("$rows", JsonSerializer.Serialize(keys.Select(k => new[] { k.Part, k.Warehouse })))]);

    /// <summary>Sets on hand where the level is as expected; returns the changed levels (deltas filled in from the expectation).</summary>
    public static async Task<List<LevelChange>> SetOnHandAsync(
        AppDbContext db, IReadOnlyList<(LevelState Level, int Target)> rows, DateTime now, CancellationToken ct)
    {
        var read = rows.ToDictionary(r => r.Level.LevelId, r => r.Level);
        var postgres = db.Database.IsNpgsql();
        // The level's part, SKU, warehouse and code were read with it; the statement returns only what it changed.
        var changed = await QueryAsync(db, postgres ? PostgresSetOnHand : SqliteSetOnHand,
            r =>
            {
                var level = read[r.GetInt64(0)];
                var onHand = r.GetInt32(1);
                return new LevelChange(level.LevelId, level.PartId, level.Sku, level.WarehouseId, level.WarehouseCode, onHand,
                    r.GetInt32(2), r.GetInt32(3), r.GetInt32(4), r.GetInt64(5), onHand - level.OnHand, 0);
            },
            ct,
            postgres
                ? [("ids", rows.Select(r => r.Level.LevelId).ToArray()), ("expected", rows.Select(r => r.Level.OnHand).ToArray()),
                    ("targets", rows.Select(r => r.Target).ToArray()), ("now", now)]
                : [("$rows", JsonSerializer.Serialize(rows.Select(r => new[] { r.Level.LevelId, r.Level.OnHand, r.Target }))), ("$now", now)]);
        return changed;
    }

    public static Task UpsertSnapshotAsync(
        AppDbContext db, long supplierId, Guid? runId, IReadOnlyList<SnapshotRow> rows, DateTime now, CancellationToken ct) =>
        db.Database.IsNpgsql()
            ? ExecuteAsync(db, PostgresUpsertSnapshot, ct,
                ("supplier", supplierId), ("now", now), ("run", (object?)runId ?? DBNull.Value),
                ("levels", rows.Select(r => r.LevelId).ToArray()), ("parts", rows.Select(r => r.PartId).ToArray()),
                ("warehouses", rows.Select(r => r.WarehouseId).ToArray()), ("quantities", rows.Select(r => r.Quantity).ToArray()),
                ("prices", rows.Select(r => r.PriceMinor).ToArray()), ("currencies", rows.Select(r => r.Currency).ToArray()),
                ("ats", rows.Select(r => r.SourceUpdatedAt).ToArray()))
            : ExecuteAsync(db, SqliteUpsertSnapshot, ct,
                ("$supplier", supplierId), ("$now", now), ("$run", (object?)runId?.ToString().ToUpperInvariant() ?? DBNull.Value),
                ("$rows", JsonSerializer.Serialize(rows.Select(r => new object?[]
                {
                    r.LevelId, r.PartId, r.WarehouseId, r.Quantity, r.PriceMinor, r.Currency, SqliteTime(r.SourceUpdatedAt),
                }))));

    public static async Task<HashSet<string>> ClaimEventsAsync(
        AppDbContext db, long supplierId, IReadOnlyCollection<string> eventIds, DateTime now, CancellationToken ct)
    {
        var fresh = await QueryAsync(db, db.Database.IsNpgsql() ? PostgresClaimEvents : SqliteClaimEvents, r => r.GetString(0), ct,
            db.Database.IsNpgsql()
                ? [("supplier", supplierId), ("now", now), ("events", eventIds.ToArray())]
                : [("$supplier", supplierId), ("$now", now), ("$rows", JsonSerializer.Serialize(eventIds))]);
        return [.. fresh];
    }

    /// <summary>EF Core's SQLite text form of a UTC DateTime (<c>yyyy-MM-dd HH:mm:ss.FFFFFFF</c>), so stored values compare.</summary>
    internal static string SqliteTime(DateTime utc) => utc.ToString("yyyy-MM-dd HH:mm:ss.FFFFFFF", System.Globalization.CultureInfo.InvariantCulture);

    // Supplier applies run inside the caller's transaction; RawSql runs the statements on its connection.
    private static Task<int> ExecuteAsync(AppDbContext db, string sql, CancellationToken ct, params (string Name, object? Value)[] parameters) =>
        RawSql.ExecuteAsync(InTransaction(db), sql, ct, parameters);

    private static Task<List<T>> QueryAsync<T>(
        AppDbContext db, string sql, Func<DbDataReader, T> read, CancellationToken ct, params (string Name, object? Value)[] parameters) =>
        RawSql.QueryAsync(InTransaction(db), sql, read, ct, parameters);

    private static AppDbContext InTransaction(AppDbContext db) => db.Database.CurrentTransaction is not null
        ? db
        : throw new InvalidOperationException("Supplier applies run inside the caller's transaction.");
}
