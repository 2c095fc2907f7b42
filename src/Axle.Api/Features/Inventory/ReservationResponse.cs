using System.ComponentModel.DataAnnotations;
using Axle.Api.Features.Catalog;
using Axle.Api.Platform.Data;
using Microsoft.EntityFrameworkCore;

namespace Axle.Api.Features.Inventory;

/// <param name="Lines">Per part and warehouse: at most 500 parts, each from at most 10 warehouses.</param>
public sealed record ReservationResponse(
    Guid Id, ReservationStatus Status, ReservationResponse.ReferenceInfo? Reference,
    [property: MaxLength(Reservation.MaxLines)] IReadOnlyList<ReservationResponse.Line> Lines,
    DateTime CreatedAt, DateTime ExpiresAt, DateTime? ClosedAt)
{
    public sealed record ReferenceInfo(string Type, string Id);

    public sealed record Line(string Sku, long PartId, long WarehouseId, string WarehouseCode, int Quantity);

    internal static async Task<ReservationResponse> FromAsync(AppDbContext db, Reservation reservation, CancellationToken ct)
    {
        var partIds = reservation.Lines.Select(l => l.PartId).Distinct().ToList();
        var warehouseIds = reservation.Lines.Select(l => l.WarehouseId).Distinct().ToList();
        var skus = await db.Set<Part>().AsNoTracking().Where(p => partIds.Contains(p.Id))
            .Select(p => new { p.Id, p.Sku }).ToDictionaryAsync(p => p.Id, p => p.Sku, ct);
        var codes = await db.Set<Warehouse>().AsNoTracking().Where(w => warehouseIds.Contains(w.Id))
            .Select(w => new { w.Id, w.Code }).ToDictionaryAsync(w => w.Id, w => w.Code, ct);
        return From(reservation, skus, codes);
    }

    /// <summary>A new reservation's response from the levels it claimed, which carry the SKUs and codes: no reads.</summary>
    internal static ReservationResponse From(Reservation reservation, IReadOnlyCollection<LevelChange> levels) =>
        From(reservation,
            levels.DistinctBy(l => l.PartId).ToDictionary(l => l.PartId, l => l.Sku),
            levels.DistinctBy(l => l.WarehouseId).ToDictionary(l => l.WarehouseId, l => l.WarehouseCode));

    private static ReservationResponse From(
        Reservation reservation, Dictionary<long, string> skus, Dictionary<long, string> codes) =>
        new(
            reservation.Id,
            reservation.Status,
            reservation.ReferenceType is { } type ? new ReferenceInfo(type, reservation.ReferenceId ?? "") : null,
            [.. reservation.Lines.OrderBy(l => l.PartId).ThenBy(l => l.WarehouseId)
                .Select(l => new Line(skus[l.PartId], l.PartId, l.WarehouseId, codes[l.WarehouseId], l.Quantity))],
            reservation.CreatedAt,
            reservation.ExpiresAt,
            reservation.ClosedAt);
}
