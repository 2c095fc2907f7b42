using System.Security.Claims;
using Axle.Api.Features.Catalog;
using Axle.Api.Platform.Data;
using Axle.Api.Platform.Messaging;
using Axle.Api.Platform.Security;
using Microsoft.EntityFrameworkCore;

namespace Axle.Api.Features.Inventory;

/// <summary>Who and why: what every movement written by a change records.</summary>
public sealed record LedgerEntry(
    MovementReason Reason, MovementReference ReferenceType, string ReferenceId, string Actor, string? Note = null);

/// <summary>
/// A level as it stands right after a change, inside the changing transaction, with the change's deltas (0 for a level
/// only read).
/// </summary>
public sealed record LevelChange(
    long LevelId, long PartId, string Sku, long WarehouseId, string WarehouseCode, int OnHand, int Reserved,
    int ReorderPoint, int ReorderQuantity, long Version, int DeltaOnHand, int DeltaReserved)
{
    public int Available => OnHand - Reserved;

    public int AvailableBefore => Available - (DeltaOnHand - DeltaReserved);

    public StockChange ForCatalog() => new(PartId, AvailableBefore, Available);
}

/// <summary>
/// The one way stock quantities change. Each change is a single conditional UPDATE that the database applies only when
/// the result stays valid (on hand ≥ 0, 0 ≤ reserved ≤ on hand); zero rows means "not enough" and nothing changed.
/// In the same transaction it adds the ledger row, an <c>inventory.changed</c> event, and <c>inventory.low_stock</c>
/// when available crosses the reorder point from above. Callers begin the transaction, apply their changes in level id
/// order (so concurrent multi-level changes cannot deadlock), save and commit; then tell the catalog cache
/// (<see cref="CatalogCache.StockChangedAsync"/> with each change's <see cref="LevelChange.ForCatalog"/>).
/// </summary>
public static class StockLedger
{
    public const string ChangedEvent = "inventory.changed";
    public const string LowStockEvent = "inventory.low_stock";

    /// <summary>
    /// The conditional update, returning the level as it now stands (with the part's SKU and the warehouse's code)
    /// instead of re-reading it while the row stays locked. PostgreSQL and SQLite (≥ 3.35) both support RETURNING.
    /// Parameters: the level, Δ on hand, Δ reserved, the net claim on available (Δ reserved − Δ on hand), now.
    /// </summary>
    internal const string ApplySql = """
        UPDATE stock_levels
        SET "OnHand" = "OnHand" + @onHand, "Reserved" = "Reserved" + @reserved, "Version" = "Version" + 1, "UpdatedAt" = @now
        WHERE "Id" = @level AND "OnHand" + @onHand >= 0 AND "Reserved" + @reserved >= 0 AND "OnHand" - "Reserved" >= @net
        RETURNING "Id" AS "LevelId", "PartId",
            (SELECT p."Sku" FROM parts p WHERE p."Id" = stock_levels."PartId") AS "Sku",
            "WarehouseId",
            (SELECT w."Code" FROM warehouses w WHERE w."Id" = stock_levels."WarehouseId") AS "WarehouseCode",
            "OnHand", "Reserved", "ReorderPoint", "ReorderQuantity", "Version",
            @onHand AS "DeltaOnHand", @reserved AS "DeltaReserved"
        """;

    /// <summary>
    /// Applies <paramref name="deltaOnHand"/> and <paramref name="deltaReserved"/> to a level if the result is valid.
    /// Returns the level after the change, or null when the level does not exist or the change would break a rule
    /// (short stock). The movement and events are added to <paramref name="db"/> and written by the caller's save.
    /// </summary>
    public static async Task<LevelChange?> TryApplyAsync(
        AppDbContext db, long levelId, int deltaOnHand, int deltaReserved, LedgerEntry entry, DateTime now, CancellationToken ct)
    {
        if (await TryUpdateAsync(db, levelId, deltaOnHand, deltaReserved, now, ct) is not { } after)
        {
            return null;
        }

        Record(db, after, entry, now);
        return after;
    }

    /// <summary>
    /// The conditional update of <see cref="TryApplyAsync"/> alone, through <see cref="RawSql"/> (one round trip while the
    /// row is locked; the update hands back the values it produced). The caller writes <see cref="Rows"/> for the change.
    /// </summary>
    internal static async Task<LevelChange?> TryUpdateAsync(
        AppDbContext db, long levelId, int deltaOnHand, int deltaReserved, DateTime now, CancellationToken ct)
    {
        if (db.Database.CurrentTransaction is null)
        {
            throw new InvalidOperationException("Stock changes run inside a transaction that also writes the ledger.");
        }

        if (deltaOnHand == 0 && deltaReserved == 0)
        {
            throw new ArgumentException("A stock change changes something.", nameof(deltaOnHand));
        }

        var rows = await RawSql.QueryAsync(db, ApplySql, ReadChange, ct,
            ("@level", levelId), ("@onHand", deltaOnHand), ("@reserved", deltaReserved), ("@net", deltaReserved - deltaOnHand), ("@now", now));
        return rows is [var after] ? after : null;
    }

    private static LevelChange ReadChange(System.Data.Common.DbDataReader r) => new(
        r.GetInt64(0), r.GetInt64(1), r.GetString(2), r.GetInt64(3), r.GetString(4), r.GetInt32(5), r.GetInt32(6), r.GetInt32(7),
        r.GetInt32(8), r.GetInt64(9), r.GetInt32(10), r.GetInt32(11));

    /// <summary>What a change must leave behind, as new rows: the movement, its events (see <see cref="Record"/>).</summary>
    internal static IEnumerable<object> Rows(LevelChange after, LedgerEntry entry, DateTime now)
    {
        yield return Movement(after, entry, now);
        yield return ChangedMessage(after, entry, now);
        if (StockLevel.CrossedReorderPoint(after.AvailableBefore, after.Available, after.ReorderPoint))
        {
            yield return LowStockMessage(after, now);
        }
    }

    /// <summary>
    /// Writes what a change applied by a conditional update must leave behind: the movement, <c>inventory.changed</c>, and
    /// <c>inventory.low_stock</c> when available crossed the reorder point. For callers that update levels in bulk
    /// (supplier sync) with <paramref name="after"/> as their statement returned it.
    /// </summary>
    internal static void Record(AppDbContext db, LevelChange after, LedgerEntry entry, DateTime now) =>
        db.AddRange(Rows(after, entry, now));

    /// <summary>
    /// <see cref="Record"/> for many changes made by one set-based statement: their movements and events are written in
    /// bulk (<see cref="BulkInsert"/>), inside the caller's transaction.
    /// </summary>
    internal static async Task RecordManyAsync(AppDbContext db, IReadOnlyList<LevelChange> changes, LedgerEntry entry, DateTime now, CancellationToken ct)
    {
        var rows = changes.SelectMany(after => Rows(after, entry, now)).ToList();
        var movements = rows.OfType<StockMovement>().ToList();
        var messages = rows.OfType<OutboxMessage>().ToList();

        await BulkInsert.AddAsync(db, movements, ct);
        await BulkInsert.AddAsync(db, messages, ct);
    }

    private static StockMovement Movement(LevelChange after, LedgerEntry entry, DateTime now) =>
        new(after.PartId, after.WarehouseId, after.DeltaOnHand, after.DeltaReserved, entry.Reason, entry.Actor,
            entry.ReferenceType, entry.ReferenceId, entry.Note, now);

    private static OutboxMessage ChangedMessage(LevelChange after, LedgerEntry entry, DateTime now) =>
        Outbox.Create(ChangedEvent, new
        {
            after.PartId,
            after.Sku,
            after.WarehouseId,
            after.WarehouseCode,
            after.OnHand,
            after.Reserved,
            after.Available,
            after.DeltaOnHand,
            after.DeltaReserved,
            entry.Reason,
            Reference = new { Type = entry.ReferenceType, Id = entry.ReferenceId },
        }, now);

    internal static void AddLowStock(AppDbContext db, LevelChange level, DateTime now) => db.Add(LowStockMessage(level, now));

    private static OutboxMessage LowStockMessage(LevelChange level, DateTime now) =>
        Outbox.Create(LowStockEvent, new
        {
            level.PartId,
            level.Sku,
            level.WarehouseId,
            level.WarehouseCode,
            level.Available,
            level.ReorderPoint,
            level.ReorderQuantity,
            SuggestedPurchaseQuantity = StockLevel.SuggestedPurchase(level.Available, level.ReorderPoint, level.ReorderQuantity),
        }, now);

    internal static Task<LevelChange> ReadAsync(AppDbContext db, long levelId, CancellationToken ct) =>
        db.Set<StockLevel>().AsNoTracking()
            .Where(l => l.Id == levelId)
            .Select(l => new LevelChange(
                l.Id, l.PartId, db.Set<Part>().Where(p => p.Id == l.PartId).Select(p => p.Sku).First(), l.WarehouseId,
                l.Warehouse!.Code, l.OnHand, l.Reserved, l.ReorderPoint, l.ReorderQuantity, l.Version, 0, 0))
            .SingleAsync(ct);

    /// <summary>
    /// The level ids of (part, warehouse) pairs, creating empty levels that do not exist yet. Run it before the changing
    /// transaction: a lost insert race is a unique violation, which on PostgreSQL would abort a surrounding transaction.
    /// An empty level is consistent with an empty ledger, so creating one needs no movement.
    /// </summary>
    public static async Task<Dictionary<(long PartId, long WarehouseId), long>> EnsureLevelsAsync(
        AppDbContext db, IReadOnlyCollection<(long PartId, long WarehouseId)> keys, DateTime now, CancellationToken ct)
    {
        var result = new Dictionary<(long, long), long>();
        foreach (var (partId, warehouseId) in keys.Distinct())
        {
            for (var attempt = 0; ; attempt++)
            {
                var id = await db.Set<StockLevel>()
                    .Where(l => l.PartId == partId && l.WarehouseId == warehouseId)
                    .Select(l => (long?)l.Id)
                    .FirstOrDefaultAsync(ct);
                if (id is { } existing)
                {
                    result[(partId, warehouseId)] = existing;
                    break;
                }

                var level = new StockLevel(partId, warehouseId, now);
                db.Add(level);
                try
                {
                    await db.SaveChangesAsync(ct);
                    result[(partId, warehouseId)] = level.Id;
                    break;
                }
                catch (DbUpdateException e) when (DbErrors.IsUniqueViolation(e) && attempt == 0)
                {
                    // Another request created it between our read and insert: read it again.
                }
                finally
                {
                    db.Entry(level).State = EntityState.Detached;
                }
            }
        }

        return result;
    }
}

/// <summary>How the ledger names who made a change.</summary>
public static class Actors
{
    public const string System = "system";

    /// <summary>The user id, <c>client:&lt;id&gt;</c> for a machine client, or <c>system</c> when nobody is signed in.</summary>
    public static string Of(ClaimsPrincipal? principal) =>
        principal?.MachineClientId() is { } client ? AxleClaims.ClientSubjectPrefix + client
        : principal?.UserId() is { } user ? user.ToString()
        : System;
}
