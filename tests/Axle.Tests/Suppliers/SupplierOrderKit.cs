using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Axle.Api.Features.Catalog;
using Axle.Api.Features.Suppliers.Mapping;
using Axle.Api.Features.Suppliers.Ordering;
using Axle.Api.Platform.Security;
using Axle.SupplierSim;
using Axle.Tests.Infrastructure;
using Axle.Tests.Inventory;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Axle.Tests.Suppliers;

/// <summary>
/// The app for supplier order tests: loopback supplier URLs over http, one quick in-place retry per transmission, three
/// transmissions before an order fails, no backoff between them (so a test can run the worker again at once; a supplier's
/// Retry-After still postpones), orders placeable (tax, shipping, payment webhook secret).
/// </summary>
public sealed class SupplierOrderFactory : AxleFactory
{
    public const string WebhookSecret = "whsec_test_supplier_orders_0123456789";

    protected override IDictionary<string, string?> Overrides => new Dictionary<string, string?>
    {
        ["OutboundUrls:AllowedNetworks:0"] = "127.0.0.0/8",
        ["OutboundUrls:RequireHttps"] = "false",
        ["Suppliers:Feeds:MaxRetries"] = "1",
        ["Suppliers:Feeds:BaseDelay"] = "00:00:00.010",
        ["Suppliers:Feeds:MaxDelay"] = "00:00:03",
        ["Suppliers:Feeds:AttemptTimeout"] = "00:00:10",
        ["Suppliers:Feeds:TotalTimeout"] = "00:00:30",
        ["Suppliers:OrderMaxAttempts"] = "3",
        ["Suppliers:OrderRetryBaseDelay"] = "00:00:00",
        ["Tax:DefaultRatePercent"] = "0",
        ["Payments:WebhookSecret"] = WebhookSecret,
    };
}

/// <summary>A supplier whose feed (and order endpoint, unless turned off) is a fresh simulator.</summary>
internal sealed record OrderingSupplier(TestSupplier Supplier, SupplierSimulator Sim) : IAsyncDisposable
{
    public long Id => Supplier.Id;

    public ValueTask DisposeAsync() => Sim.DisposeAsync();

    public long OrderRequests => Sim.Stats.RequestsByPath.GetValueOrDefault("/orders");
}

/// <summary>Suppliers that take orders, purchase orders naming them, the order worker, and reads of supplier orders.</summary>
internal sealed class SupplierOrderKit(AxleFactory factory)
{
    public const string PurchaseOrders = "/api/v1/purchase-orders";
    public const string SupplierOrders = "/api/v1/supplier-orders";

    public SupplierKit Suppliers { get; } = new(factory);

    public InventoryKit Inventory => Suppliers.Inventory;

    public HttpClient Admin => Suppliers.Admin;

    public HttpClient Manager => Inventory.Manager;

    public static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>A supplier owning one warehouse, its feed on a fresh simulator, with the simulator's /orders as order endpoint.</summary>
    public async Task<OrderingSupplier> SupplierAsync(bool orderEndpoint = true, object? auth = null, object? credentials = null)
    {
        var supplier = await Suppliers.SupplierAsync();
        var sim = await SupplierSimulator.StartAsync(new SimulatorOptions
        {
            Records = 10,
            Warehouses = [supplier.WarehouseCode],
            Auth = auth is null ? SimAuthMode.None : SimAuthMode.ApiKey,
        }, Ct);
        var settings = new Dictionary<string, object?>
        {
            ["url"] = new Uri(sim.BaseUrl, "feed/stock").ToString(),
            ["format"] = "json_cursor",
        };
        if (orderEndpoint)
        {
            settings["orderUrl"] = new Uri(sim.BaseUrl, "orders").ToString();
        }

        if (auth is not null)
        {
            settings["auth"] = auth;
        }

        var response = await Admin.PutAsJsonAsync($"{SupplierKit.Suppliers}/{supplier.Id}/feed",
            new { settings, credentials, mapping = SupplierMapping.Example }, Ct);
        await response.AssertJsonAsync(HttpStatusCode.OK);
        return new OrderingSupplier(supplier, sim);
    }

    /// <summary>Adds supplier part numbers for SKUs to the supplier's part list.</summary>
    public async Task PartNumbersAsync(long supplierId, params (string Number, Part Part)[] items)
    {
        var response = await Admin.PostAsJsonAsync($"{SupplierKit.Suppliers}/{supplierId}/parts",
            new { items = items.Select(i => new { supplierPartNumber = i.Number, sku = i.Part.Sku }) }, Ct);
        Assert.True(response.IsSuccessStatusCode, $"{response.StatusCode}: {await response.Content.ReadAsStringAsync(Ct)}");
    }

    public static object PurchaseOrder(long? supplierId, long warehouseId, params (Part Part, int Quantity)[] lines) => new
    {
        supplierId,
        warehouseId,
        lines = lines.Select(l => new { sku = l.Part.Sku, quantity = l.Quantity, unitCost = new { amount = 9.5m, currency = "USD" } }),
    };

    public Task<HttpResponseMessage> PostPurchaseOrderAsync(object body, HttpClient? client = null) =>
        InventoryKit.PostAsync(client ?? Manager, PurchaseOrders, body);

    public async Task<JsonElement> CreatePurchaseOrderAsync(long supplierId, params (Part Part, int Quantity)[] lines)
    {
        var warehouse = await Inventory.WarehouseAsync();
        return await (await PostPurchaseOrderAsync(PurchaseOrder(supplierId, warehouse, lines))).AssertJsonAsync(HttpStatusCode.Created);
    }

    /// <summary>One iteration of the supplier order worker; returns how many orders it claimed.</summary>
    public Task<int> RunWorkerAsync() => factory.Services.GetRequiredService<SupplierOrderWorker>().RunOnceAsync(Ct);

    public Task<List<SupplierOrder>> OrdersOfAsync(long supplierId) =>
        Suppliers.DbAsync(db => db.Set<SupplierOrder>().AsNoTracking().Include(o => o.Lines).Where(o => o.SupplierId == supplierId)
            .OrderBy(o => o.CreatedAt).ToListAsync(Ct));

    public Task<SupplierOrder> OrderAsync(Guid id) =>
        Suppliers.DbAsync(db => db.Set<SupplierOrder>().AsNoTracking().Include(o => o.Lines).FirstAsync(o => o.Id == id, Ct));

    /// <summary>Makes a postponed order due now, as if its wait had passed.</summary>
    public Task MakeDueAsync(Guid id) =>
        Suppliers.DbAsync(db => db.Set<SupplierOrder>().Where(o => o.Id == id)
            .ExecuteUpdateAsync(s => s.SetProperty(o => o.NextAttemptAt, DateTime.UtcNow.AddSeconds(-1)), Ct));

    public HttpClient Customer() => factory.CreateUserClient(Guid.NewGuid(), Roles.Customer);

    public Task<JsonElement> GetAsync(Guid id) => GetJsonAsync($"{SupplierOrders}/{id}");

    public async Task<JsonElement> GetJsonAsync(string url, HttpClient? client = null) =>
        await (await (client ?? Manager).GetAsync(url, Ct)).AssertJsonAsync(HttpStatusCode.OK);
}
