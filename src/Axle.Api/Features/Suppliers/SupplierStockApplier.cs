using Axle.Api.Features.Catalog;
using Axle.Api.Features.Inventory;
using Axle.Api.Features.Suppliers.Mapping;
using Axle.Api.Features.Suppliers.Reconciliation;
using Axle.Api.Platform.Data;
using Axle.Api.Platform.Messaging;
using Microsoft.AspNetCore.OutputCaching;
using Microsoft.EntityFrameworkCore;

namespace Axle.Api.Features.Suppliers;

/// <summary>A mapped record with where it came from (for counting and for its dead letter if it cannot apply).</summary>
internal sealed record ApplyItem(SupplierStockRecord Record, long Position, string Payload);

/// <summary>What an apply does with the folded records.</summary>
internal enum ApplyMode
{
    /// <summary>Set Axle's levels (and prices) to the supplier's.</summary>
    Apply,

    /// <summary>Reconciliation that reports: compare with Axle's levels, record discrepancies, change no stock.</summary>
    Compare,

    /// <summary>Reconciliation that corrects: record discrepancies, then apply.</summary>
    CompareAndCorrect,
}

/// <summary>Who is applying and what the ledger and dead letters should point at.</summary>
internal sealed record ApplyContext(
    long SupplierId,
    string SupplierCode,
    bool ApplyPrices,
    MovementReference ReferenceType,
    string ReferenceId,
    string DeadLetterSource,
    Guid? RunId,
    ApplyMode Mode = ApplyMode.Apply);

/// <summary>What an apply did: its tally, the changes the catalog cache must hear about after commit, and update delays.</summary>
internal sealed record ApplyResult(PageTally Tally, IReadOnlyList<StockChange> CatalogChanges, IReadOnlyList<long> RepricedParts, IReadOnlyList<double> DelaysSeconds);

/// <summary>
/// The one path by which supplier records change stock, shared by pushes (the inbox worker), pulls (sync runs) and dead
/// letter replays. Inside the caller's transaction, for a whole batch at once:
/// resolve warehouses (only those the supplier owns) and parts (SKU, or the supplier's number through its part list and
/// matching); drop repeated event ids; fold each level's records in time order, ignoring those older than the newest
/// already applied (out of order) and refusing deltas that would drive stock negative; set the new on-hand figures with
/// one conditional statement, each change written to the ledger (<c>supplier_sync</c>) with its <c>inventory.changed</c>
/// event; take levels whose new figure is below what is reserved through the reservation shortfall (newest reservations
/// give way, their orders are flagged); record the supplier snapshot; dead-letter every record that cannot apply, while
/// the rest of the batch still applies. The caller saves, commits, and then evicts <see cref="ApplyResult.CatalogChanges"/>.
/// </summary>
internal sealed class SupplierStockApplier(IReservationShortfallListener shortfall)
{
    public const string UnknownWarehouse = "unknown_warehouse";
    public const string UnknownPart = "unknown_part";
    public const string NegativeStock = "insufficient_stock";

    public async Task<ApplyResult> ApplyAsync(
        AppDbContext db, ApplyContext context, IReadOnlyList<ApplyItem> items, IReadOnlyList<DeadLetter> rejectedUpstream,
        DateTime now, CancellationToken ct)
    {
        await SupplierStockSql.LockSupplierAsync(db, context.SupplierId, ct);
        var rejected = rejectedUpstream.Count;
        db.AddRange(rejectedUpstream);
        var ignored = 0;

        var warehouses = await db.Set<SupplierWarehouse>().AsNoTracking()
            .Where(sw => sw.SupplierId == context.SupplierId)
            .Join(db.Set<Warehouse>(), sw => sw.WarehouseId, w => w.Id, (sw, w) => new { w.Code, w.Id })
            .ToDictionaryAsync(w => w.Code, w => w.Id, StringComparer.OrdinalIgnoreCase, ct);
        var parts = await ResolvePartsAsync(db, context.SupplierId, items, now, ct);
        var resolved = new List<(ApplyItem Item, long Part, long Warehouse)>(items.Count);
        foreach (var item in items)
        {
            var r = item.Record;
            if (!warehouses.TryGetValue(r.WarehouseCode, out var warehouseId))
            {
                rejected++;
                db.Add(DeadLetterFor(context, item, UnknownWarehouse, "warehouseCode",
                    $"Warehouse '{r.WarehouseCode}' is not one of this supplier's warehouses.", now));
                continue;
            }

            var partKey = r.Sku is { } sku ? "sku:" + sku : "spn:" + PartNumbers.Normalize(r.SupplierPartNumber);
            if (!parts.TryGetValue(partKey, out var partId))
            {
                rejected++;
                db.Add(DeadLetterFor(context, item, UnknownPart, r.Sku is null ? "supplierPartNumber" : "sku",
                    r.Sku is null
                        ? $"Supplier part number '{r.SupplierPartNumber}' matches no part (add it to the supplier's parts)."
                        : $"No part has the SKU '{r.Sku}'.", now));
                continue;
            }

            resolved.Add((item, partId, warehouseId));
        }

        // Only events that could apply are remembered: a dead-lettered one must still apply when it is replayed. A
        // comparison applies nothing, so it remembers nothing.
        var freshEvents = context.Mode == ApplyMode.Compare
            ? resolved.Where(x => x.Item.Record.EventId is not null).Select(x => x.Item.Record.EventId!).ToHashSet(StringComparer.Ordinal)
            : await ClaimEventsAsync(db, context.SupplierId, resolved.Select(x => x.Item), now, ct);
        var groups = new Dictionary<(long Part, long Warehouse), List<ApplyItem>>();
        foreach (var (item, partId, warehouseId) in resolved)
        {
            if (item.Record.EventId is { } eventId && !freshEvents.Remove(eventId))
            {
                // Seen before (or twice in this batch): applied once already.
                ignored++;
                continue;
            }

            var key = (partId, warehouseId);
            if (!groups.TryGetValue(key, out var list))
            {
                groups[key] = list = [];
            }

            list.Add(item);
        }

        if (groups.Count == 0)
        {
            return new ApplyResult(new PageTally(items.Count + rejectedUpstream.Count, 0, 0, rejected, ignored, null), [], [], []);
        }

        var keys = groups.Keys.ToList();
        Dictionary<(long PartId, long WarehouseId), LevelState> levels;
        var created = new Dictionary<(long PartId, long WarehouseId), (Plan Plan, LevelChange Change)>();
        if (context.Mode == ApplyMode.Apply)
        {
            levels = (await SupplierStockSql.ReadLevelsAsync(db, keys, ct)).ToDictionary(l => (l.PartId, l.WarehouseId));
            if (levels.Count < keys.Count)
            {
                await CreateLevelsAsync(db, groups, levels, created, warehouses, now, ct);
            }
        }
        else
        {
            // A comparison sees a level Axle does not have yet as an empty one.
            await SupplierStockSql.EnsureLevelsAsync(db, keys, now, ct);
            levels = (await SupplierStockSql.ReadLevelsAsync(db, keys, ct)).ToDictionary(l => (l.PartId, l.WarehouseId));
        }

        var plans = new List<Plan>(groups.Count);
        var refusedEvents = new List<string>();
        foreach (var (key, list) in groups)
        {
            var level = levels[key];
            var plan = created.TryGetValue(key, out var made) ? made.Plan : Fold(level, list);
            ignored += plan.Ignored;
            foreach (var refused in plan.Refused)
            {
                rejected++;
                if (refused.Record.EventId is { } refusedEvent)
                {
                    refusedEvents.Add(refusedEvent);
                }

                db.Add(DeadLetterFor(context, refused, NegativeStock, "delta",
                    $"The delta would take on hand below zero (on hand {level.OnHand}).", now));
            }

            if (plan.Accepted > 0)
            {
                plans.Add(plan);
            }
        }

        var discrepancies = 0;
        if (context.Mode != ApplyMode.Apply)
        {
            // The snapshot upsert marks the levels it writes as seen by the run (a report writes only those that agree: what
            // agrees is the supplier's word as much as Axle's; a correction writes them all); the reconciler marks the rest.
            var snapshotted = context.Mode == ApplyMode.Compare ? [.. plans.Where(p => p.Target == p.Level.OnHand)] : plans;
            var seenOnly = levels.Values.Select(l => l.LevelId).Except(snapshotted.Select(p => p.Level.LevelId)).ToList();
            discrepancies = await SupplierReconciler.ComparePageAsync(db, context, plans, seenOnly,
                correcting: context.Mode == ApplyMode.CompareAndCorrect, now, ct);
            if (context.Mode == ApplyMode.Compare)
            {
                await SupplierStockSql.UpsertSnapshotAsync(db, context.SupplierId, context.RunId, [.. snapshotted.Select(Snapshot)], now, ct);
                var accepted = plans.Sum(p => p.Accepted);
                return new ApplyResult(
                    new PageTally(items.Count + rejectedUpstream.Count, 0, accepted, rejected, ignored, plans.Count == 0 ? null : plans.Max(p => p.NewestAt), discrepancies),
                    [], [], []);
            }
        }

        if (refusedEvents.Count > 0)
        {
            await db.Set<SupplierEvent>().Where(e => e.SupplierId == context.SupplierId && refusedEvents.Contains(e.EventId)).ExecuteDeleteAsync(ct);
        }

        var entry = new LedgerEntry(MovementReason.SupplierSync, context.ReferenceType, context.ReferenceId, "supplier:" + context.SupplierCode);
        // Levels created with their figure are done; the others are set in bulk where nothing moved them since the read.
        var changes = new List<LevelChange>();
        var createdChanges = created.Values.Where(c => c.Change.DeltaOnHand != 0).Select(c => c.Change).ToList();
        var done = created.Values.Select(c => c.Change.LevelId).ToHashSet();
        var toSet = plans.Where(p => !done.Contains(p.Level.LevelId) && p.Target != p.Level.OnHand && p.Target >= p.Level.Reserved)
            .Select(p => (p.Level, p.Target)).ToList();
        var setDone = toSet.Count == 0 ? [] : await SupplierStockSql.SetOnHandAsync(db, toSet, now, ct);
        changes.AddRange(createdChanges);
        changes.AddRange(setDone);
        done.UnionWith(setDone.Select(c => c.LevelId));
        foreach (var plan in plans.Where(p => p.Target != p.Level.OnHand && !done.Contains(p.Level.LevelId)))
        {
            // Moved since it was read, or the supplier has fewer units than are reserved: one level at a time.
            if (await ApplySlowAsync(db, plan, entry, now, ct) is { } change)
            {
                changes.Add(change);
            }
        }

        // The slow path's StockLedger.TryApplyAsync wrote its own movements; the set-based statements' changes need theirs.
        await StockLedger.RecordManyAsync(db, [.. createdChanges, .. setDone], entry, now, ct);

        var changedLevels = changes.Select(c => c.LevelId).ToHashSet();
        await SupplierStockSql.UpsertSnapshotAsync(db, context.SupplierId, context.RunId, [.. plans.Select(Snapshot)], now, ct);
        var repriced = context.ApplyPrices ? await RepriceAsync(db, plans, now, ct) : [];

        var applied = plans.Where(p => changedLevels.Contains(p.Level.LevelId)).Sum(p => p.Accepted);
        var unchanged = plans.Sum(p => p.Accepted) - applied;
        var delays = plans.Where(p => changedLevels.Contains(p.Level.LevelId))
            .Select(p => Math.Max(0, (now - p.NewestAt).TotalSeconds)).ToList();
        DateTime? newest = plans.Count == 0 ? null : plans.Max(p => p.NewestAt);
        return new ApplyResult(
            new PageTally(items.Count + rejectedUpstream.Count, applied, unchanged, rejected, ignored, newest, discrepancies),
            [.. changes.Select(c => c.ForCatalog())],
            repriced,
            delays);
    }

    /// <summary>
    /// Maps raw records (a push's events, a feed page) for <see cref="ApplyAsync"/>: the valid ones become items, the others
    /// dead letters carrying the record as received. Positions are the record's own plus <paramref name="positionOffset"/>.
    /// </summary>
    internal static (List<ApplyItem> Items, List<DeadLetter> Rejected) Map(
        SupplierMapper mapper, IEnumerable<RawRecord> records, ApplyContext context, long positionOffset, DateTime now)
    {
        var items = new List<ApplyItem>();
        var rejected = new List<DeadLetter>();
        foreach (var raw in records)
        {
            var position = positionOffset + raw.Position;
            var payload = raw.Value.GetRawText();
            var mapped = mapper.Map(raw, now);
            if (mapped.Record is { } record)
            {
                items.Add(new ApplyItem(record, position, payload));
            }
            else
            {
                var why = mapped.Rejection!;
                rejected.Add(new DeadLetter(context.DeadLetterSource, context.SupplierId, context.ReferenceId, position, why.Code,
                    why.Field, why.Message, payload, now));
            }
        }

        return (items, rejected);
    }

    /// <summary>After the apply committed: the catalog's cached answers about the changed parts (or all, when prices moved) go.</summary>
    internal static async Task EvictCachesAsync(IOutputCacheStore cache, ApplyResult result, CancellationToken ct)
    {
        if (result.RepricedParts.Count > 0)
        {
            await CatalogCache.InvalidateAsync(cache, ct);
        }
        else if (result.CatalogChanges.Count > 0)
        {
            await CatalogCache.StockChangedAsync(cache, result.CatalogChanges, ct);
        }
    }

    private static SnapshotRow Snapshot(Plan p) =>
        new(p.Level.LevelId, p.Level.PartId, p.Level.WarehouseId, p.Target, p.PriceMinor, p.Currency, p.NewestAt);

    internal static DeadLetter DeadLetterFor(ApplyContext context, ApplyItem item, string code, string? field, string reason, DateTime now) =>
        new(context.DeadLetterSource, context.SupplierId, context.ReferenceId, item.Position, code, field, reason, item.Payload, now);

    /// <summary>
    /// The level's records in the supplier's time order: an absolute quantity replaces, a delta adds. Anything older than
    /// the newest record already applied to the level is out of order and ignored; a delta that would go below zero is refused.
    /// </summary>
    internal static Plan Fold(LevelState level, List<ApplyItem> items)
    {
        items.Sort((a, b) => a.Record.OccurredAt != b.Record.OccurredAt
            ? a.Record.OccurredAt.CompareTo(b.Record.OccurredAt)
            : a.Position.CompareTo(b.Position));
        var target = level.OnHand;
        var last = level.SourceUpdatedAt;
        var accepted = 0;
        var ignored = 0;
        long? price = null;
        string? currency = null;
        var refused = new List<ApplyItem>();
        foreach (var item in items)
        {
            var r = item.Record;
            if (last is { } newest && r.OccurredAt < newest)
            {
                ignored++;
                continue;
            }

            if (r.Quantity is { } quantity)
            {
                target = quantity;
            }
            else if (r.Delta is { } delta)
            {
                if (target + (long)delta < 0)
                {
                    refused.Add(item);
                    continue;
                }

                target += delta;
            }

            if (r.PriceMinor is { } p)
            {
                price = p;
                currency = r.Currency;
            }

            last = r.OccurredAt;
            accepted++;
        }

        return new Plan(level, target, last ?? DateTime.MinValue, price, currency, accepted, ignored, refused);
    }

    /// <summary>
    /// Creates the levels <paramref name="levels"/> lacks with the figure their records fold to from an empty level, and
    /// adds them to <paramref name="levels"/> (as they stood before: empty) and <paramref name="created"/> (their plan and
    /// change). A level someone else created meanwhile is read instead and applied to like any existing one.
    /// </summary>
    private static async Task CreateLevelsAsync(
        AppDbContext db, Dictionary<(long Part, long Warehouse), List<ApplyItem>> groups, Dictionary<(long PartId, long WarehouseId), LevelState> levels,
        Dictionary<(long PartId, long WarehouseId), (Plan Plan, LevelChange Change)> created, Dictionary<string, long> warehouses,
        DateTime now, CancellationToken ct)
    {
        var plans = new Dictionary<(long Part, long Warehouse), Plan>();
        foreach (var (key, list) in groups)
        {
            if (!levels.ContainsKey(key))
            {
                plans[key] = Fold(new LevelState(0, key.Part, key.Warehouse, 0, 0, null, "", ""), list);
            }
        }

        var codes = warehouses.ToDictionary(w => w.Value, w => w.Key);
        var made = await SupplierStockSql.CreateLevelsAsync(db, [.. plans.Select(p => (p.Key.Part, p.Key.Warehouse, p.Value.Target))], codes, now, ct);
        foreach (var change in made)
        {
            var key = (change.PartId, change.WarehouseId);
            var level = new LevelState(change.LevelId, change.PartId, change.WarehouseId, 0, 0, null, change.Sku, change.WarehouseCode);
            levels[key] = level;
            created[key] = (plans[key] with { Level = level }, change);
        }

        if (made.Count < plans.Count)
        {
            foreach (var level in await SupplierStockSql.ReadLevelsAsync(db, [.. plans.Keys.Where(k => !levels.ContainsKey(k))], ct))
            {
                levels[(level.PartId, level.WarehouseId)] = level;
            }
        }
    }

    private async Task<LevelChange?> ApplySlowAsync(AppDbContext db, Plan plan, LedgerEntry entry, DateTime now, CancellationToken ct)
    {
        for (var attempt = 0; attempt < 3; attempt++)
        {
            var current = await db.Set<StockLevel>().AsNoTracking().Where(l => l.Id == plan.Level.LevelId)
                .Select(l => new { l.OnHand, l.Reserved }).FirstAsync(ct);
            var delta = plan.Target - current.OnHand;
            if (delta == 0)
            {
                return null;
            }

            if (plan.Target < current.Reserved)
            {
                // The supplier has fewer units than Axle promised: reality wins, newest reservations give way.
                await ReservationShortfall.FreeAsync(db, shortfall, plan.Level.LevelId, -delta, entry, now, ct);
            }

            if (await StockLedger.TryApplyAsync(db, plan.Level.LevelId, delta, 0, entry, now, ct) is { } change)
            {
                return change;
            }
        }

        throw new InvalidOperationException($"Stock level {plan.Level.LevelId} kept changing while a supplier update was applied.");
    }

    private static async Task<Dictionary<string, long>> ResolvePartsAsync(
        AppDbContext db, long supplierId, IReadOnlyList<ApplyItem> items, DateTime now, CancellationToken ct)
    {
        var result = new Dictionary<string, long>(StringComparer.Ordinal);
        var skus = items.Where(i => i.Record.Sku is not null).Select(i => i.Record.Sku!).Distinct().ToList();
        if (skus.Count > 0)
        {
            foreach (var p in await db.Set<Part>().AsNoTracking().Where(p => skus.Contains(p.Sku)).Select(p => new { p.Sku, p.Id }).ToListAsync(ct))
            {
                result["sku:" + p.Sku] = p.Id;
            }
        }

        var numbers = items.Where(i => i.Record.Sku is null && i.Record.SupplierPartNumber is not null)
            .Select(i => i.Record.SupplierPartNumber!).Distinct().ToList();
        if (numbers.Count > 0)
        {
            foreach (var (normalized, partId) in await SupplierPartResolver.ResolveAsync(db, supplierId, numbers, now, ct))
            {
                result["spn:" + normalized] = partId;
            }
        }

        return result;
    }

    private static async Task<HashSet<string>> ClaimEventsAsync(
        AppDbContext db, long supplierId, IEnumerable<ApplyItem> items, DateTime now, CancellationToken ct)
    {
        var ids = items.Where(i => i.Record.EventId is not null).Select(i => i.Record.EventId!).Distinct(StringComparer.Ordinal).ToList();
        return ids.Count == 0 ? [] : await SupplierStockSql.ClaimEventsAsync(db, supplierId, ids, now, ct);
    }

    /// <summary>Suppliers that set selling prices: parts whose price in the store currency differs get the new one.</summary>
    private static async Task<List<long>> RepriceAsync(AppDbContext db, List<Plan> plans, DateTime now, CancellationToken ct)
    {
        var repriced = new List<long>();
        foreach (var plan in plans.Where(p => p.PriceMinor is not null))
        {
            var price = plan.PriceMinor!.Value;
            var currency = plan.Currency;
            var changed = await db.Set<Part>()
                .Where(p => p.Id == plan.Level.PartId && p.PriceMinor != price && (currency == null || p.Currency == currency))
                .ExecuteUpdateAsync(s => s
                    .SetProperty(p => p.PriceMinor, price)
                    .SetProperty(p => p.UpdatedAt, now)
                    .SetProperty(p => p.Version, p => p.Version + 1), ct);
            if (changed > 0)
            {
                repriced.Add(plan.Level.PartId);
            }
        }

        return repriced;
    }

    internal sealed record Plan(
        LevelState Level, int Target, DateTime NewestAt, long? PriceMinor, string? Currency, int Accepted, int Ignored, List<ApplyItem> Refused);
}
