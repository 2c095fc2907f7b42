using Axle.Api.Features.Audit;
using Axle.Api.Features.Catalog;
using Axle.Api.Platform.Data;
using Microsoft.AspNetCore.OutputCaching;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Axle.Api.Features.Inventory;

/// <summary>What to reserve: lines of (part, quantity), what it is for, and where it ships (for nearest-region allocation).</summary>
public sealed record ReserveCommand(
    IReadOnlyList<AllocationLine> Lines, string? ReferenceType, string? ReferenceId, ShipTo? ShipTo, string Actor);

/// <summary>A part that cannot be reserved in full, with its SKU for the problem response.</summary>
public sealed record SkuShortage(long PartId, string Sku, int Requested, int Available);

public abstract record ReserveOutcome
{
    /// <param name="Levels">Each claimed level as the claim left it (with its SKU and warehouse code).</param>
    public sealed record Reserved(Reservation Reservation, IReadOnlyList<LevelChange> Levels) : ReserveOutcome;

    /// <summary>Not enough stock for these parts (after the allowed re-allocations). Nothing was reserved.</summary>
    public sealed record Insufficient(IReadOnlyList<SkuShortage> Shortages) : ReserveOutcome;

    public sealed record UnknownParts(IReadOnlyList<long> PartIds) : ReserveOutcome;

    /// <summary>The caller's own work inside the reservation's transaction said no; nothing was reserved.</summary>
    public sealed record Refused : ReserveOutcome;
}

/// <summary>
/// Work a caller adds to a reservation's transaction (the order it belongs to, a promotion's use): it runs after the stock
/// is claimed and before the save, on the same context. Returning false rolls everything back.
/// </summary>
public delegate Task<bool> WithinReservation(Reservation reservation, CancellationToken ct);

public abstract record CloseOutcome
{
    public sealed record Closed(Reservation Reservation) : CloseOutcome;

    public sealed record NotFound : CloseOutcome;

    /// <summary>The reservation is no longer held (already committed, released or expired).</summary>
    public sealed record NotHeld(ReservationStatus Status) : CloseOutcome;
}

/// <summary>
/// Reserves stock for orders and lets them commit (ship) or release it. The order flow calls this service; the
/// <c>/api/v1/inventory/reservations</c> endpoints expose it to staff and machine clients.
/// </summary>
/// <remarks>
/// Reserving never reads a quantity and writes it back: the allocator proposes levels from a fresh read, then each level
/// is claimed by one conditional update (<c>reserved += q WHERE on_hand − reserved ≥ q</c>). If any claim finds the level
/// emptied by someone else, the transaction rolls back and allocation runs again on new figures, a bounded number of
/// times. All of a reservation's claims, its rows, ledger movements, events and audit entry commit together or not at all.
/// </remarks>
public sealed class InventoryReservations(
    AppDbContext db, IAllocationStrategy strategy, IOptions<InventoryOptions> options, AuditTrail audit,
    IOutputCacheStore cache, InventoryMetrics metrics, TimeProvider time)
{
    public Task<ReserveOutcome> ReserveAsync(ReserveCommand command, CancellationToken ct) => ReserveAsync(command, null, ct);

    /// <param name="within">The caller's work, in the reservation's transaction (see <see cref="WithinReservation"/>).</param>
    public Task<ReserveOutcome> ReserveAsync(ReserveCommand command, WithinReservation? within, CancellationToken ct) =>
        ReserveAsync(command, within, null, ct);

    /// <summary>
    /// Parts by SKU and, in the same query, their stock candidates: a caller naming parts by SKU learns their ids and hands
    /// the candidates to <see cref="ReserveAsync(ReserveCommand, WithinReservation?, IReadOnlyList{StockCandidate}?, CancellationToken)"/>
    /// as the first allocation's figures, one round trip instead of two. SKUs that name no part are absent.
    /// </summary>
    public async Task<(Dictionary<string, long> PartIds, List<StockCandidate> Candidates)> FindBySkuAsync(
        IReadOnlyCollection<string> skus, CancellationToken ct)
    {
        var partIds = new Dictionary<string, long>(StringComparer.Ordinal);
        var candidates = new List<StockCandidate>();
        await foreach (var row in PartsBySkuWithCandidates(db, [.. skus]).WithCancellation(ct))
        {
            partIds[row.Sku] = row.PartId;
            if (row.LevelId is { } levelId)
            {
                candidates.Add(new StockCandidate(levelId, row.PartId, row.WarehouseId!.Value, row.Available!.Value, row.Country!, row.Region));
            }
        }

        return (partIds, candidates);
    }

    /// <param name="within">The caller's work, in the reservation's transaction (see <see cref="WithinReservation"/>).</param>
    /// <param name="prefetched">
    /// The parts' candidates as <see cref="FindBySkuAsync"/> read them just before, for the first allocation; later
    /// attempts (after a lost race) read fresh ones.
    /// </param>
    public async Task<ReserveOutcome> ReserveAsync(
        ReserveCommand command, WithinReservation? within, IReadOnlyList<StockCandidate>? prefetched, CancellationToken ct)
    {
        var lines = command.Lines.GroupBy(l => l.PartId).Select(g => new AllocationLine(g.Key, g.Sum(l => l.Quantity))).ToList();
        if (lines.Count == 0 || lines.Any(l => l.Quantity <= 0))
        {
            throw new ArgumentException("A reservation has at least one line, each with a positive quantity.", nameof(command));
        }

        if (lines.Count > Reservation.MaxParts)
        {
            throw new ArgumentException($"A reservation holds at most {Reservation.MaxParts} parts.", nameof(command));
        }

        // No part lookup on the way to a reservation: a part with a stock level exists (foreign key), so only a failed
        // allocation asks which parts are unknown and what their SKUs are.
        var partIds = lines.Select(l => l.PartId).ToList();
        List<StockCandidate> candidates = [];
        for (var attempt = 0; attempt < options.Value.MaxAllocationAttempts; attempt++)
        {
            candidates = attempt == 0 && prefetched is not null
                ? [.. prefetched.Where(c => partIds.Contains(c.PartId))]
                : await CandidatesAsync(partIds, ct);
            var allocation = StockAllocator.Allocate(lines, candidates, strategy, command.ShipTo);
            if (!allocation.Succeeded)
            {
                break;
            }

            var (reservation, levels, refused) = await TryReserveAsync(command, allocation.Allocations, within, ct);
            if (refused)
            {
                return new ReserveOutcome.Refused();
            }

            if (reservation is not null && levels is not null)
            {
                await EvictCatalogAsync(levels, ct);
                return new ReserveOutcome.Reserved(reservation, levels);
            }

            candidates = [];
        }

        var skus = await db.Set<Part>().AsNoTracking().Where(p => partIds.Contains(p.Id))
            .Select(p => new { p.Id, p.Sku }).ToDictionaryAsync(p => p.Id, p => p.Sku, ct);
        if (partIds.Where(id => !skus.ContainsKey(id)).ToList() is { Count: > 0 } unknown)
        {
            return new ReserveOutcome.UnknownParts(unknown);
        }

        if (candidates.Count == 0)
        {
            // Every attempt lost its race to concurrent reservations: report what is left now.
            candidates = await CandidatesAsync(partIds, ct);
        }

        var available = candidates.GroupBy(c => c.PartId).ToDictionary(g => g.Key, g => StockAllocator.Reachable(g));
        var all = lines.Select(l => new SkuShortage(l.PartId, skus[l.PartId], l.Quantity, available.GetValueOrDefault(l.PartId))).ToList();
        var shortages = all.Where(s => s.Available < s.Requested).ToList();
        metrics.Conflict(command.ReferenceType);
        return new ReserveOutcome.Insufficient(shortages.Count > 0 ? shortages : all);
    }

    public Task<CloseOutcome> CommitAsync(Guid id, string actor, CancellationToken ct) => CommitAsync(id, actor, null, ct);

    /// <param name="within">The caller's work, committed in the same transaction, run only when the reservation was still held.</param>
    public Task<CloseOutcome> CommitAsync(Guid id, string actor, Func<CancellationToken, Task>? within, CancellationToken ct) =>
        CloseAsync(id, ReservationStatus.Committed, actor, within, ct);

    public Task<CloseOutcome> ReleaseAsync(Guid id, string actor, CancellationToken ct) => ReleaseAsync(id, actor, null, ct);

    /// <summary>
    /// Makes a held reservation permanent (its order was paid): it stops expiring and keeps its units reserved until
    /// commit or release. Quantities do not change, so no ledger movement. <paramref name="within"/> runs in the same
    /// transaction only when the reservation was still held; false from the outcome's status when it was not.
    /// </summary>
    public async Task<CloseOutcome> ConfirmAsync(Guid id, string actor, Func<CancellationToken, Task>? within, CancellationToken ct)
    {
        var now = time.GetUtcNow().UtcDateTime;
        db.ChangeTracker.Clear();
        db.Database.AutoSavepointsEnabled = false;
        int claimed;
        await using (var transaction = await db.Database.BeginTransactionAsync(ct))
        {
            // Expiry and confirmation race for a reservation at its deadline: the status claim lets exactly one win.
            claimed = await db.Set<Reservation>().Where(r => r.Id == id && r.Status == ReservationStatus.Held)
                .ExecuteUpdateAsync(s => s
                    .SetProperty(r => r.Status, ReservationStatus.Confirmed)
                    .SetProperty(r => r.Version, r => r.Version + 1), ct);
            if (claimed == 0)
            {
                await transaction.RollbackAsync(ct);
            }
            else
            {
                audit.Record(db, "inventory.reservation_confirmed", $"reservation/{id}", details: new { actor });
                if (within is not null)
                {
                    await within(ct);
                }

                await db.SaveChangesAsync(ct);
                await transaction.CommitAsync(ct);
            }
        }

        db.ChangeTracker.Clear();
        return await OutcomeAsync(id, claimed == 1, ct);
    }

    /// <param name="within">The caller's work, committed in the same transaction, run only when the reservation was still held.</param>
    public Task<CloseOutcome> ReleaseAsync(Guid id, string actor, Func<CancellationToken, Task>? within, CancellationToken ct) =>
        CloseAsync(id, ReservationStatus.Released, actor, within, ct);

    /// <summary>Releases up to <paramref name="batch"/> held reservations whose expiry has passed; returns how many.</summary>
    public async Task<int> ExpireDueAsync(int batch, CancellationToken ct)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var due = await db.Set<Reservation>().AsNoTracking()
            .Where(r => r.Status == ReservationStatus.Held && r.ExpiresAt <= now)
            .OrderBy(r => r.ExpiresAt)
            .Select(r => r.Id)
            .Take(batch)
            .ToListAsync(ct);
        var expired = 0;
        foreach (var id in due)
        {
            if (await CloseAsync(id, ReservationStatus.Expired, Actors.System, null, ct) is CloseOutcome.Closed)
            {
                expired++;
            }
        }

        return expired;
    }

    public Task<Reservation?> FindAsync(Guid id, CancellationToken ct) =>
        db.Set<Reservation>().AsNoTracking().Include(r => r.Lines).FirstOrDefaultAsync(r => r.Id == id, ct);

    // Compiled once: the hot path skips EF Core's per-execution query preparation (parameter extraction, cache lookup).
    private static readonly Func<AppDbContext, long[], IAsyncEnumerable<StockCandidate>> Candidates = EF.CompileAsyncQuery(
        (AppDbContext db, long[] partIds) => db.Set<StockLevel>().AsNoTracking()
            .Where(l => partIds.Contains(l.PartId) && l.Warehouse!.Active && l.OnHand > l.Reserved)
            .Select(l => new StockCandidate(
                l.Id, l.PartId, l.WarehouseId, l.OnHand - l.Reserved, l.Warehouse!.Address.Country, l.Warehouse.Address.Region)));

    private sealed record SkuCandidate(
        string Sku, long PartId, long? LevelId, long? WarehouseId, int? Available, string? Country, string? Region);

    // Every part with one of the SKUs, with each of its levels that has stock in an active warehouse (none: one row, no level).
    private static readonly Func<AppDbContext, string[], IAsyncEnumerable<SkuCandidate>> PartsBySkuWithCandidates = EF.CompileAsyncQuery(
        (AppDbContext db, string[] skus) =>
            from p in db.Set<Part>().AsNoTracking()
            where skus.Contains(p.Sku)
            from l in db.Set<StockLevel>().AsNoTracking()
                .Where(l => l.PartId == p.Id && l.Warehouse!.Active && l.OnHand > l.Reserved)
                .DefaultIfEmpty()
            select new SkuCandidate(
                p.Sku, p.Id, l == null ? null : l.Id, l == null ? null : l.WarehouseId, l == null ? null : l.OnHand - l.Reserved,
                l == null ? null : l.Warehouse!.Address.Country, l == null ? null : l.Warehouse!.Address.Region));

    private async Task<List<StockCandidate>> CandidatesAsync(List<long> partIds, CancellationToken ct) =>
        await Candidates(db, [.. partIds]).ToListAsync(ct);

    private Task EvictCatalogAsync(IEnumerable<LevelChange> levels, CancellationToken ct) =>
        CatalogCache.StockChangedAsync(cache, levels.Select(l => l.ForCatalog()), ct);

    private async Task<(Reservation? Reservation, List<LevelChange>? Levels, bool Refused)> TryReserveAsync(
        ReserveCommand command, IReadOnlyList<Allocation> allocations, WithinReservation? within, CancellationToken ct)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var reservation = new Reservation(
            Guid.CreateVersion7(time.GetUtcNow()), command.ReferenceType, command.ReferenceId, command.Actor, now,
            now + options.Value.ReservationTtl);
        var entry = new LedgerEntry(
            MovementReason.Reserved, MovementReference.Reservation, reservation.Id.ToString(), command.Actor);

        db.ChangeTracker.Clear();
        // No savepoint before SaveChanges: nothing here recovers from a failed save inside the transaction (it rolls back
        // whole), and the savepoint is one more round trip while the level rows are locked.
        db.Database.AutoSavepointsEnabled = false;
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        // Level id order: two reservations touching the same levels lock them in the same order and cannot deadlock.
        var levels = new List<LevelChange>(allocations.Count);
        var ledgerRows = new List<object>(allocations.Count * 3);
        foreach (var allocation in allocations.OrderBy(a => a.LevelId))
        {
            if (await StockLedger.TryUpdateAsync(db, allocation.LevelId, 0, allocation.Quantity, now, ct) is not { } level)
            {
                await transaction.RollbackAsync(ct);
                db.ChangeTracker.Clear();
                return (null, null, false);
            }

            levels.Add(level);
            reservation.AddLine(allocation);
            ledgerRows.AddRange(StockLedger.Rows(level, entry, now));
        }

        if (within is not null && !await within(reservation, ct))
        {
            await transaction.RollbackAsync(ct);
            db.ChangeTracker.Clear();
            return (null, null, true);
        }

        // The reservation's own rows go in one batch of plain inserts (the change tracker's update pipeline was a fifth of
        // a reservation's server CPU); what the caller's work added to the context follows in one save.
        var created = audit.Entry("inventory.reservation_created", $"reservation/{reservation.Id}", details: new
        {
            reservation.ReferenceType,
            reservation.ReferenceId,
            lines = allocations.Select(a => new { a.PartId, a.WarehouseId, a.Quantity }),
        });
        await RowInsert.AddAsync(db, [reservation, .. reservation.Lines, .. ledgerRows, created], ct);
        if (db.ChangeTracker.HasChanges())
        {
            await db.SaveChangesAsync(ct);
        }

        await transaction.CommitAsync(ct);
        db.ChangeTracker.Clear();
        return (reservation, levels, false);
    }

    private async Task<CloseOutcome> CloseAsync(
        Guid id, ReservationStatus to, string actor, Func<CancellationToken, Task>? within, CancellationToken ct)
    {
        var now = time.GetUtcNow().UtcDateTime;
        db.ChangeTracker.Clear();
        db.Database.AutoSavepointsEnabled = false;
        int claimed;
        var levels = new List<LevelChange>();
        await using (var transaction = await db.Database.BeginTransactionAsync(ct))
        {
            // The status change is the claim: of a commit, a release and the expiry worker racing, one updates the row.
            // Only a held reservation expires; a confirmed one (paid order) is committed or released.
            var claim = to == ReservationStatus.Expired
                ? db.Set<Reservation>().Where(r => r.Id == id && r.Status == ReservationStatus.Held && r.ExpiresAt <= now)
                : db.Set<Reservation>().Where(r => r.Id == id
                    && (r.Status == ReservationStatus.Held || r.Status == ReservationStatus.Confirmed));

            claimed = await claim.ExecuteUpdateAsync(s => s
                .SetProperty(r => r.Status, to)
                .SetProperty(r => r.ClosedAt, now)
                .SetProperty(r => r.Version, r => r.Version + 1), ct);
            if (claimed == 0)
            {
                await transaction.RollbackAsync(ct);
            }
            else
            {
                var lines = await db.Set<ReservationLine>().AsNoTracking()
                    .Where(l => l.ReservationId == id).OrderBy(l => l.StockLevelId).ToListAsync(ct);
                var reference = id.ToString();
                // Units already shipped (ShipAsync) left the level then; closing moves only what is still reserved.
                foreach (var line in lines.Where(l => l.ShippedQuantity < l.Quantity))
                {
                    var (onHand, reserved, reason) = Reservation.Closing(to, line.Quantity - line.ShippedQuantity);
                    var entry = new LedgerEntry(reason, MovementReference.Reservation, reference, actor);
                    levels.Add(await StockLedger.TryApplyAsync(db, line.StockLevelId, onHand, reserved, entry, now, ct)
                        ?? throw new InvalidOperationException(
                            $"Reservation {id} holds {line.Quantity} on level {line.StockLevelId}, which has fewer reserved."));
                }

                audit.Record(db, "inventory.reservation_" + to.ToString().ToLowerInvariant(), $"reservation/{id}");
                if (within is not null)
                {
                    await within(ct);
                }

                await db.SaveChangesAsync(ct);
                await transaction.CommitAsync(ct);
            }
        }

        db.ChangeTracker.Clear();
        await EvictCatalogAsync(levels, ct);

        return await OutcomeAsync(id, claimed == 1, ct);
    }

    /// <summary>What a status claim on reservation <paramref name="id"/> came to, read back after its transaction.</summary>
    private async Task<CloseOutcome> OutcomeAsync(Guid id, bool claimed, CancellationToken ct) =>
        await FindAsync(id, ct) switch
        {
            null => new CloseOutcome.NotFound(),
            { } current when claimed => new CloseOutcome.Closed(current),
            { } current => new CloseOutcome.NotHeld(current.Status),
        };

    /// <summary>
    /// Ships part of an open (held or confirmed) reservation: the given units of its lines at one warehouse leave on-hand
    /// stock and stop being reserved (a <see cref="MovementReason.Shipped"/> movement per line), and the lines remember how
    /// many shipped. When every line has shipped in full the reservation is committed. Refused (nothing changes) when the
    /// warehouse holds fewer unshipped units of a part for this reservation than asked. <paramref name="within"/> runs in the
    /// same transaction before the save; false rolls everything back.
    /// </summary>
    public async Task<ShipOutcome> ShipAsync(
        Guid reservationId, long warehouseId, IReadOnlyList<AllocationLine> lines, string actor,
        Func<CancellationToken, Task<bool>>? within, CancellationToken ct)
    {
        var wanted = lines.GroupBy(l => l.PartId).ToDictionary(g => g.Key, g => g.Sum(l => l.Quantity));
        if (wanted.Count == 0 || wanted.Values.Any(q => q <= 0))
        {
            throw new ArgumentException("A shipment has at least one line, each with a positive quantity.", nameof(lines));
        }

        var now = time.GetUtcNow().UtcDateTime;
        db.ChangeTracker.Clear();
        db.Database.AutoSavepointsEnabled = false;
        ShipOutcome outcome;
        await using (var transaction = await db.Database.BeginTransactionAsync(ct))
        {
            outcome = await ShipLinesAsync(reservationId, warehouseId, wanted, actor, within, now, ct);
            if (outcome is ShipOutcome.Shipped)
            {
                await db.SaveChangesAsync(ct);
                await transaction.CommitAsync(ct);
            }
            else
            {
                await transaction.RollbackAsync(ct);
            }
        }

        db.ChangeTracker.Clear();
        if (outcome is ShipOutcome.Shipped)
        {
            await CatalogCache.InvalidateAsync(cache, ct);
        }

        return outcome;
    }

    private async Task<ShipOutcome> ShipLinesAsync(
        Guid id, long warehouseId, Dictionary<long, int> wanted, string actor, Func<CancellationToken, Task<bool>>? within,
        DateTime now, CancellationToken ct)
    {
        // Touching the row first serializes shipments of one reservation with each other and with its release or expiry.
        var claimed = await db.Set<Reservation>()
            .Where(r => r.Id == id && (r.Status == ReservationStatus.Held || r.Status == ReservationStatus.Confirmed))
            .ExecuteUpdateAsync(s => s.SetProperty(r => r.Version, r => r.Version + 1), ct);
        if (claimed == 0)
        {
            var status = await db.Set<Reservation>().Where(r => r.Id == id).Select(r => (ReservationStatus?)r.Status).FirstOrDefaultAsync(ct);
            return status is { } s ? new ShipOutcome.NotOpen(s) : new ShipOutcome.NotFound();
        }

        var partIds = wanted.Keys.ToList();
        var open = await db.Set<ReservationLine>().AsNoTracking()
            .Where(l => l.ReservationId == id && l.WarehouseId == warehouseId && partIds.Contains(l.PartId) && l.ShippedQuantity < l.Quantity)
            .OrderBy(l => l.StockLevelId)
            .ToListAsync(ct);
        var missing = partIds.Where(p => open.Where(l => l.PartId == p).Sum(l => l.Quantity - l.ShippedQuantity) < wanted[p]).ToList();
        if (missing.Count > 0)
        {
            return new ShipOutcome.Short(missing);
        }

        var entry = new LedgerEntry(MovementReason.Shipped, MovementReference.Reservation, id.ToString(), actor);
        var left = new Dictionary<long, int>(wanted);
        foreach (var line in open)
        {
            var q = Math.Min(left[line.PartId], line.Quantity - line.ShippedQuantity);
            if (q == 0)
            {
                continue;
            }

            left[line.PartId] -= q;
            var marked = await db.Set<ReservationLine>()
                .Where(l => l.Id == line.Id && l.ShippedQuantity + q <= l.Quantity)
                .ExecuteUpdateAsync(s => s.SetProperty(l => l.ShippedQuantity, l => l.ShippedQuantity + q), ct);
            if (marked == 0)
            {
                return new ShipOutcome.Short([line.PartId]);
            }

            _ = await StockLedger.TryApplyAsync(db, line.StockLevelId, -q, -q, entry, now, ct)
                ?? throw new InvalidOperationException(
                    $"Reservation {id} ships {q} from level {line.StockLevelId}, which has fewer reserved or on hand.");
        }

        var committed = !await db.Set<ReservationLine>().AnyAsync(l => l.ReservationId == id && l.ShippedQuantity < l.Quantity, ct);
        if (committed)
        {
            await db.Set<Reservation>().Where(r => r.Id == id).ExecuteUpdateAsync(s => s
                .SetProperty(r => r.Status, ReservationStatus.Committed)
                .SetProperty(r => r.ClosedAt, now), ct);
        }

        audit.Record(db, committed ? "inventory.reservation_committed" : "inventory.reservation_shipped", $"reservation/{id}", details: new
        {
            warehouseId,
            lines = wanted.Select(w => new { partId = w.Key, quantity = w.Value }),
            actor,
        });
        if (within is not null && !await within(ct))
        {
            return new ShipOutcome.Refused();
        }

        return new ShipOutcome.Shipped(committed);
    }
}
