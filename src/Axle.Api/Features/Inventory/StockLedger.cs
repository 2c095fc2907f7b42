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

/// <summary>A level as it stands right after a change, inside the changing transaction.</summary>
public sealed record LevelChange(
    long LevelId, long PartId, string Sku, long WarehouseId, string WarehouseCode, int OnHand, int Reserved,
    int ReorderPoint, int ReorderQuantity, long Version)
{
    public int Available => OnHand - Reserved;
}

/// <summary>
/// The one way stock quantities change. Each change is a single conditional UPDATE that the database applies only when
/// the result stays valid (on hand ≥ 0, 0 ≤ reserved ≤ on hand); zero rows means "not enough" and nothing changed.
/// In the same transaction it adds the ledger row, an <c>inventory.changed</c> event, and <c>inventory.low_stock</c>
/// when available crosses the reorder point from above. Callers begin the transaction, apply their changes in level id
/// order (so concurrent multi-level changes cannot deadlock), save and commit; then drop the catalog cache.
/// </summary>
public static class StockLedger
{
    public const string ChangedEvent = "inventory.changed";
    public const string LowStockEvent = "inventory.low_stock";

    /// <summary>
    /// Applies <paramref name="deltaOnHand"/> and <paramref name="deltaReserved"/> to a level if the result is valid.
    /// Returns the level after the change, or null when the level does not exist or the change would break a rule
    /// (short stock). The movement and events are added to <paramref name="db"/> and written by the caller's save.
    /// </summary>
    public static async Task<LevelChange?> TryApplyAsync(
        AppDbContext db, long levelId, int deltaOnHand, int deltaReserved, LedgerEntry entry, DateTime now, CancellationToken ct)
    {
        if (db.Database.CurrentTransaction is null)
        {
            throw new InvalidOperationException("Stock changes run inside a transaction that also writes the ledger.");
        }

        if (deltaOnHand == 0 && deltaReserved == 0)
        {
            throw new ArgumentException("A stock change changes something.", nameof(deltaOnHand));
        }

        var net = deltaReserved - deltaOnHand;
        var updated = await db.Set<StockLevel>()
            .Where(l => l.Id == levelId
                && l.OnHand + deltaOnHand >= 0
                && l.Reserved + deltaReserved >= 0
                && l.OnHand - l.Reserved >= net)
            .ExecuteUpdateAsync(s => s
                .SetProperty(l => l.OnHand, l => l.OnHand + deltaOnHand)
                .SetProperty(l => l.Reserved, l => l.Reserved + deltaReserved)
                .SetProperty(l => l.Version, l => l.Version + 1)
                .SetProperty(l => l.UpdatedAt, now), ct);
        if (updated == 0)
        {
            return null;
        }

        // Read after write, inside the transaction that holds the row: these are exactly the values this change produced.
        var after = await ReadAsync(db, levelId, ct);
        db.Add(new StockMovement(after.PartId, after.WarehouseId, deltaOnHand, deltaReserved, entry.Reason, entry.Actor,
            entry.ReferenceType, entry.ReferenceId, entry.Note, now));
        Outbox.Add(db, ChangedEvent, new
        {
            after.PartId,
            after.Sku,
            after.WarehouseId,
            after.WarehouseCode,
            after.OnHand,
            after.Reserved,
            after.Available,
            DeltaOnHand = deltaOnHand,
            DeltaReserved = deltaReserved,
            entry.Reason,
            Reference = new { Type = entry.ReferenceType, Id = entry.ReferenceId },
        }, now);
        var before = after.Available - (deltaOnHand - deltaReserved);
        if (StockLevel.CrossedReorderPoint(before, after.Available, after.ReorderPoint))
        {
            AddLowStock(db, after, now);
        }

        return after;
    }

    internal static void AddLowStock(AppDbContext db, LevelChange level, DateTime now) =>
        Outbox.Add(db, LowStockEvent, new
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
                l.Warehouse!.Code, l.OnHand, l.Reserved, l.ReorderPoint, l.ReorderQuantity, l.Version))
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
