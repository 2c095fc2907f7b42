using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Axle.Api.Features.Catalog;
using Axle.Api.Features.Inventory;
using Axle.Api.Features.Suppliers;
using Axle.Api.Features.Suppliers.Mapping;
using Axle.Api.Features.Suppliers.Sync;
using Axle.Api.Platform.Data;
using Axle.SupplierSim;
using Axle.Tests.Catalog;
using Axle.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Axle.Tests.Suppliers;

/// <summary>
/// The app with what pulling from an in-process simulator needs: loopback feed URLs allowed over http, and short retry
/// delays so fault tests stay quick (a Retry-After of a second or two is still waited out in place).
/// </summary>
public sealed class SyncFactory : AxleFactory
{
    protected override IDictionary<string, string?> Overrides => new Dictionary<string, string?>
    {
        ["OutboundUrls:AllowedNetworks:0"] = "127.0.0.0/8",
        ["OutboundUrls:RequireHttps"] = "false",
        ["Suppliers:Feeds:MaxRetries"] = "3",
        ["Suppliers:Feeds:BaseDelay"] = "00:00:00.010",
        ["Suppliers:Feeds:MaxDelay"] = "00:00:03",
        ["Suppliers:Feeds:AttemptTimeout"] = "00:00:10",
        ["Suppliers:Feeds:TotalTimeout"] = "00:00:30",
        ["Suppliers:SyncLease"] = "00:00:30",
    };
}

/// <summary>A supplier whose feed is the simulator, which serves exactly the supplier's parts and warehouses.</summary>
internal sealed record Pull(TestSupplier Supplier, SupplierSimulator Sim) : IAsyncDisposable
{
    public ValueTask DisposeAsync() => Sim.DisposeAsync();

    public long Requests(string path) => Sim.Stats.RequestsByPath.GetValueOrDefault(path);
}

/// <summary>Sets up pulls from the simulator, starts and drives sync runs, and compares Axle's stock with the simulator's.</summary>
internal sealed class SyncKit(AxleFactory factory)
{
    public const string CursorPath = "/feed/stock";

    public SupplierKit Suppliers { get; } = new(factory);

    public HttpClient Admin => Suppliers.Admin;

    public static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>
    /// A supplier with two warehouses, <paramref name="records"/> parts whose SKUs are the simulator's part numbers, and a
    /// feed pointing at a fresh simulator (<paramref name="path"/> in <paramref name="format"/>) with the simulator's mapping.
    /// With <paramref name="skuPrefix"/>, the simulator's numbers are the parts' manufacturer numbers and the SKUs differ.
    /// </summary>
    public async Task<Pull> PullAsync(
        int records, int pageSize = 500, string format = "json_cursor", string path = "feed/stock", Action<SimulatorOptions>? configure = null,
        string? skuPrefix = null)
    {
        var supplier = await Suppliers.SupplierAsync(warehouses: 2);
        var tag = Guid.NewGuid().ToString("N")[..8].ToUpperInvariant();
        var numbers = Enumerable.Range(1, records).Select(i => $"S{tag}-{i:D5}").ToList();
        var seed = new CatalogSeed(factory);
        var brand = await seed.BrandAsync();
        var category = await seed.CategoryAsync("Filters");
        var now = DateTime.UtcNow;
        await seed.AddRangeAsync(numbers.Select(n =>
        {
            var part = new Part(skuPrefix + n, n, brand.Id, category.Id, "Filter " + n, 1000, "USD", now);
            part.Describe(null, 0, false, null, null, null, null);
            return part;
        }));

        var epoch = DateTimeOffset.UtcNow.AddHours(-1);
        var options = new SimulatorOptions
        {
            PartNumbers = numbers,
            Warehouses = [.. supplier.Warehouses.Select(w => w.Code)],
            DataEpoch = new DateTimeOffset(epoch.Year, epoch.Month, epoch.Day, epoch.Hour, epoch.Minute, epoch.Second, TimeSpan.Zero),
            HangLimit = TimeSpan.FromSeconds(3),
        };
        configure?.Invoke(options);
        var sim = await SupplierSimulator.StartAsync(options, Ct);
        var response = await PutFeedAsync(supplier.Id, new
        {
            settings = new { url = new Uri(sim.BaseUrl, path).ToString(), format, pageSize },
            mapping = SupplierMapping.Example,
        });
        await response.AssertJsonAsync(HttpStatusCode.OK);
        return new Pull(supplier, sim);
    }

    public Task<HttpResponseMessage> PutFeedAsync(long supplierId, object body) =>
        Admin.PutAsJsonAsync($"{SupplierKit.Suppliers}/{supplierId}/feed", body, Ct);

    public Task<HttpResponseMessage> PostSyncAsync(long supplierId, string mode = "full") =>
        Admin.PostAsync($"{SupplierKit.Suppliers}/{supplierId}/sync?mode={mode}", null, Ct);

    /// <summary>Queues a run through the API (202 with its Location) and returns its id.</summary>
    public async Task<Guid> StartAsync(long supplierId, string mode = "full")
    {
        var response = await PostSyncAsync(supplierId, mode);
        var body = await response.AssertJsonAsync(HttpStatusCode.Accepted);
        Assert.Equal("queued", body.GetProperty("status").GetString());
        var id = body.GetProperty("id").GetGuid();
        Assert.Equal($"/api/v1/sync-runs/{id}", response.Headers.Location?.ToString());
        return id;
    }

    /// <summary>Runs the run as this instance (the worker does the same for every open run).</summary>
    public async Task<SyncOutcome> RunAsync(Guid runId, CancellationToken? ct = null, string? owner = null)
    {
        await using var scope = factory.Services.CreateAsyncScope();
        var sync = scope.ServiceProvider.GetRequiredService<SupplierSync>();
        return owner is null ? await sync.RunAsync(runId, ct ?? Ct) : await sync.RunAsync(runId, owner, ct ?? Ct);
    }

    public Task<int> RunWorkerAsync(CancellationToken? ct = null) =>
        factory.Services.GetRequiredService<SupplierSyncWorker>().RunOnceAsync(ct ?? Ct);

    public async Task<JsonElement> GetRunAsync(Guid runId) =>
        await (await Admin.GetAsync($"/api/v1/sync-runs/{runId}", Ct)).AssertJsonAsync(HttpStatusCode.OK);

    /// <summary>Queues, runs and reads back one run.</summary>
    public async Task<JsonElement> SyncAsync(Pull pull, string mode = "full")
    {
        var id = await StartAsync(pull.Supplier.Id, mode);
        Assert.Equal(SyncOutcome.Finished, await RunAsync(id));
        return await GetRunAsync(id);
    }

    /// <summary>Axle's on-hand figure per (SKU, warehouse code) in the supplier's warehouses.</summary>
    public Task<Dictionary<(string Sku, string Warehouse), int>> LevelsAsync(TestSupplier supplier)
    {
        var warehouses = supplier.Warehouses.Select(w => w.Id).ToList();
        return Suppliers.DbAsync(async db => (await (
                from l in db.Set<StockLevel>().AsNoTracking()
                join p in db.Set<Part>() on l.PartId equals p.Id
                join w in db.Set<Warehouse>() on l.WarehouseId equals w.Id
                where warehouses.Contains(l.WarehouseId)
                select new { p.Sku, w.Code, l.OnHand }).ToListAsync(Ct))
            .ToDictionary(x => (x.Sku, x.Code), x => x.OnHand));
    }

    /// <summary>Every simulator record's quantity, in eaches, is Axle's on-hand figure for its part and warehouse.</summary>
    public async Task AssertStockMatchesAsync(Pull pull, string? skuPrefix = null)
    {
        var levels = await LevelsAsync(pull.Supplier);
        var records = pull.Sim.Catalog.All();
        var wrong = records.Where(r => levels.GetValueOrDefault((skuPrefix + r.PartNo, r.Warehouse), -1) != r.EachQuantity)
            .Select(r => $"{r.PartNo}@{r.Warehouse}: sim {r.EachQuantity}, axle {levels.GetValueOrDefault((skuPrefix + r.PartNo, r.Warehouse), -1)}")
            .Take(5).ToList();
        Assert.True(wrong.Count == 0, $"Stock differs from the simulator: {string.Join("; ", wrong)}");
    }

    public Task<SyncRun> RunRowAsync(Guid runId) =>
        Suppliers.DbAsync(db => db.Set<SyncRun>().AsNoTracking().FirstAsync(r => r.Id == runId, Ct));

    public Task<SupplierSyncState?> StateAsync(long supplierId) =>
        Suppliers.DbAsync(db => db.Set<SupplierSyncState>().AsNoTracking().FirstOrDefaultAsync(s => s.SupplierId == supplierId, Ct));

    public Task<T> DbAsync<T>(Func<AppDbContext, Task<T>> read) => Suppliers.DbAsync(read);
}
