using System.Net;
using System.Text.Json;
using Axle.Api.Features.Catalog;
using Axle.Api.Features.Inventory;
using Axle.Api.Features.Suppliers;
using Axle.Api.Features.Suppliers.Reconciliation;
using Axle.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Axle.Tests.Suppliers;

/// <summary>
/// Reconciliation against the real simulator: a full comparison of the supplier's feed with Axle's levels that reports
/// exactly the seeded discrepancies, changes nothing unless the supplier corrects automatically, and keeps "since".
/// </summary>
public sealed class ReconcileTests(SyncFactory factory) : IClassFixture<SyncFactory>
{
    private readonly SyncKit _kit = new(factory);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_reconciliation_reports_exactly_the_seeded_discrepancies_and_changes_no_stock()
    {
        await using var pull = await _kit.PullAsync(records: 300, pageSize: 100);
        await _kit.SyncAsync(pull);
        var records = pull.Sim.Catalog.All();

        // The supplier's figure moves (Axle has not pulled since) ...
        var supplierMoved = records.Take(3).ToList();
        foreach (var r in supplierMoved)
        {
            pull.Sim.Catalog.Set(r.PartNo, qtyAvail: r.QtyAvail + 5);
        }

        // ... Axle's moves (someone adjusted stock the supplier is authoritative for) ...
        var axleMoved = records.Skip(10).Take(2).ToList();
        foreach (var r in axleMoved)
        {
            await SetOnHandAsync(pull, r.PartNo, r.Warehouse, r.EachQuantity + 7);
        }

        // ... the supplier stops listing a part Axle still holds, and one Axle holds none of.
        var dropped = records.First(r => r.EachQuantity > 0 && !supplierMoved.Contains(r) && !axleMoved.Contains(r));
        Assert.True(pull.Sim.Catalog.Remove(dropped.PartNo));
        var droppedEmpty = records.Skip(20).First(r => r != dropped && !axleMoved.Contains(r));
        await SetOnHandAsync(pull, droppedEmpty.PartNo, droppedEmpty.Warehouse, 0);
        Assert.True(pull.Sim.Catalog.Remove(droppedEmpty.PartNo));
        var before = await _kit.LevelsAsync(pull.Supplier);

        var run = await _kit.SyncAsync(pull, "reconcile");

        Assert.Equal("succeeded", run.GetProperty("status").GetString());
        Assert.Equal("reconcile", run.GetProperty("mode").GetString());
        Assert.Equal(0, run.GetProperty("applied").GetInt64());
        Assert.Equal(298, run.GetProperty("received").GetInt64());
        Assert.Equal(6, run.GetProperty("discrepancies").GetInt64());
        Assert.Equal(before, await _kit.LevelsAsync(pull.Supplier));
        var runId = run.GetProperty("id").GetString()!;
        Assert.False(await _kit.DbAsync(db => db.Set<StockMovement>().AnyAsync(m => m.ReferenceId == runId, Ct)));

        var report = await ReportAsync(pull.Supplier.Id);
        Assert.Equal(runId, report.GetProperty("lastReconciliation").GetProperty("id").GetString());
        var items = report.GetProperty("items").EnumerateArray().ToDictionary(i => i.GetProperty("sku").GetString()!);
        Assert.Equal(6, items.Count);
        foreach (var r in supplierMoved)
        {
            AssertItem(items[r.PartNo], "quantity", ours: r.EachQuantity, theirs: pull.Sim.Catalog.Get(r.PartNo)!.EachQuantity);
            Assert.Equal(r.Warehouse, items[r.PartNo].GetProperty("warehouseCode").GetString());
        }

        foreach (var r in axleMoved)
        {
            AssertItem(items[r.PartNo], "quantity", ours: r.EachQuantity + 7, theirs: r.EachQuantity);
        }

        AssertItem(items[dropped.PartNo], "not_listed", ours: dropped.EachQuantity, theirs: 0);
        Assert.Equal(JsonValueKind.Null, items[dropped.PartNo].GetProperty("theirUpdatedAt").ValueKind);
        Assert.False(items.ContainsKey(droppedEmpty.PartNo));
        Assert.All(items.Values, i => Assert.False(i.GetProperty("corrected").GetBoolean()));
        Assert.All(items.Values, i => Assert.Equal(runId, i.GetProperty("runId").GetString()));

        var rows = await _kit.DbAsync(db => db.Set<SupplierDiscrepancy>().AsNoTracking().Where(d => d.SupplierId == pull.Supplier.Id).ToListAsync(Ct));
        Assert.Equal(6, rows.Count);
        var state = await _kit.StateAsync(pull.Supplier.Id);
        Assert.Equal(Guid.Parse(runId), state!.LastReconcileRunId);
    }

    [Fact]
    public async Task A_later_reconciliation_keeps_since_for_what_persists_and_drops_what_was_fixed()
    {
        await using var pull = await _kit.PullAsync(records: 50, pageSize: 50);
        await _kit.SyncAsync(pull);
        var records = pull.Sim.Catalog.All();
        var fixedLater = records[0];
        var persists = records[1];
        await SetOnHandAsync(pull, fixedLater.PartNo, fixedLater.Warehouse, fixedLater.EachQuantity + 1);
        await SetOnHandAsync(pull, persists.PartNo, persists.Warehouse, persists.EachQuantity + 2);

        await _kit.SyncAsync(pull, "reconcile");
        var first = (await ReportAsync(pull.Supplier.Id)).GetProperty("items").EnumerateArray()
            .ToDictionary(i => i.GetProperty("sku").GetString()!, i => i.GetProperty("since").GetDateTime());
        Assert.Equal(2, first.Count);

        await SetOnHandAsync(pull, fixedLater.PartNo, fixedLater.Warehouse, fixedLater.EachQuantity);
        var second = await _kit.SyncAsync(pull, "reconcile");

        Assert.Equal(1, second.GetProperty("discrepancies").GetInt64());
        var item = Assert.Single((await ReportAsync(pull.Supplier.Id)).GetProperty("items").EnumerateArray());
        Assert.Equal(persists.PartNo, item.GetProperty("sku").GetString());
        Assert.Equal(first[persists.PartNo], item.GetProperty("since").GetDateTime());
        Assert.Equal(second.GetProperty("id").GetString(), item.GetProperty("runId").GetString());
        Assert.True(item.GetProperty("reportedAt").GetDateTime() >= item.GetProperty("since").GetDateTime());
    }

    [Fact]
    public async Task A_supplier_that_corrects_automatically_has_its_figures_applied_and_the_corrections_reported()
    {
        await using var pull = await _kit.PullAsync(records: 40, pageSize: 40);
        await _kit.SyncAsync(pull);
        await _kit.DbAsync(db => db.Set<Supplier>().Where(s => s.Id == pull.Supplier.Id)
            .ExecuteUpdateAsync(s => s.SetProperty(x => x.AutoCorrect, true), Ct));
        var records = pull.Sim.Catalog.All();
        var wrong = records.Take(3).ToList();
        foreach (var r in wrong)
        {
            await SetOnHandAsync(pull, r.PartNo, r.Warehouse, r.EachQuantity + 3);
        }

        var run = await _kit.SyncAsync(pull, "reconcile");

        Assert.Equal(3, run.GetProperty("discrepancies").GetInt64());
        Assert.Equal(3, run.GetProperty("applied").GetInt64());
        await _kit.AssertStockMatchesAsync(pull);
        var runId = run.GetProperty("id").GetString()!;
        var movements = await _kit.DbAsync(db => db.Set<StockMovement>().AsNoTracking().Where(m => m.ReferenceId == runId).ToListAsync(Ct));
        Assert.Equal(3, movements.Count);
        Assert.All(movements, m =>
        {
            Assert.Equal(MovementReason.SupplierSync, m.Reason);
            Assert.Equal(-3, m.DeltaOnHand);
        });
        var items = (await ReportAsync(pull.Supplier.Id)).GetProperty("items").EnumerateArray().ToList();
        Assert.Equal(3, items.Count);
        Assert.All(items, i =>
        {
            Assert.True(i.GetProperty("corrected").GetBoolean());
            Assert.Equal(-3, i.GetProperty("difference").GetInt32());
        });

        // Corrected, the next reconciliation finds nothing.
        var next = await _kit.SyncAsync(pull, "reconcile");
        Assert.Equal(0, next.GetProperty("discrepancies").GetInt64());
        Assert.Empty((await ReportAsync(pull.Supplier.Id)).GetProperty("items").EnumerateArray());
    }

    [Fact]
    public async Task A_supplier_that_sets_prices_has_price_differences_reported_by_kind()
    {
        await using var pull = await _kit.PullAsync(records: 20, pageSize: 20);
        await _kit.DbAsync(db => db.Set<Supplier>().Where(s => s.Id == pull.Supplier.Id)
            .ExecuteUpdateAsync(s => s.SetProperty(x => x.ApplyPrices, true), Ct));
        await _kit.SyncAsync(pull);
        var records = pull.Sim.Catalog.All();
        var repriced = records[0];
        var both = records[1];
        var theirPrice = await _kit.DbAsync(db => db.Set<Part>().Where(p => p.Sku == repriced.PartNo).Select(p => p.PriceMinor).FirstAsync(Ct));
        await _kit.DbAsync(db => db.Set<Part>().Where(p => p.Sku == repriced.PartNo || p.Sku == both.PartNo)
            .ExecuteUpdateAsync(s => s.SetProperty(p => p.PriceMinor, 1), Ct));
        await SetOnHandAsync(pull, both.PartNo, both.Warehouse, both.EachQuantity + 1);

        await _kit.SyncAsync(pull, "reconcile");

        var items = (await ReportAsync(pull.Supplier.Id)).GetProperty("items").EnumerateArray()
            .ToDictionary(i => i.GetProperty("sku").GetString()!);
        Assert.Equal(2, items.Count);
        Assert.Equal("price", items[repriced.PartNo].GetProperty("kind").GetString());
        Assert.Equal(1, items[repriced.PartNo].GetProperty("ourPriceMinor").GetInt64());
        Assert.Equal(theirPrice, items[repriced.PartNo].GetProperty("theirPriceMinor").GetInt64());
        Assert.Equal(0, items[repriced.PartNo].GetProperty("difference").GetInt32());
        Assert.Equal("quantity_and_price", items[both.PartNo].GetProperty("kind").GetString());
        Assert.Equal(-1, items[both.PartNo].GetProperty("difference").GetInt32());
        Assert.Equal(1, await _kit.DbAsync(db => db.Set<Part>().Where(p => p.Sku == repriced.PartNo).Select(p => p.PriceMinor).FirstAsync(Ct)));

        var priceOnly = await ReportAsync(pull.Supplier.Id, "?kind=price");
        Assert.Equal(repriced.PartNo, Assert.Single(priceOnly.GetProperty("items").EnumerateArray()).GetProperty("sku").GetString());
    }

    [Fact]
    public async Task A_feed_record_older_than_what_axle_applied_since_is_not_a_discrepancy()
    {
        await using var pull = await _kit.PullAsync(records: 10, pageSize: 10);
        await _kit.SyncAsync(pull);
        var record = pull.Sim.Catalog.All()[0];
        // A push newer than the feed's record moved the level after the full pull.
        var levelId = await SetOnHandAsync(pull, record.PartNo, record.Warehouse, record.EachQuantity + 4);
        await _kit.DbAsync(db => db.Set<SupplierStock>().Where(s => s.LevelId == levelId)
            .ExecuteUpdateAsync(s => s.SetProperty(x => x.SourceUpdatedAt, DateTime.UtcNow.AddMinutes(5)), Ct));

        var run = await _kit.SyncAsync(pull, "reconcile");

        Assert.Equal(0, run.GetProperty("discrepancies").GetInt64());
        Assert.Equal(1, run.GetProperty("ignored").GetInt64());
        Assert.Empty((await ReportAsync(pull.Supplier.Id)).GetProperty("items").EnumerateArray());
    }

    [Fact]
    public async Task The_scheduler_reconciles_instead_of_an_incremental_pull_once_the_interval_has_passed()
    {
        await using var pull = await _kit.PullAsync(records: 10, pageSize: 10);
        await _kit.RunWorkerAsync();
        var full = Assert.Single(await RunsAsync(pull.Supplier.Id));
        Assert.Equal(SyncMode.Full, full.Mode);

        // Due again (the feed interval passed) but the last full pull is recent: incremental.
        await _kit.DbAsync(db => db.Set<SupplierSyncState>().Where(s => s.SupplierId == pull.Supplier.Id)
            .ExecuteUpdateAsync(s => s.SetProperty(x => x.LastRunAt, DateTime.UtcNow.AddHours(-1)), Ct));
        await _kit.RunWorkerAsync();
        Assert.Equal(SyncMode.Incremental, (await RunsAsync(pull.Supplier.Id)).OrderBy(r => r.CreatedAt).Last().Mode);

        // A day after the full pull, the next due pull is a reconciliation.
        await _kit.DbAsync(db => db.Set<SyncRun>().Where(r => r.SupplierId == pull.Supplier.Id)
            .ExecuteUpdateAsync(s => s.SetProperty(x => x.CreatedAt, x => x.CreatedAt.AddDays(-2)), Ct));
        await _kit.DbAsync(db => db.Set<SupplierSyncState>().Where(s => s.SupplierId == pull.Supplier.Id)
            .ExecuteUpdateAsync(s => s.SetProperty(x => x.LastRunAt, DateTime.UtcNow.AddHours(-1)), Ct));
        await _kit.RunWorkerAsync();

        var latest = (await RunsAsync(pull.Supplier.Id)).OrderBy(r => r.CreatedAt).Last();
        Assert.Equal(SyncMode.Reconcile, latest.Mode);
        Assert.Equal("schedule", latest.Trigger);
        Assert.Equal(SyncRunStatus.Succeeded, latest.Status);
        Assert.NotNull((await _kit.StateAsync(pull.Supplier.Id))!.LastReconciledAt);
    }

    [Fact]
    public async Task The_report_validates_its_filters_is_admin_only_and_404s_for_an_unknown_supplier()
    {
        await using var pull = await _kit.PullAsync(records: 5, pageSize: 5);
        var empty = await ReportAsync(pull.Supplier.Id);
        Assert.Equal(JsonValueKind.Null, empty.GetProperty("lastReconciliation").ValueKind);
        Assert.Empty(empty.GetProperty("items").EnumerateArray());

        var kind = await (await _kit.Admin.GetAsync($"{SupplierKit.Suppliers}/{pull.Supplier.Id}/discrepancies?kind=bogus", Ct))
            .AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.True(kind.GetProperty("errors").TryGetProperty("kind", out _));
        var limit = await (await _kit.Admin.GetAsync($"{SupplierKit.Suppliers}/{pull.Supplier.Id}/discrepancies?limit=-1", Ct))
            .AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.True(limit.GetProperty("errors").TryGetProperty("limit", out _));
        await (await _kit.Admin.GetAsync($"{SupplierKit.Suppliers}/987654321/discrepancies", Ct))
            .AssertProblemAsync(HttpStatusCode.NotFound);
        var customer = await factory.CreateCustomerClientAsync();
        Assert.Equal(HttpStatusCode.Forbidden, (await customer.GetAsync($"{SupplierKit.Suppliers}/{pull.Supplier.Id}/discrepancies", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized,
            (await factory.CreateClient().GetAsync($"{SupplierKit.Suppliers}/{pull.Supplier.Id}/discrepancies", Ct)).StatusCode);
    }

    [Fact]
    public async Task Discrepancies_page_with_a_cursor_and_filter_by_warehouse()
    {
        await using var pull = await _kit.PullAsync(records: 30, pageSize: 30);
        await _kit.SyncAsync(pull);
        foreach (var r in pull.Sim.Catalog.All().Take(12))
        {
            await SetOnHandAsync(pull, r.PartNo, r.Warehouse, r.EachQuantity + 1);
        }

        await _kit.SyncAsync(pull, "reconcile");

        var seen = new HashSet<string>();
        var url = $"{SupplierKit.Suppliers}/{pull.Supplier.Id}/discrepancies?limit=5";
        for (var i = 0; i < 5 && url is not null; i++)
        {
            var page = await (await _kit.Admin.GetAsync(url, Ct)).AssertJsonAsync(HttpStatusCode.OK);
            foreach (var item in page.GetProperty("items").EnumerateArray())
            {
                Assert.True(seen.Add(item.GetProperty("sku").GetString()!));
            }

            url = page.GetProperty("nextCursor").GetString() is { } cursor
                ? $"{SupplierKit.Suppliers}/{pull.Supplier.Id}/discrepancies?limit=5&cursor={cursor}"
                : null;
        }

        Assert.Equal(12, seen.Count);
        var warehouse = pull.Supplier.Warehouses[0];
        var expected = pull.Sim.Catalog.All().Take(12).Count(r => r.Warehouse == warehouse.Code);
        var filtered = await ReportAsync(pull.Supplier.Id, $"?warehouseId={warehouse.Id}");
        Assert.Equal(expected, filtered.GetProperty("items").GetArrayLength());
    }

    private async Task<JsonElement> ReportAsync(long supplierId, string query = "") =>
        await (await _kit.Admin.GetAsync($"{SupplierKit.Suppliers}/{supplierId}/discrepancies{query}", Ct)).AssertJsonAsync(HttpStatusCode.OK);

    private Task<List<SyncRun>> RunsAsync(long supplierId) =>
        _kit.DbAsync(db => db.Set<SyncRun>().AsNoTracking().Where(r => r.SupplierId == supplierId).ToListAsync(Ct));

    private static void AssertItem(JsonElement item, string kind, int ours, int theirs)
    {
        Assert.Equal(kind, item.GetProperty("kind").GetString());
        Assert.Equal(ours, item.GetProperty("ours").GetInt32());
        Assert.Equal(theirs, item.GetProperty("theirs").GetInt32());
        Assert.Equal(theirs - ours, item.GetProperty("difference").GetInt32());
    }

    /// <summary>Moves Axle's on hand outside the supplier (as a stock adjustment would), ledger included; returns the level id.</summary>
    private async Task<long> SetOnHandAsync(Pull pull, string sku, string warehouseCode, int onHand)
    {
        var warehouseId = pull.Supplier.Warehouses.Single(w => w.Code == warehouseCode).Id;
        return await _kit.DbAsync(async db =>
        {
            var level = await db.Set<StockLevel>().Join(db.Set<Part>(), l => l.PartId, p => p.Id, (l, p) => new { l, p.Sku })
                .Where(x => x.Sku == sku && x.l.WarehouseId == warehouseId).Select(x => x.l).FirstAsync(Ct);
            if (level.OnHand == onHand)
            {
                return level.Id;
            }

            await using var transaction = await db.Database.BeginTransactionAsync(Ct);
            var change = await StockLedger.TryApplyAsync(db, level.Id, onHand - level.OnHand, 0,
                new LedgerEntry(MovementReason.Correction, MovementReference.Adjustment, "test", "test"), DateTime.UtcNow, Ct);
            Assert.NotNull(change);
            await db.SaveChangesAsync(Ct);
            await transaction.CommitAsync(Ct);
            return level.Id;
        });
    }
}
