using Axle.Api.Features.Catalog;
using Axle.Api.Platform.Hosting;
using Axle.Api.Platform.Http;
using Axle.Api.Platform.Security;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Axle.Api.Features.Inventory;

/// <summary>
/// Inventory: warehouses, stock levels and their ledger, reservations, adjustments, transfers, purchase orders and
/// receipts, low-stock events, reconciliation and demo stock.
/// </summary>
public static class InventoryEndpoints
{
    /// <summary>Per-warehouse stock and the ledger: inventory, order and admin staff, or machine clients with inventory:read.</summary>
    internal static readonly string ReadStock = Policies.ScopeOrRoles("inventory:read", Roles.InventoryManager, Roles.OrderManager, Roles.Admin);

    /// <summary>Changing stock, warehouses and purchase orders: inventory managers and admins, or inventory:write clients.</summary>
    internal static readonly string WriteStock = Policies.ScopeOrRoles("inventory:write", Roles.InventoryManager, Roles.Admin);

    /// <summary>Lists meant for stock management (low stock, reconciliation, purchase orders).</summary>
    internal static readonly string ManageStock = Policies.ScopeOrRoles("inventory:read", Roles.InventoryManager, Roles.Admin);

    /// <summary>Reservations are also made by the order flow: order managers and inventory:write clients too.</summary>
    internal static readonly string Reserve = Policies.ScopeOrRoles("inventory:write", Roles.InventoryManager, Roles.OrderManager, Roles.Admin);

    /// <summary>Warehouse list and detail: any staff role, or inventory:read clients.</summary>
    internal static readonly string ReadWarehouses = Policies.ScopeOrRoles("inventory:read", [.. Roles.Staff]);

    public static WebApplicationBuilder AddInventory(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<InventoryOptions>().BindConfiguration(InventoryOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<IAllocationStrategy>(sp =>
            sp.GetRequiredService<IOptions<InventoryOptions>>().Value.Allocation == NearestRegionStrategy.StrategyName
                ? new NearestRegionStrategy()
                : new MostAvailableStrategy());
        services.AddScoped<InventoryReservations>();
        services.AddSingleton<InventoryMetrics>();
        services.TryAddScoped<IReservationShortfallListener, NoShortfallListener>();
        services.TryAddScoped<IPurchaseOrderSuppliers, NoPurchaseOrderSuppliers>();
        services.AddScoped<StockReconciliation>();
        services.AddScoped<IPartUsage, StockPartUsage>();
        services.AddWorker<ReservationExpiryWorker>();
        // Runs after the demo catalog (registered earlier by AddCatalog), whose parts it stocks.
        services.AddStartupTask<DemoStock>();
        return builder;
    }

    public static WebApplication MapInventory(this WebApplication app)
    {
        MapWarehouses(app);
        MapStock(app);
        MapReservations(app);
        MapPurchaseOrders(app);
        return app;
    }

    private static void MapWarehouses(WebApplication app)
    {
        var group = app.MapGroup("/api/v1/warehouses").WithTags("Warehouses");
        group.MapGet("/", ListWarehouses.Handle).RequireAuthorization(ReadWarehouses)
            .WithName("ListWarehouses")
            .WithSummary("Warehouses by id")
            .WithDescription("Staff only. Cursor-paginated (limit ≤ 100). ?active=true|false filters.");
        group.MapPost("/", CreateWarehouse.Handle).RequireAuthorization(WriteStock)
            .WithName("CreateWarehouse")
            .WithSummary("Create a warehouse")
            .WithDescription("code: 2-16 upper-case letters, digits and '-', unique (409 warehouse_code_taken), never changes. " +
                "address.country is ISO 3166-1 alpha-2; country and region drive nearest-region allocation.")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status409Conflict);
        group.MapGet("/{id:long}", GetWarehouse.Handle).RequireAuthorization(ReadWarehouses)
            .WithName("GetWarehouse")
            .WithSummary("One warehouse")
            .WithDescription("ETag from the warehouse's version; If-None-Match → 304.")
            .ProducesProblem(StatusCodes.Status404NotFound);
        group.MapPatch("/{id:long}", PatchWarehouse.Handle).RequireAuthorization(WriteStock)
            .WithName("PatchWarehouse")
            .WithSummary("Rename, move, activate or deactivate a warehouse")
            .WithDescription("Members present are changed (name, address as a whole, active); code cannot change. Requires If-Match " +
                "(428 without, 412 stale). An inactive warehouse keeps its stock but is not sold from or allocated.")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status412PreconditionFailed)
            .ProducesProblem(StatusCodes.Status428PreconditionRequired);
    }

    private static void MapStock(WebApplication app)
    {
        var group = app.MapGroup("/api/v1/inventory").WithTags("Inventory");
        group.MapGet("/", ListStockLevels.Handle).RequireAuthorization(ManageStock)
            .WithName("ListStockLevels")
            .WithSummary("Stock levels, e.g. those at or below their reorder point, with suggested purchase quantities")
            .WithDescription("Filters: warehouseId, belowReorderPoint=true (available ≤ reorderPoint), updatedSince (ISO 8601). " +
                "suggestedPurchaseQuantity = (reorderPoint − available) + reorderQuantity when available ≤ reorderPoint, else 0: " +
                "it brings available back to reorderPoint + reorderQuantity (open purchase orders are not subtracted). " +
                "Ordered by level id; cursor-paginated (limit ≤ 100).")
            .ProducesValidationProblem();
        group.MapGet("/reconciliation", GetReconciliation.Handle).RequireAuthorization(ManageStock)
            .WithName("ReconcileStock")
            .WithSummary("Compare every stock level with the sum of its ledger movements")
            .WithDescription("200 with the report either way; consistent=false lists the drifting levels (at most 100). " +
                "The same check runs from the command line: dotnet run --project src/Axle.Api -- verify-stock (exit code 4 on drift).");
        group.MapGet("/{sku}", GetStock.Handle).RequireAuthorization(ReadStock)
            .WithName("GetStock")
            .WithSummary("Stock of one SKU per warehouse, with totals")
            .WithDescription("Staff only (customers see availableQuantity on parts). Lists at most 100 warehouses by code; " +
                "warehouseCount counts every warehouse holding a level and the totals sum them all (GET /api/v1/inventory?warehouseId= " +
                "pages through one warehouse's levels); inactive warehouses are flagged and do not sell. ETag over the levels' versions; If-None-Match → 304.")
            .ProducesProblem(StatusCodes.Status404NotFound);
        group.MapGet("/{sku}/movements", ListMovements.Handle).RequireAuthorization(ReadStock)
            .WithName("ListStockMovements")
            .WithSummary("The stock ledger of one SKU, newest first")
            .WithDescription("Every change of on hand or reserved with reason, actor (user id, client:<id> or system), " +
                "reference (order, purchase_order, transfer, adjustment, reservation, sync_run) and time. Optional warehouseId. " +
                "Cursor-paginated (limit ≤ 100).")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound);
        group.MapGet("/{sku}/warehouses/{warehouseId:long}", GetStockLevel.Handle).RequireAuthorization(ReadStock)
            .WithName("GetStockLevel")
            .WithSummary("One stock level, with its ETag for If-Match")
            .ProducesProblem(StatusCodes.Status404NotFound);
        group.MapPatch("/{sku}/warehouses/{warehouseId:long}", PatchStockLevel.Handle).RequireAuthorization(WriteStock)
            .WithName("PatchStockLevel")
            .WithSummary("Set the reorder point and reorder quantity of a level")
            .WithDescription("Quantities are changed by adjustments, transfers, receipts and reservations, never here. Requires If-Match " +
                "with the level's ETag (428 without, 412 stale; any stock change also moves the ETag). Raising the reorder point to or " +
                "above available records inventory.low_stock.")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status412PreconditionFailed)
            .ProducesProblem(StatusCodes.Status428PreconditionRequired);
        group.MapPost("/adjustments", AdjustStock.Handle).RequireAuthorization(WriteStock)
            .WithIdempotency(required: true)
            .WithName("AdjustStock")
            .WithSummary("Change on-hand stock of one level, with a reason")
            .WithDescription("Reasons: received, found, return_restock (delta > 0); damaged, lost (delta < 0); cycle_count, correction " +
                "(either sign). Never drives on hand below reserved or below zero: 409 insufficient_stock, nothing changed.")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status409Conflict);
        group.MapPost("/transfers", TransferStock.Handle).RequireAuthorization(WriteStock)
            .WithIdempotency(required: true)
            .WithName("TransferStock")
            .WithSummary("Move stock between two warehouses")
            .WithDescription("Out of one and into the other as two movements (transfer_out, transfer_in) in one transaction. Only " +
                "available units move (409 insufficient_stock otherwise); the destination must be active (409 warehouse_inactive).")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status409Conflict);
    }

    private static void MapReservations(WebApplication app)
    {
        var group = app.MapGroup("/api/v1/inventory/reservations").WithTags("Inventory reservations").RequireAuthorization(Reserve);
        group.MapPost("/", CreateReservation.Handle)
            .WithIdempotency(required: true)
            .WithName("CreateReservation")
            .WithSummary("Reserve stock for a set of lines, atomically")
            .WithDescription("Each line names a part by partId or sku. Allocation (Inventory:Allocation): most_available fills from the " +
                "warehouse with the most available and splits only when needed (one warehouse for the whole order when one can), " +
                "over at most 10 warehouses per part (its fullest); nearest_region prefers shipTo's country and region. All lines " +
                "are reserved or none: 409 insufficient_stock names the SKUs with requested and available quantities (available: " +
                "what the part's 10 fullest warehouses hold). A held reservation expires after Inventory:ReservationTtl " +
                "(default 15 minutes) and its stock is released.")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status409Conflict);
        group.MapGet("/{id:guid}", GetReservation.Handle)
            .WithName("GetReservation")
            .WithSummary("One reservation with its lines per warehouse")
            .ProducesProblem(StatusCodes.Status404NotFound);
        group.MapPost("/{id:guid}/commit", CloseReservation.Commit)
            .WithIdempotency()
            .WithName("CommitReservation")
            .WithSummary("Commit (ship) a held reservation: on hand and reserved both go down")
            .WithDescription("409 reservation_not_held when it is already committed, released or expired.")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);
        group.MapPost("/{id:guid}/release", CloseReservation.Release)
            .WithIdempotency()
            .WithName("ReleaseReservation")
            .WithSummary("Release a held reservation: its units are available again")
            .WithDescription("409 reservation_not_held when it is already committed, released or expired.")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);
    }

    private static void MapPurchaseOrders(WebApplication app)
    {
        var group = app.MapGroup("/api/v1/purchase-orders").WithTags("Purchase orders");
        group.MapPost("/", CreatePurchaseOrder.Handle).RequireAuthorization(WriteStock)
            .WithIdempotency(required: true)
            .WithName("CreatePurchaseOrder")
            .WithSummary("Order stock from a supplier into one warehouse")
            .WithDescription("Lines of sku, quantity and unit cost; one line per SKU; all lines in one currency. Status starts open. " +
                "supplierId names a registered, active supplier (400 naming supplierId otherwise; supplierName then defaults to " +
                "its name); when its feed has an orderUrl the order is queued for transmission to it in the same transaction, " +
                "and transmission shows status, attempts, supplierOrderId, acknowledgedAt and lastError.")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status409Conflict);
        group.MapGet("/{id:guid}", GetPurchaseOrder.Handle).RequireAuthorization(ManageStock)
            .WithName("GetPurchaseOrder")
            .WithSummary("One purchase order with ordered and received quantities")
            .ProducesProblem(StatusCodes.Status404NotFound);
        group.MapPost("/{id:guid}/receipts", ReceivePurchaseOrder.Handle).RequireAuthorization(WriteStock)
            .WithIdempotency(required: true)
            .WithName("ReceivePurchaseOrder")
            .WithSummary("Receive goods against a purchase order")
            .WithDescription("Partial receipts are allowed; receiving more than is outstanding on a line → 409 over_receipt and " +
                "nothing is received. Adds on-hand stock (reason received, reference the purchase order) in one transaction. " +
                "Status becomes partially_received, then received; a received or cancelled order → 409 purchase_order_closed.")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);
        group.MapPost("/{id:guid}/cancel", CancelPurchaseOrder.Handle).RequireAuthorization(WriteStock)
            .WithIdempotency(required: false)
            .WithName("CancelPurchaseOrder")
            .WithSummary("Cancel what is still outstanding on a purchase order")
            .WithDescription("Open or partially received → cancelled; stock already received stays. A received or cancelled " +
                "order → 409 purchase_order_closed. A transmission to the supplier not sent yet is cancelled; one already " +
                "sent is noted for a person to cancel with the supplier. Audited.")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);
    }
}
