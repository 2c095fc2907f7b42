using Axle.Api.Platform.Data;
using Microsoft.EntityFrameworkCore;

namespace Axle.Api.Features.Inventory;

/// <summary>Units a reservation lost because the stock it held is physically gone (a count, damage, loss).</summary>
public sealed record ShortReservation(Guid ReservationId, string? ReferenceType, string? ReferenceId, long PartId, long WarehouseId, int Quantity, string Reason);

/// <summary>
/// Told when reserved stock turned out not to exist, inside the adjustment's transaction. The orders feature flags the
/// order it belongs to (<c>order.needs_attention</c>); without it nothing is told.
/// </summary>
public interface IReservationShortfallListener
{
    Task OnShortAsync(AppDbContext db, ShortReservation shortage, DateTime now, CancellationToken ct);
}

internal sealed class NoShortfallListener : IReservationShortfallListener
{
    public Task OnShortAsync(AppDbContext db, ShortReservation shortage, DateTime now, CancellationToken ct) => Task.CompletedTask;
}

/// <summary>
/// A cycle count that finds fewer units than are reserved: reality wins over the reservation. Before the
/// adjustment is applied, the missing units are taken out of the level's open reservations, newest first (the
/// customer who ordered first keeps their stock), each as a <c>released</c> movement; every reservation shortened is
/// reported to <see cref="IReservationShortfallListener"/>. So on hand never drops below reserved, and the ledger still
/// explains every unit.
/// </summary>
internal static class ReservationShortfall
{
    /// <summary>
    /// Only a cycle count (the shelf as counted is the truth) may take reserved units; damage, loss and corrections of
    /// reserved units stay refused (409): staff first decide which order loses them.
    /// </summary>
    public static bool TakesReservedStock(AdjustStock.Reason reason) => reason is AdjustStock.Reason.CycleCount;

    /// <summary>Frees enough reserved units on the level for a removal of <paramref name="removing"/> units; returns how many it freed.</summary>
    public static async Task<int> FreeAsync(
        AppDbContext db, IReservationShortfallListener listener, long levelId, int removing, LedgerEntry cause, DateTime now, CancellationToken ct)
    {
        var level = await db.Set<StockLevel>().AsNoTracking().Where(l => l.Id == levelId)
            .Select(l => new { l.OnHand, l.Reserved, l.PartId, l.WarehouseId }).FirstAsync(ct);
        var needed = removing - (level.OnHand - level.Reserved);
        if (needed <= 0 || removing > level.OnHand)
        {
            // Enough free units, or more than exists at all (refused by the adjustment itself).
            return 0;
        }

        var lines = await db.Set<ReservationLine>().AsNoTracking()
            .Where(l => l.StockLevelId == levelId)
            .Join(db.Set<Reservation>().Where(r => r.Status == ReservationStatus.Held || r.Status == ReservationStatus.Confirmed),
                l => l.ReservationId, r => r.Id, (l, r) => new { Line = l, r.CreatedAt, r.ReferenceType, r.ReferenceId })
            .OrderByDescending(x => x.CreatedAt).ThenByDescending(x => x.Line.Id)
            .ToListAsync(ct);
        var freed = 0;
        foreach (var x in lines)
        {
            if (freed >= needed)
            {
                break;
            }

            var take = Math.Min(x.Line.OpenQuantity, needed - freed);
            if (take <= 0)
            {
                continue;
            }

            // The line shrinks (or goes when nothing is left of it); the level gives the units up in the same breath.
            var shrunk = x.Line.Quantity - take == 0
                ? await db.Set<ReservationLine>().Where(l => l.Id == x.Line.Id && l.Quantity == take).ExecuteDeleteAsync(ct)
                : await db.Set<ReservationLine>().Where(l => l.Id == x.Line.Id && l.Quantity == x.Line.Quantity)
                    .ExecuteUpdateAsync(s => s.SetProperty(l => l.Quantity, l => l.Quantity - take), ct);
            if (shrunk == 0)
            {
                continue;
            }

            var release = new LedgerEntry(MovementReason.Released, MovementReference.Reservation, x.Line.ReservationId.ToString(), cause.Actor,
                $"Stock short: {Snake(cause.Reason)} {Snake(cause.ReferenceType)} {cause.ReferenceId}");
            _ = await StockLedger.TryApplyAsync(db, levelId, 0, -take, release, now, ct)
                ?? throw new InvalidOperationException($"Level {levelId} holds fewer reserved units than its reservation lines.");
            freed += take;
            await listener.OnShortAsync(db, new ShortReservation(x.Line.ReservationId, x.ReferenceType, x.ReferenceId, level.PartId,
                level.WarehouseId, take, Snake(cause.Reason)), now, ct);
        }

        return freed;
    }

    private static string Snake<T>(T value)
        where T : struct, Enum => System.Text.Json.JsonNamingPolicy.SnakeCaseLower.ConvertName(value.ToString());
}
