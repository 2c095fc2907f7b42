using System.ComponentModel.DataAnnotations;
using Axle.Api.Features.Catalog;
using Axle.Api.Platform.Data;
using Microsoft.EntityFrameworkCore;

namespace Axle.Api.Features.Inventory;

public sealed record PurchaseOrderResponse(
    Guid Id, string SupplierName, string? SupplierReference, long WarehouseId, string WarehouseCode, PurchaseOrderStatus Status,
    [property: MaxLength(CreatePurchaseOrder.MaxLines)] IReadOnlyList<PurchaseOrderResponse.Line> Lines, DateTime CreatedAt, DateTime UpdatedAt, long? SupplierId,
    PurchaseOrderTransmission? Transmission)
{
    public sealed record Line(long Id, string Sku, long PartId, int Quantity, int ReceivedQuantity, PartMoney UnitCost);

    /// <summary>The order with its lines and, when it is transmitted to its supplier, how that stands.</summary>
    internal static async Task<PurchaseOrderResponse?> LoadAsync(AppDbContext db, IPurchaseOrderSuppliers suppliers, Guid id, CancellationToken ct)
    {
        var order = await db.Set<PurchaseOrder>().AsNoTracking().Where(p => p.Id == id)
            .Select(p => new
            {
                p.Id, p.SupplierId, p.SupplierName, p.SupplierReference, p.WarehouseId, p.Status, p.Currency, p.CreatedAt, p.UpdatedAt,
                WarehouseCode = db.Set<Warehouse>().Where(w => w.Id == p.WarehouseId).Select(w => w.Code).First(),
            })
            .FirstOrDefaultAsync(ct);
        if (order is null)
        {
            return null;
        }

        var lines = await db.Set<PurchaseOrderLine>().AsNoTracking().Where(l => l.PurchaseOrderId == id).OrderBy(l => l.Id)
            .Join(db.Set<Part>(), l => l.PartId, p => p.Id, (l, p) => new { l.Id, p.Sku, l.PartId, l.Quantity, l.ReceivedQuantity, l.UnitCostMinor })
            .ToListAsync(ct);
        return new PurchaseOrderResponse(order.Id, order.SupplierName, order.SupplierReference, order.WarehouseId, order.WarehouseCode,
            order.Status,
            [.. lines.Select(l => new Line(l.Id, l.Sku, l.PartId, l.Quantity, l.ReceivedQuantity,
                new PartMoney(PartRules.FromMinor(l.UnitCostMinor), order.Currency)))],
            order.CreatedAt, order.UpdatedAt, order.SupplierId,
            order.SupplierId is null ? null : await suppliers.TransmissionAsync(db, id, ct));
    }
}
