using System.Text.Json;
using Axle.Api.Features.Catalog;
using Axle.Api.Features.Inventory;
using Axle.Api.Features.Orders;
using Axle.Api.Features.Suppliers.Feeds;
using Axle.Api.Platform.Data;
using Microsoft.EntityFrameworkCore;

namespace Axle.Api.Features.Suppliers.Ordering;

/// <summary>
/// Writes supplier orders into the caller's unit of work (outbox style): a purchase order naming a supplier that takes
/// orders, and the drop-ship part of a paid customer order (one per supplier warehouse its lines were reserved in).
/// </summary>
internal static class SupplierOrderQueue
{
    /// <summary>The supplier's order endpoint, or null when it has no feed or its feed has no order URL.</summary>
    public static string? OrderUrlOf(Supplier supplier)
    {
        if (supplier.Feed is null)
        {
            return null;
        }

        try
        {
            return JsonSerializer.Deserialize<FeedSettings>(supplier.Feed, SupplierResponse.Json)?.OrderUrl;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>Line part numbers: the supplier's own from its part list (staff-given before matched), else our SKU.</summary>
    public static async Task<Dictionary<long, string>> PartNumbersAsync(
        AppDbContext db, long supplierId, IReadOnlyCollection<long> partIds, CancellationToken ct)
    {
        var theirs = await db.Set<SupplierPart>().AsNoTracking()
            .Where(p => p.SupplierId == supplierId && partIds.Contains(p.PartId))
            .Select(p => new { p.PartId, p.SupplierPartNumber, p.Source, p.Id })
            .ToListAsync(ct);
        var numbers = theirs.GroupBy(p => p.PartId)
            .ToDictionary(g => g.Key, g => g.OrderBy(p => p.Source).ThenBy(p => p.Id).First().SupplierPartNumber);
        var missing = partIds.Where(id => !numbers.ContainsKey(id)).ToList();
        if (missing.Count > 0)
        {
            foreach (var part in await db.Set<Part>().AsNoTracking().Where(p => missing.Contains(p.Id)).Select(p => new { p.Id, p.Sku }).ToListAsync(ct))
            {
                numbers[part.Id] = part.Sku;
            }
        }

        return numbers;
    }

    /// <summary>Queues <paramref name="order"/> when its supplier has an order endpoint; false (nothing queued) otherwise.</summary>
    public static async Task<bool> QueuePurchaseOrderAsync(AppDbContext db, PurchaseOrder order, DateTime now, CancellationToken ct)
    {
        if (order.SupplierId is not { } supplierId
            || await db.Set<Supplier>().AsNoTracking().FirstOrDefaultAsync(s => s.Id == supplierId, ct) is not { } supplier
            || OrderUrlOf(supplier) is null)
        {
            return false;
        }

        var warehouse = await db.Set<Warehouse>().AsNoTracking().FirstAsync(w => w.Id == order.WarehouseId, ct);
        var a = warehouse.Address;
        var shipTo = SupplierOrderBody.ShipTo(new SupplierOrderBody.Address(
            warehouse.Name, a.Line1, a.Line2, a.City, a.Region, a.PostalCode, a.Country, null));
        var transmission = SupplierOrder.ForPurchaseOrder(Guid.CreateVersion7(new DateTimeOffset(now, TimeSpan.Zero)), supplierId,
            order.Id, warehouse.Id, shipTo, now);
        var numbers = await PartNumbersAsync(db, supplierId, [.. order.Lines.Select(l => l.PartId)], ct);
        foreach (var line in order.Lines)
        {
            transmission.AddLine(line.PartId, numbers[line.PartId], line.Quantity);
        }

        db.Add(transmission);
        return true;
    }

    /// <summary>
    /// One drop-ship order per (supplier, warehouse) for the lines of <paramref name="order"/>'s reservation held in
    /// warehouses owned by a supplier with an order endpoint, shipped to the order's address. Returns how many it queued.
    /// </summary>
    public static async Task<int> QueueDropShipAsync(AppDbContext db, Order order, DateTime now, CancellationToken ct)
    {
        if (order.ReservationId is not { } reservationId)
        {
            return 0;
        }

        var lines = await db.Set<ReservationLine>().AsNoTracking()
            .Where(l => l.ReservationId == reservationId)
            .Join(db.Set<SupplierWarehouse>(), l => l.WarehouseId, w => w.WarehouseId,
                (l, w) => new { l.PartId, l.WarehouseId, w.SupplierId, l.Quantity })
            .ToListAsync(ct);
        if (lines.Count == 0)
        {
            return 0;
        }

        var supplierIds = lines.Select(l => l.SupplierId).Distinct().ToList();
        var suppliers = (await db.Set<Supplier>().AsNoTracking().Where(s => supplierIds.Contains(s.Id)).ToListAsync(ct))
            .Where(s => OrderUrlOf(s) is not null)
            .ToDictionary(s => s.Id);
        var warehouseIds = lines.Select(l => l.WarehouseId).Distinct().ToList();
        var codes = await db.Set<Warehouse>().AsNoTracking().Where(w => warehouseIds.Contains(w.Id))
            .ToDictionaryAsync(w => w.Id, w => w.Code, ct);
        var a = order.ShippingAddress;
        var shipTo = SupplierOrderBody.ShipTo(new SupplierOrderBody.Address(
            a.Name, a.Line1, a.Line2, a.City, a.Region, a.PostalCode, a.Country, a.Phone));

        var queued = 0;
        foreach (var group in lines.Where(l => suppliers.ContainsKey(l.SupplierId)).GroupBy(l => (l.SupplierId, l.WarehouseId)))
        {
            var (supplierId, warehouseId) = group.Key;
            var numbers = await PartNumbersAsync(db, supplierId, [.. group.Select(l => l.PartId).Distinct()], ct);
            var dropShip = SupplierOrder.ForDropShip(Guid.CreateVersion7(new DateTimeOffset(now, TimeSpan.Zero)), supplierId, order.Id,
                order.Number, warehouseId, codes[warehouseId], shipTo, now);
            foreach (var line in group)
            {
                dropShip.AddLine(line.PartId, numbers[line.PartId], line.Quantity);
            }

            db.Add(dropShip);
            queued++;
        }

        return queued;
    }

    /// <summary>
    /// Cancels what the supplier does not have (pending and not being transmitted right now, or rejected or failed, so no
    /// retry or replay sends it later), by one conditional update, and notes the rest (acknowledged, or in flight): the
    /// supplier has those and must be told by a person. Returns how many it noted.
    /// </summary>
    public static async Task<int> CancelAsync(
        AppDbContext db, IQueryable<SupplierOrder> orders, string cancelledNote, string sentNote, DateTime now, CancellationToken ct)
    {
        await orders
            .Where(o => (o.Status == SupplierOrderStatus.Pending && (o.ClaimedUntil == null || o.ClaimedUntil < now))
                || o.Status == SupplierOrderStatus.Rejected || o.Status == SupplierOrderStatus.Failed)
            .ExecuteUpdateAsync(s => s
                .SetProperty(o => o.Status, SupplierOrderStatus.Cancelled)
                .SetProperty(o => o.Note, cancelledNote)
                .SetProperty(o => o.UpdatedAt, now)
                .SetProperty(o => o.Version, o => o.Version + 1), ct);

        // Not the version: a worker finishing an in-flight transmission must still be able to record the supplier's answer.
        return await orders
            .Where(o => o.Status == SupplierOrderStatus.Acknowledged || o.Status == SupplierOrderStatus.Pending)
            .ExecuteUpdateAsync(s => s
                .SetProperty(o => o.Note, sentNote)
                .SetProperty(o => o.UpdatedAt, now), ct);
    }
}

/// <summary>Purchase orders naming a registered supplier, transmitted when it takes orders (<see cref="IPurchaseOrderSuppliers"/>).</summary>
internal sealed class PurchaseOrderTransmissions : IPurchaseOrderSuppliers
{
    public async Task<PurchaseOrderSupplier?> FindActiveAsync(AppDbContext db, long supplierId, CancellationToken ct) =>
        await db.Set<Supplier>().AsNoTracking().Where(s => s.Id == supplierId && s.Active)
            .Select(s => new PurchaseOrderSupplier(s.Id, s.Name)).FirstOrDefaultAsync(ct);

    public Task<bool> QueueAsync(AppDbContext db, PurchaseOrder order, DateTime now, CancellationToken ct) =>
        SupplierOrderQueue.QueuePurchaseOrderAsync(db, order, now, ct);

    public Task CancelAsync(AppDbContext db, Guid purchaseOrderId, DateTime now, CancellationToken ct) =>
        SupplierOrderQueue.CancelAsync(db, db.Set<SupplierOrder>().Where(o => o.PurchaseOrderId == purchaseOrderId),
            "The purchase order was cancelled before it was transmitted.",
            "The purchase order was cancelled after the supplier received it; cancel it with the supplier.", now, ct);

    public async Task<PurchaseOrderTransmission?> TransmissionAsync(AppDbContext db, Guid purchaseOrderId, CancellationToken ct) =>
        await db.Set<SupplierOrder>().AsNoTracking().Where(o => o.PurchaseOrderId == purchaseOrderId)
            .Select(o => new { o.Id, o.Status, o.Attempts, o.SupplierOrderId, o.AcknowledgedAt, o.LastError, o.NextAttemptAt })
            .FirstOrDefaultAsync(ct) is { } o
            ? new PurchaseOrderTransmission(o.Id, JsonNamingPolicy.SnakeCaseLower.ConvertName(o.Status.ToString()), o.Attempts,
                o.SupplierOrderId, o.AcknowledgedAt, o.LastError, o.Status == SupplierOrderStatus.Pending ? o.NextAttemptAt : null)
            : null;
}

/// <summary>
/// Drop-ship: when a customer order is paid, its lines reserved in supplier-owned warehouses are queued to those suppliers;
/// when it is cancelled, what was not sent is cancelled and what was sent flags the order for a person.
/// </summary>
internal sealed class DropShipOrders : IOrderFulfilmentListener
{
    public Task OnPaidAsync(AppDbContext db, Order order, DateTime now, CancellationToken ct) =>
        SupplierOrderQueue.QueueDropShipAsync(db, order, now, ct);

    public async Task OnCancelledAsync(AppDbContext db, Order order, DateTime now, CancellationToken ct)
    {
        const string SentNote = "The customer order was cancelled after the supplier received this drop-ship order; cancel it with the supplier.";
        var noted = await SupplierOrderQueue.CancelAsync(db, db.Set<SupplierOrder>().Where(o => o.CustomerOrderId == order.Id),
            "The customer order was cancelled before this drop-ship order was transmitted.", SentNote, now, ct);
        if (noted > 0)
        {
            order.FlagForAttention(SentNote, now);
            OrderEvents.RecordNeedsAttention(db, order, SentNote, now);
        }
    }
}
