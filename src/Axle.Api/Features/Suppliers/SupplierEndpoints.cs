using Axle.Api.Platform.Http;
using Axle.Api.Features.DeadLetters;
using Axle.Api.Features.Inventory;
using Axle.Api.Features.Orders;
using Axle.Api.Features.Suppliers.Feeds;
using Axle.Api.Features.Suppliers.Ordering;
using Axle.Api.Features.Suppliers.Reconciliation;
using Axle.Api.Features.Suppliers.Sync;
using Axle.Api.Platform.Hosting;
using Axle.Api.Platform.Security;
using Microsoft.AspNetCore.Mvc;

namespace Axle.Api.Features.Suppliers;

/// <summary>
/// Suppliers and synchronisation: supplier records with their warehouses, part lists, mappings and secrets; the signed push
/// webhook into the inbox and the worker that applies it; dead letters of what could not apply.
/// </summary>
public static class SupplierEndpoints
{
    public static WebApplicationBuilder AddSuppliers(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<SupplierOptions>().BindConfiguration(SupplierOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<SupplierSecrets>();
        services.AddSingleton<SupplierMetrics>();
        services.AddSingleton<InstanceIdentity>();
        services.AddScoped<SupplierStockApplier>();
        services.AddScoped<IDeadLetterReplayer, SupplierDeadLetterReplayer>();
        services.AddWorker<SupplierInboxWorker>();

        // Pull synchronisation: the feed client, the runner and the scheduler.
        services.AddSupplierFeeds();
        services.AddScoped<SupplierSync>();
        services.AddWorker<SupplierSyncWorker>();

        // Two-way: purchase orders and drop-ship orders transmitted to suppliers' order endpoints.
        services.AddScoped<IPurchaseOrderSuppliers, PurchaseOrderTransmissions>();
        services.AddScoped<IOrderFulfilmentListener, DropShipOrders>();
        services.AddScoped<IDeadLetterReplayer, SupplierOrderReplayer>();
        services.AddWorker<SupplierOrderWorker>();
        return builder;
    }

    public static WebApplication MapSuppliers(this WebApplication app)
    {
        var group = app.MapGroup("/api/v1/suppliers").WithTags("Suppliers").RequireAuthorization(Policies.Admin);
        group.MapPost("/", CreateSupplier.Handle)
            .WithName("CreateSupplier")
            .WithSummary("Register a supplier; the answer shows its webhook signing secret once")
            .WithDescription("Admin. code: 2-32 upper-case letters, digits, '-' or '_', unique (409 supplier_code_taken). warehouses: " +
                "codes of the warehouses whose stock this supplier is authoritative for (each owned by at most one supplier, 409 " +
                "warehouse_owned). mapping: how its feed records map (validated; omitted = Axle's own push format). ipAllowList: " +
                "IP addresses or CIDR networks the push webhook accepts it from (empty = any). applyPrices: its prices set " +
                "selling prices. autoCorrect: reconciliation corrects levels instead of only reporting. webhookSecret (whsec_…) " +
                "is in this answer only; rotate it with secret:rotate.")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status409Conflict);
        group.MapGet("/", ListSuppliers.Handle)
            .WithName("ListSuppliers")
            .WithSummary("Suppliers by id")
            .WithDescription("Admin. ?active=true|false filters. Cursor-paginated (limit ≤ 100). Never shows secrets.");
        group.MapGet("/{id:long}", GetSupplier.Handle)
            .WithName("GetSupplier")
            .WithSummary("One supplier (no secrets), with its ETag")
            .ProducesProblem(StatusCodes.Status404NotFound);
        group.MapPatch("/{id:long}", PatchSupplier.Handle)
            .WithName("PatchSupplier")
            .WithSummary("Change a supplier's name, state, warehouses, mapping, allow-list or policies")
            .WithDescription("Requires If-Match (428 without, 412 stale). Members present change; warehouses and ipAllowList replace " +
                "the lists; mapping null returns to Axle's push format.")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status412PreconditionFailed)
            .ProducesProblem(StatusCodes.Status428PreconditionRequired);
        group.MapDelete("/{id:long}", DeleteSupplier.Handle)
            .WithName("DeleteSupplier")
            .WithSummary("Remove a supplier (its warehouses and their stock stay)")
            .WithDescription("Requires If-Match. Removes the part list, snapshot, sync runs and remembered event ids; pushes not " +
                "applied yet are dropped. PATCH active=false pauses a supplier instead.")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status412PreconditionFailed)
            .ProducesProblem(StatusCodes.Status428PreconditionRequired);
        group.MapPost("/{id:long}/secret:rotate", RotateSupplierSecret.Handle)
            .WithName("RotateSupplierSecret")
            .WithSummary("New webhook signing secret (shown once); the old one verifies until previousSecretValidUntil")
            .WithDescription("The grace period is Suppliers:SecretRotationGrace (default 24 h). During it, pushes signed with either " +
                "secret verify, so the supplier can switch without losing any.")
            .ProducesProblem(StatusCodes.Status404NotFound);
        group.MapGet("/{id:long}/parts", SupplierParts.List)
            .WithName("ListSupplierParts")
            .WithSummary("The supplier's part numbers and the Axle parts they mean")
            .ProducesProblem(StatusCodes.Status404NotFound);
        group.MapPost("/{id:long}/parts", SupplierParts.Add)
            .WithName("AddSupplierParts")
            .WithSummary("Add or repoint supplier part numbers (up to 1,000 per call)")
            .WithDescription("{items: [{supplierPartNumber, sku}]}. Numbers are matched as the catalog normalises part numbers " +
                "(case and punctuation ignored). Unknown SKUs → 400, nothing changed. Records naming a number not in the list are " +
                "matched to a part by SKU, manufacturer part number or interchange number when exactly one part matches; " +
                "otherwise they are dead-lettered as unknown_part and can be replayed after the number is added here.")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound);

        MapSync(app, group);
        MapOrders(app);

        app.MapPost("/api/v1/inventory/updates", PushUpdates.Handle)
            .WithMetadata(new OpenApiContract.SignedBy(OpenApiContract.StandardWebhooks))
            .WithTags("Suppliers")
            .AllowAnonymous()
            .WithMetadata(new RequestSizeLimitAttribute(16 * 1024 * 1024))
            .WithName("SupplierInventoryUpdates")
            .WithSummary("Supplier push webhook: stock and price changes, applied asynchronously")
            .WithDescription("Signed per Standard Webhooks (webhook-id, webhook-timestamp within 5 minutes, webhook-signature " +
                "v1,<base64 HMAC-SHA256 of \"{id}.{timestamp}.{raw body}\"> with the supplier's whsec_ secret, or the previous " +
                "one during a rotation's grace). Unknown or inactive supplier, bad signature, stale timestamp → 401 naming none. " +
                "Body {supplierId, events: [{eventId, sku | supplierPartNumber, warehouseCode, quantity | delta, price?: {amount, " +
                "currency}, occurredAt}]} with 1 to Suppliers:MaxPushEvents (1000) events, at most Suppliers:MaxPushBytes (1 MB, " +
                "413 above). Stored durably under the webhook-id and answered 202 before anything is applied; the same webhook-id " +
                "again is answered 202 with duplicate=true and not stored twice. A worker then applies each event: repeated " +
                "eventIds and events older than the newest applied for their SKU and warehouse are ignored; events that cannot " +
                "apply (unknown part or warehouse, invalid fields, a delta below zero) go to dead letters while the rest apply. " +
                "With an IP allow-list on the supplier, other addresses → 403 (after the signature is verified).")
            .Accepts<object>("application/json")
            .Produces<PushUpdates.Response>(StatusCodes.Status202Accepted)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge);
        app.MapDeadLetters();
        return app;
    }

    private static void MapOrders(WebApplication app)
    {
        var read = Policies.ScopeOrRoles("inventory:read", Roles.InventoryManager, Roles.Admin);
        var write = Policies.ScopeOrRoles("inventory:write", Roles.InventoryManager, Roles.Admin);
        app.MapGet("/api/v1/suppliers/{id:long}/orders", SupplierOrderQueries.List)
            .WithTags("Suppliers")
            .RequireAuthorization(read)
            .WithName("ListSupplierOrders")
            .WithSummary("Orders transmitted (or to be) to the supplier, newest first")
            .WithDescription("Inventory managers and admins. Purchase orders naming the supplier and drop-ship orders for customer " +
                "order lines reserved in its warehouses, when its feed has an orderUrl. Filters: status (pending, acknowledged, " +
                "rejected, failed, cancelled), kind (purchase_order, drop_ship). Cursor-paginated (limit ≤ 100).")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound);

        var orders = app.MapGroup("/api/v1/supplier-orders").WithTags("Suppliers");
        orders.MapGet("/{id:guid}", SupplierOrderQueries.Get)
            .RequireAuthorization(read)
            .WithName("GetSupplierOrder")
            .WithSummary("One supplier order: lines as sent, ship-to, transmission status, attempts, the supplier's order id and answer")
            .ProducesProblem(StatusCodes.Status404NotFound);
        orders.MapPost("/{id:guid}/retry", SupplierOrderQueries.Retry)
            .RequireAuthorization(write)
            .WithName("RetrySupplierOrder")
            .WithSummary("Send a rejected or failed supplier order again")
            .WithDescription("Queues it as pending, due now, with fresh attempts and the same Idempotency-Key (the supplier cannot " +
                "end up with two); its open dead letters are closed. Any other status → 409 not_retryable.")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);
    }

    private static void MapSync(WebApplication app, RouteGroupBuilder group)
    {
        group.MapPut("/{id:long}/feed", ConfigureFeed.Put)
            .WithName("ConfigureSupplierFeed")
            .WithSummary("Turn pulling on or change it: feed settings, credentials (stored encrypted, never shown) and mapping")
            .WithDescription("Admin. {settings: {url, format: json_cursor|json_page|csv_file|json_file, pagination, pageSize, auth: " +
                "{kind: none|api_key|basic|oauth2_client_credentials, …}, schedule: {interval | cron, timeZone, offPeak}, " +
                "rateLimitPerMinute, timeoutSeconds, orderUrl?}, credentials?: {apiKey | username+password | clientId+clientSecret}, mapping?}. " +
                "Every URL must pass the outbound URL guard (public addresses, https; 400 otherwise). Credentials omitted keep " +
                "the stored ones. orderUrl: where purchase and drop-ship orders are POSTed (with these credentials); without it nothing is " +
                "transmitted. mapping: an object replaces the supplier's, null means the records are in Axle's own format, " +
                "omitted keeps the current one (400 when there is none). Optional If-Match (412 when stale).")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status412PreconditionFailed);
        group.MapDelete("/{id:long}/feed", ConfigureFeed.Delete)
            .WithName("RemoveSupplierFeed")
            .WithSummary("Stop pulling this supplier; its feed credentials are erased")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status412PreconditionFailed);
        group.MapPost("/{id:long}/sync", StartSync.Handle)
            .WithName("StartSupplierSync")
            .WithSummary("Queue a pull of the supplier's feed; 202 with the run to poll")
            .WithDescription("Admin. ?mode=full (default) | incremental (records changed since the last successful run's " +
                "high-water mark) | reconcile (the whole feed compared with Axle's levels: discrepancies reported, and corrected when the " +
                "supplier has autoCorrect). The sync worker runs it; " +
                "GET the Location for progress. A run of the same mode as the supplier's last run, when that one failed, " +
                "continues from its checkpoint. 409 sync_in_progress while another run is queued or running; 409 no_feed " +
                "without a feed.")
            .Produces<SyncRunResponse>(StatusCodes.Status202Accepted)
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);
        group.MapGet("/{id:long}/sync-runs", SyncRunQueries.List)
            .WithName("ListSupplierSyncRuns")
            .WithSummary("The supplier's sync runs, newest first")
            .WithDescription("Cursor-paginated (limit ≤ 100).")
            .ProducesProblem(StatusCodes.Status404NotFound);

        group.MapGet("/{id:long}/discrepancies", ListDiscrepancies.Handle)
            .WithName("ListSupplierDiscrepancies")
            .WithSummary("Result of the last reconciliation: levels whose stock or price differs from the supplier's")
            .WithDescription("Admin. Each item: sku, warehouse, kind (quantity, price, quantity_and_price, not_listed = Axle " +
                "holds stock the feed no longer lists), ours, theirs, difference (theirs − ours), prices in minor units (suppliers " +
                "that set prices), since (first seen), corrected (autoCorrect applied it). lastReconciliation: the latest " +
                "reconcile run. Filters warehouseId, kind; newest first, cursor-paginated (limit ≤ 100). Run one with " +
                "POST /suppliers/{id}/sync?mode=reconcile; the scheduler runs one every Suppliers:ReconcileInterval.")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound);

        app.MapGet("/api/v1/sync-runs/{id:guid}", SyncRunQueries.Get)
            .WithTags("Suppliers")
            .RequireAuthorization(Policies.Admin)
            .WithName("GetSyncRun")
            .WithSummary("One sync run: pages, records received/applied/unchanged/rejected/ignored, retries, throttling, duration, status")
            .ProducesProblem(StatusCodes.Status404NotFound);
    }
}
