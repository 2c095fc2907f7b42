using System.ComponentModel.DataAnnotations;
using Axle.Api.Features.Audit;
using Axle.Api.Features.Catalog;
using Axle.Api.Platform.Data;
using Axle.Api.Platform.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Axle.Api.Features.Inventory;

/// <summary>
/// <c>POST /api/v1/purchase-orders</c>: stock ordered from a supplier into one active warehouse. A <c>supplierId</c> names a
/// registered, active supplier; when that supplier has an order endpoint the order is queued for transmission to it in the
/// same transaction (<see cref="IPurchaseOrderSuppliers"/>).
/// </summary>
internal static class CreatePurchaseOrder
{
    public const int MaxLines = 500;
    private const decimal MaxUnitCost = 1_000_000m;

    public sealed record LineInput(
        [property: Required, StringLength(64, MinimumLength = 1)] string? Sku,
        [property: Required, Range(1, AdjustStock.MaxDelta)] int? Quantity,
        [property: Required] PartMoney? UnitCost);

    public sealed record Request(
        [property: StringLength(PurchaseOrder.SupplierNameMaxLength, MinimumLength = 1)] string? SupplierName,
        [property: StringLength(PurchaseOrder.SupplierReferenceMaxLength)] string? SupplierReference,
        [property: Required] long? WarehouseId,
        [property: Required, MinLength(1), MaxLength(MaxLines)] IReadOnlyList<LineInput>? Lines,
        long? SupplierId = null);

    public static async Task<Results<Created<PurchaseOrderResponse>, ValidationProblem, ProblemHttpResult>> Handle(
        Request request, HttpContext http, AppDbContext db, IPurchaseOrderSuppliers suppliers, AuditTrail audit, TimeProvider time,
        CancellationToken ct)
    {
        var lines = request.Lines!;
        var errors = new Dictionary<string, string[]>();
        var skus = lines.Select(l => l.Sku!).Distinct().ToList();
        var parts = await db.Set<Part>().AsNoTracking().Where(p => skus.Contains(p.Sku)).ToDictionaryAsync(p => p.Sku, p => p.Id, ct);
        var currency = lines[0].UnitCost!.Currency;
        for (var i = 0; i < lines.Count; i++)
        {
            var line = lines[i];
            if (!parts.ContainsKey(line.Sku!))
            {
                errors[$"lines[{i}].sku"] = ["No part has this SKU."];
            }
            else if (lines.Take(i).Any(l => l.Sku == line.Sku))
            {
                errors[$"lines[{i}].sku"] = ["One line per SKU."];
            }

            var amount = line.UnitCost!.Amount!.Value;
            if (amount < 0 || amount > MaxUnitCost || decimal.Round(amount, 2) != amount)
            {
                errors[$"lines[{i}].unitCost.amount"] = [$"The unit cost is 0 to {MaxUnitCost} with at most 2 decimal places."];
            }

            if (line.UnitCost.Currency != currency)
            {
                errors[$"lines[{i}].unitCost.currency"] = ["All lines use one currency."];
            }
        }

        PurchaseOrderSupplier? supplier = null;
        if (request.SupplierId is { } supplierId)
        {
            supplier = await suppliers.FindActiveAsync(db, supplierId, ct);
            if (supplier is null)
            {
                errors["supplierId"] = ["No active supplier has this id."];
            }
        }
        else if (string.IsNullOrWhiteSpace(request.SupplierName))
        {
            errors["supplierName"] = ["A supplier name (or a supplierId) is required."];
        }

        var warehouse = await InventoryLookups.WarehouseAsync(db, request.WarehouseId!.Value, ct);
        if (warehouse is null)
        {
            errors["warehouseId"] = ["No warehouse has this id."];
        }

        if (errors.Count > 0)
        {
            return Problems.Validation(errors);
        }

        if (!warehouse!.Active)
        {
            return InventoryProblems.WarehouseInactive(warehouse.Code);
        }

        var now = time.GetUtcNow().UtcDateTime;
        // Levels exist from the order on, so a reorder point can be set before the goods arrive.
        await StockLedger.EnsureLevelsAsync(db, [.. parts.Values.Select(p => (p, warehouse.Id))], now, ct);
        var supplierName = string.IsNullOrWhiteSpace(request.SupplierName) ? supplier!.Name : request.SupplierName.Trim();
        var order = new PurchaseOrder(Guid.CreateVersion7(time.GetUtcNow()), supplierName,
            string.IsNullOrWhiteSpace(request.SupplierReference) ? null : request.SupplierReference.Trim(), warehouse.Id, currency!,
            Actors.Of(http.User), now, supplier?.Id);
        foreach (var line in lines)
        {
            order.AddLine(parts[line.Sku!], line.Quantity!.Value, PartRules.ToMinor(line.UnitCost!.Amount!.Value));
        }

        db.Add(order);
        // Queued in this unit of work: the order and its transmission commit together or not at all.
        var transmitted = supplier is not null && await suppliers.QueueAsync(db, order, now, ct);
        audit.Record(db, "inventory.purchase_order_created", $"purchase-order/{order.Id}",
            details: new { order.SupplierName, order.SupplierId, order.SupplierReference, warehouseId = warehouse.Id, lines = lines.Count, transmitted });
        await db.SaveChangesAsync(ct);

        return TypedResults.Created($"/api/v1/purchase-orders/{order.Id}", await PurchaseOrderResponse.LoadAsync(db, suppliers, order.Id, ct));
    }
}
