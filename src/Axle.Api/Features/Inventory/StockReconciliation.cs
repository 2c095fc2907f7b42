using System.ComponentModel.DataAnnotations;
using Axle.Api.Features.Catalog;
using Axle.Api.Platform.Data;
using Microsoft.EntityFrameworkCore;

namespace Axle.Api.Features.Inventory;

/// <summary>A level whose quantities differ from its ledger, or held reservations that do not add up to its reserved units.</summary>
public sealed record StockDrift(
    long LevelId, string Sku, long WarehouseId, int OnHand, int Reserved, long LedgerOnHand, long LedgerReserved, long HeldReservations);

/// <param name="DriftCount">Every level that drifts.</param>
/// <param name="Drift">The first 100 of them.</param>
public sealed record ReconciliationReport(
    bool Consistent, int CheckedLevels, int DriftCount, [property: MaxLength(StockReconciliation.MaxListed)] IReadOnlyList<StockDrift> Drift);

/// <summary>
/// Checks the ledger's promise: every level's on hand and reserved equal the sums of its movements (and movements never
/// exist for a level that does not), and reserved equals the units its open reservations still hold (not yet shipped). Read-only.
/// </summary>
public sealed class StockReconciliation(AppDbContext db)
{
    public const int MaxListed = 100;

    public async Task<ReconciliationReport> RunAsync(CancellationToken ct)
    {
        var levels = await db.Set<StockLevel>().AsNoTracking()
            .Select(l => new { l.Id, l.PartId, l.WarehouseId, l.OnHand, l.Reserved })
            .ToListAsync(ct);
        var ledger = await db.Set<StockMovement>().AsNoTracking()
            .GroupBy(m => new { m.PartId, m.WarehouseId })
            .Select(g => new { g.Key.PartId, g.Key.WarehouseId, OnHand = g.Sum(m => (long)m.DeltaOnHand), Reserved = g.Sum(m => (long)m.DeltaReserved) })
            .ToDictionaryAsync(s => (s.PartId, s.WarehouseId), ct);
        var held = await db.Set<ReservationLine>().AsNoTracking()
            .Where(l => db.Set<Reservation>().Any(r => r.Id == l.ReservationId && (r.Status == ReservationStatus.Held || r.Status == ReservationStatus.Confirmed)))
            .GroupBy(l => l.StockLevelId)
            .Select(g => new { LevelId = g.Key, Quantity = g.Sum(l => (long)(l.Quantity - l.ShippedQuantity)) })
            .ToDictionaryAsync(s => s.LevelId, s => s.Quantity, ct);

        var drift = new List<(long LevelId, long PartId, long WarehouseId, int OnHand, int Reserved, long LedgerOnHand, long LedgerReserved, long Held)>();
        foreach (var level in levels)
        {
            ledger.Remove((level.PartId, level.WarehouseId), out var sums);
            var heldUnits = held.GetValueOrDefault(level.Id);
            if (level.OnHand != (sums?.OnHand ?? 0) || level.Reserved != (sums?.Reserved ?? 0) || level.Reserved != heldUnits)
            {
                drift.Add((level.Id, level.PartId, level.WarehouseId, level.OnHand, level.Reserved, sums?.OnHand ?? 0, sums?.Reserved ?? 0, heldUnits));
            }
        }

        // Movements of a level that does not exist are drift too (a deleted level, a hand-written row).
        drift.AddRange(ledger.Values.Select(s => (0L, s.PartId, s.WarehouseId, 0, 0, s.OnHand, s.Reserved, 0L)));

        var listed = drift.Take(MaxListed).ToList();
        var partIds = listed.Select(d => d.PartId).Distinct().ToList();
        var skus = await db.Set<Part>().AsNoTracking().Where(p => partIds.Contains(p.Id)).ToDictionaryAsync(p => p.Id, p => p.Sku, ct);
        return new ReconciliationReport(drift.Count == 0, levels.Count, drift.Count,
        [
            .. listed.Select(d => new StockDrift(d.LevelId, skus.GetValueOrDefault(d.PartId, $"part:{d.PartId}"), d.WarehouseId,
                d.OnHand, d.Reserved, d.LedgerOnHand, d.LedgerReserved, d.Held)),
        ]);
    }
}
