using System.Net;
using System.Text.Json;
using Axle.Api.Features.Catalog;
using Axle.Api.Features.Inventory;
using Axle.Api.Features.Orders;
using Axle.Api.Features.Suppliers;
using Axle.Api.Features.Suppliers.Mapping;
using Axle.Api.Features.Suppliers.Sync;
using Axle.Api.Platform.Hosting;
using Axle.Api.Platform.Messaging;
using Axle.SupplierSim;
using Axle.Api.Platform.Security;
using Axle.Tests.Infrastructure;
using Axle.Tests.Inventory;
using Axle.Tests.Orders;
using Microsoft.EntityFrameworkCore;

namespace Axle.Tests.Suppliers;

/// <summary>Pull synchronisation against the real simulator: full, incremental and conditional runs, faults, resume, leases.</summary>
public sealed class SyncTests(SyncFactory factory) : IClassFixture<SyncFactory>
{
    private readonly SyncKit _kit = new(factory);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_full_sync_lands_every_quantity_as_supplier_sync_movements_referencing_the_run()
    {
        await using var pull = await _kit.PullAsync(records: 2000, pageSize: 500);

        var run = await _kit.SyncAsync(pull);

        Assert.Equal("succeeded", run.GetProperty("status").GetString());
        Assert.Equal("full", run.GetProperty("mode").GetString());
        Assert.Equal("manual", run.GetProperty("trigger").GetString());
        Assert.Equal(4, run.GetProperty("pages").GetInt32());
        Assert.Equal(2000, run.GetProperty("received").GetInt64());
        Assert.Equal(0, run.GetProperty("rejected").GetInt64());
        Assert.Equal(2000, run.GetProperty("applied").GetInt64() + run.GetProperty("unchanged").GetInt64());
        Assert.True(run.GetProperty("durationMs").GetInt64() >= 0);
        Assert.Equal(JsonValueKind.String, run.GetProperty("finishedAt").ValueKind);
        await _kit.AssertStockMatchesAsync(pull);

        var id = run.GetProperty("id").GetString()!;
        var movements = await _kit.DbAsync(db => db.Set<StockMovement>().AsNoTracking().Where(m => m.ReferenceId == id).ToListAsync(Ct));
        Assert.Equal(run.GetProperty("applied").GetInt64(), movements.Count);
        Assert.All(movements, m =>
        {
            Assert.Equal(MovementReason.SupplierSync, m.Reason);
            Assert.Equal(MovementReference.SyncRun, m.ReferenceType);
            Assert.Equal("supplier:" + pull.Supplier.Code, m.Actor);
        });

        // Written in bulk (COPY on PostgreSQL) in the page's transaction: one inventory.changed event per movement.
        var events = await _kit.DbAsync(db => db.Set<OutboxMessage>().AsNoTracking()
            .Where(o => o.Type == StockLedger.ChangedEvent && o.Payload.Contains(id)).ToListAsync(Ct));
        Assert.Equal(movements.Count, events.Count);
        var sample = JsonDocument.Parse(events[0].Payload).RootElement;
        Assert.Equal("supplier_sync", sample.GetProperty("reason").GetString());
        Assert.Equal(DateTimeKind.Utc, events[0].OccurredAt.Kind);
        Assert.Equal(movements.Select(m => m.DeltaOnHand).Sum(), events.Sum(e => JsonDocument.Parse(e.Payload).RootElement.GetProperty("deltaOnHand").GetInt32()));

        var state = await _kit.StateAsync(pull.Supplier.Id);
        Assert.NotNull(state!.IncrementalSince);
        Assert.NotNull(state.ETag);
        Assert.Equal(pull.Sim.Catalog.All().Max(r => r.LastUpdated).UtcDateTime - SupplierSync.IncrementalOverlap, state.IncrementalSince);

        var list = await (await _kit.Admin.GetAsync($"{SupplierKit.Suppliers}/{pull.Supplier.Id}/sync-runs", Ct)).AssertJsonAsync(HttpStatusCode.OK);
        Assert.Equal(id, Assert.Single(list.GetProperty("items").EnumerateArray()).GetProperty("id").GetString());
    }

    [Fact]
    public async Task Numbers_that_are_our_skus_resolve_without_part_list_entries_and_keep_resolving()
    {
        await using var pull = await _kit.PullAsync(records: 300, pageSize: 100);

        var run = await _kit.SyncAsync(pull);

        Assert.Equal(0, run.GetProperty("rejected").GetInt64());
        await _kit.AssertStockMatchesAsync(pull);
        // No entry says "their number is our SKU" already; a first pull writes none.
        Assert.Equal(0, await _kit.DbAsync(db => db.Set<SupplierPart>().CountAsync(p => p.SupplierId == pull.Supplier.Id, Ct)));

        // The next run resolves them again by matching.
        var part = pull.Sim.Catalog.All()[11];
        pull.Sim.Catalog.Set(part.PartNo, qtyAvail: part.QtyAvail + 3);
        var again = await _kit.SyncAsync(pull);
        Assert.Equal(1, again.GetProperty("applied").GetInt64());
        Assert.Equal(0, again.GetProperty("rejected").GetInt64());
        await _kit.AssertStockMatchesAsync(pull);
    }

    [Fact]
    public async Task Numbers_matched_by_manufacturer_number_are_recorded_in_the_part_list()
    {
        await using var pull = await _kit.PullAsync(records: 200, pageSize: 100, skuPrefix: "X-");

        var run = await _kit.SyncAsync(pull);

        Assert.Equal(0, run.GetProperty("rejected").GetInt64());
        await _kit.AssertStockMatchesAsync(pull, "X-");
        var entries = await _kit.DbAsync(db => db.Set<SupplierPart>().AsNoTracking().Where(p => p.SupplierId == pull.Supplier.Id).ToListAsync(Ct));
        Assert.Equal(200, entries.Count);
        Assert.All(entries, e => Assert.Equal(SupplierPartSource.Matched, e.Source));
    }

    [Fact]
    public async Task An_incremental_sync_asks_only_for_records_changed_since_the_last_run_and_applies_them()
    {
        await using var pull = await _kit.PullAsync(records: 1000, pageSize: 200);
        await _kit.SyncAsync(pull);
        var changed = pull.Sim.Catalog.ChangeFraction(0.01);
        pull.Sim.Counters.Reset();

        var run = await _kit.SyncAsync(pull, "incremental");

        Assert.Equal("succeeded", run.GetProperty("status").GetString());
        Assert.Equal("incremental", run.GetProperty("mode").GetString());
        var served = pull.Sim.Stats.RecordsServed;
        // The overlap second may bring back the last record or two of the full run, as unchanged.
        Assert.InRange(served, changed.Changed, changed.Changed + 3);
        Assert.Equal(served, run.GetProperty("received").GetInt64());
        Assert.True(run.GetProperty("applied").GetInt64() >= 1);
        Assert.Equal(1, pull.Requests(SyncKit.CursorPath));
        await _kit.AssertStockMatchesAsync(pull);
        var state = await _kit.StateAsync(pull.Supplier.Id);
        Assert.Equal(changed.UpdatedAt.UtcDateTime - SupplierSync.IncrementalOverlap, state!.IncrementalSince);
    }

    [Fact]
    public async Task A_second_full_sync_with_nothing_changed_is_answered_304_and_does_no_work()
    {
        await using var pull = await _kit.PullAsync(records: 300, pageSize: 100);
        await _kit.SyncAsync(pull);
        pull.Sim.Counters.Reset();

        var run = await _kit.SyncAsync(pull);

        Assert.Equal("succeeded", run.GetProperty("status").GetString());
        Assert.Equal(1, run.GetProperty("pagesNotModified").GetInt32());
        Assert.Equal(0, run.GetProperty("received").GetInt64());
        Assert.Equal(1, pull.Sim.Stats.NotModified);
        Assert.Equal(0, pull.Sim.Stats.RecordsServed);

        // Something changes: the next full run fetches everything again and only the change moves stock.
        var part = pull.Sim.Catalog.All()[7];
        pull.Sim.Catalog.Set(part.PartNo, qtyAvail: part.QtyAvail + 5);
        var again = await _kit.SyncAsync(pull);
        Assert.Equal(0, again.GetProperty("pagesNotModified").GetInt32());
        Assert.Equal(1, again.GetProperty("applied").GetInt64());
        Assert.Equal(299, again.GetProperty("unchanged").GetInt64());
        await _kit.AssertStockMatchesAsync(pull);
    }

    [Fact]
    public async Task Two_503s_then_success_are_retried_in_place_and_counted()
    {
        await using var pull = await _kit.PullAsync(records: 200, pageSize: 100);
        pull.Sim.Faults.Enqueue(Fault.Status(503), count: 2, pathPrefix: SyncKit.CursorPath);

        var run = await _kit.SyncAsync(pull);

        Assert.Equal("succeeded", run.GetProperty("status").GetString());
        Assert.Equal(2, run.GetProperty("retries").GetInt32());
        Assert.Equal(2, run.GetProperty("pages").GetInt32());
        await _kit.AssertStockMatchesAsync(pull);
    }

    [Fact]
    public async Task A_429_with_retry_after_is_waited_out_before_the_retry()
    {
        await using var pull = await _kit.PullAsync(records: 100, pageSize: 100);
        pull.Sim.Faults.Enqueue(Fault.TooManyRequests(TimeSpan.FromSeconds(1)), count: 1, pathPrefix: SyncKit.CursorPath);

        var run = await _kit.SyncAsync(pull);

        Assert.Equal("succeeded", run.GetProperty("status").GetString());
        Assert.Equal(1, run.GetProperty("retries").GetInt32());
        // Base delay is 10 ms here: only the Retry-After can make the run take a second.
        Assert.True(run.GetProperty("durationMs").GetInt64() >= 950, $"took {run.GetProperty("durationMs").GetInt64()} ms");
        Assert.Equal(2, pull.Requests(SyncKit.CursorPath));
        await _kit.AssertStockMatchesAsync(pull);
    }

    [Fact]
    public async Task A_malformed_page_is_dead_lettered_without_retry_and_the_next_run_continues_from_it()
    {
        await using var pull = await _kit.PullAsync(records: 500, pageSize: 100);
        // Page 1 passes, page 2 comes back cut in half.
        pull.Sim.Faults.Enqueue(Fault.Slow(TimeSpan.Zero), count: 1, pathPrefix: SyncKit.CursorPath);
        pull.Sim.Faults.Enqueue(Fault.MalformedBody(), count: 1, pathPrefix: SyncKit.CursorPath);

        var failed = await _kit.SyncAsync(pull);

        Assert.Equal("failed", failed.GetProperty("status").GetString());
        Assert.StartsWith("malformed_json", failed.GetProperty("error").GetString());
        Assert.Equal(1, failed.GetProperty("pages").GetInt32());
        Assert.Equal(0, failed.GetProperty("retries").GetInt32());
        Assert.Equal(2, pull.Requests(SyncKit.CursorPath));
        var letter = Assert.Single(await _kit.Suppliers.DeadLettersAsync(pull.Supplier.Id));
        Assert.Equal(SupplierSync.DeadLetterSource, letter.Source);
        Assert.Equal("malformed_json", letter.Code);
        Assert.Equal(failed.GetProperty("id").GetString(), letter.Reference);
        Assert.Contains("partNo", letter.Payload, StringComparison.Ordinal);

        var resumed = await _kit.SyncAsync(pull);

        Assert.Equal("succeeded", resumed.GetProperty("status").GetString());
        Assert.Equal(4, resumed.GetProperty("pages").GetInt32());
        Assert.Equal(400, resumed.GetProperty("received").GetInt64());
        // Page 1 was not fetched again: 2 requests before, 4 now.
        Assert.Equal(6, pull.Requests(SyncKit.CursorPath));
        await _kit.AssertStockMatchesAsync(pull);
    }

    [Fact]
    public async Task A_record_missing_its_quantity_is_dead_lettered_while_the_rest_of_its_page_applies()
    {
        await using var pull = await _kit.PullAsync(records: 30, pageSize: 30);
        pull.Sim.Faults.Enqueue(Fault.MissingFields(FaultField.QtyAvail), count: 1, pathPrefix: SyncKit.CursorPath);

        var run = await _kit.SyncAsync(pull);

        Assert.Equal("completed_with_errors", run.GetProperty("status").GetString());
        Assert.Equal(30, run.GetProperty("received").GetInt64());
        Assert.Equal(10, run.GetProperty("rejected").GetInt64());
        Assert.Equal(20, run.GetProperty("applied").GetInt64() + run.GetProperty("unchanged").GetInt64());
        var letters = await _kit.Suppliers.DeadLettersAsync(pull.Supplier.Id);
        Assert.Equal(10, letters.Count);
        Assert.All(letters, l =>
        {
            Assert.Equal(SupplierSync.DeadLetterSource, l.Source);
            Assert.DoesNotContain("qtyAvail", l.Payload, StringComparison.Ordinal);
            Assert.Contains("partNo", l.Payload, StringComparison.Ordinal);
        });

        var levels = await _kit.LevelsAsync(pull.Supplier);
        Assert.Equal(20, levels.Count);
    }

    [Fact]
    public async Task Bad_records_in_pages_mapped_ahead_are_dead_lettered_at_their_own_positions()
    {
        // Pages 2 and 3 are fetched and mapped while the page before them is applied; their rejects still land, each once,
        // numbered by where they stand in the whole listing.
        await using var pull = await _kit.PullAsync(records: 90, pageSize: 30);
        pull.Sim.Faults.Enqueue(Fault.MissingFields(FaultField.QtyAvail), count: 3, pathPrefix: SyncKit.CursorPath);

        var run = await _kit.SyncAsync(pull);

        Assert.Equal("completed_with_errors", run.GetProperty("status").GetString());
        Assert.Equal(3, run.GetProperty("pages").GetInt32());
        Assert.Equal(90, run.GetProperty("received").GetInt64());
        Assert.Equal(30, run.GetProperty("rejected").GetInt64());
        Assert.Equal(60, run.GetProperty("applied").GetInt64() + run.GetProperty("unchanged").GetInt64());
        var letters = await _kit.Suppliers.DeadLettersAsync(pull.Supplier.Id);
        Assert.Equal(30, letters.Count);
        var positions = letters.Select(l => l.Position!.Value).Order().ToList();
        Assert.Equal(30, positions.Distinct().Count());
        Assert.Equal(10, positions.Count(p => p >= 60));
        Assert.Equal(10, positions.Count(p => p is >= 30 and < 60));
        Assert.Equal(60, (await _kit.LevelsAsync(pull.Supplier)).Count);
    }

    [Fact]
    public async Task A_full_sync_writes_only_the_levels_that_changed_with_one_movement_and_one_event_each()
    {
        await using var pull = await _kit.PullAsync(records: 200, pageSize: 50);
        await _kit.SyncAsync(pull);
        var before = await _kit.DbAsync(db => db.Set<StockLevel>().AsNoTracking()
            .Where(l => pull.Supplier.Warehouses.Select(w => w.Id).Contains(l.WarehouseId))
            .ToDictionaryAsync(l => l.Id, l => l.Version, Ct));
        var records = pull.Sim.Catalog.All();
        pull.Sim.Catalog.Set(records[3].PartNo, qtyAvail: records[3].QtyAvail + 2);
        pull.Sim.Catalog.Set(records[170].PartNo, qtyAvail: records[170].QtyAvail + 9);

        var run = await _kit.SyncAsync(pull);

        Assert.Equal(2, run.GetProperty("applied").GetInt64());
        Assert.Equal(198, run.GetProperty("unchanged").GetInt64());
        var id = run.GetProperty("id").GetString()!;
        Assert.Equal(2, await _kit.DbAsync(db => db.Set<StockMovement>().CountAsync(m => m.ReferenceId == id, Ct)));
        Assert.Equal(2, await _kit.DbAsync(db => db.Set<OutboxMessage>()
            .CountAsync(o => o.Type == StockLedger.ChangedEvent && o.Payload.Contains(id), Ct)));
        var after = await _kit.DbAsync(db => db.Set<StockLevel>().AsNoTracking()
            .Where(l => pull.Supplier.Warehouses.Select(w => w.Id).Contains(l.WarehouseId))
            .ToDictionaryAsync(l => l.Id, l => l.Version, Ct));
        Assert.Equal(2, after.Count(a => a.Value != before[a.Key]));
        await _kit.AssertStockMatchesAsync(pull);
    }

    [Fact]
    public async Task A_run_killed_mid_way_is_continued_by_the_worker_from_its_checkpoint()
    {
        await using var pull = await _kit.PullAsync(records: 500, pageSize: 100);
        pull.Sim.Faults.Enqueue(Fault.Slow(TimeSpan.Zero), count: 2, pathPrefix: SyncKit.CursorPath);
        pull.Sim.Faults.Enqueue(Fault.Hang(), count: 1, pathPrefix: SyncKit.CursorPath);
        var id = await _kit.StartAsync(pull.Supplier.Id);

        using var kill = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var running = _kit.RunAsync(id, kill.Token);
        // Page 3 is fetched (and hangs) while page 2 is applied: wait for both before the kill.
        for (var i = 0; i < 500 && (pull.Requests(SyncKit.CursorPath) < 3 || (await _kit.RunRowAsync(id)).Pages < 2); i++)
        {
            await Task.Delay(20, Ct);
        }

        await kill.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => running);
        var cut = await _kit.RunRowAsync(id);
        Assert.Equal(SyncRunStatus.Running, cut.Status);
        Assert.Equal(2, cut.Pages);
        Assert.NotNull(cut.Cursor);

        Assert.True(await _kit.RunWorkerAsync() >= 1);

        var run = await _kit.GetRunAsync(id);
        Assert.Equal("succeeded", run.GetProperty("status").GetString());
        Assert.Equal(5, run.GetProperty("pages").GetInt32());
        Assert.Equal(500, run.GetProperty("received").GetInt64());
        // Pages 1 and 2 once, page 3 hung and asked again, pages 4 and 5.
        Assert.Equal(6, pull.Requests(SyncKit.CursorPath));
        await _kit.AssertStockMatchesAsync(pull);
    }

    [Fact]
    public async Task Duplicated_and_out_of_order_records_apply_once_and_leave_the_newest_quantity()
    {
        await using var pull = await _kit.PullAsync(records: 200, pageSize: 50);
        pull.Sim.Faults.Enqueue(Fault.Duplicates(), count: 2, pathPrefix: SyncKit.CursorPath);
        pull.Sim.Faults.Enqueue(Fault.OutOfOrder(), count: 2, pathPrefix: SyncKit.CursorPath);

        var run = await _kit.SyncAsync(pull);

        Assert.Equal("succeeded", run.GetProperty("status").GetString());
        Assert.True(run.GetProperty("received").GetInt64() > 200);
        Assert.True(run.GetProperty("ignored").GetInt64() + run.GetProperty("unchanged").GetInt64() > 0);
        await _kit.AssertStockMatchesAsync(pull);
        var id = run.GetProperty("id").GetString()!;
        var movements = await _kit.DbAsync(db => db.Set<StockMovement>().AsNoTracking().Where(m => m.ReferenceId == id).ToListAsync(Ct));
        // One movement per level at most: a level set twice in a page nets out to one change.
        Assert.Equal(movements.Count, movements.Select(m => (m.PartId, m.WarehouseId)).Distinct().Count());
    }

    [Fact]
    public async Task An_expired_cursor_restarts_the_listing_and_the_run_still_lands_everything()
    {
        await using var pull = await _kit.PullAsync(records: 300, pageSize: 100);
        pull.Sim.Faults.Enqueue(Fault.Slow(TimeSpan.Zero), count: 1, pathPrefix: SyncKit.CursorPath);
        pull.Sim.Faults.Enqueue(Fault.ExpiredCursor(), count: 1, pathPrefix: SyncKit.CursorPath);

        var run = await _kit.SyncAsync(pull);

        Assert.Equal("succeeded", run.GetProperty("status").GetString());
        Assert.Equal(400, run.GetProperty("received").GetInt64());
        await _kit.AssertStockMatchesAsync(pull);
    }

    [Fact]
    public async Task A_csv_file_feed_lands_every_quantity_in_chunks()
    {
        await using var pull = await _kit.PullAsync(records: 250, pageSize: 100, format: "csv_file", path: "feed/stock.csv");

        var run = await _kit.SyncAsync(pull);

        Assert.Equal("succeeded", run.GetProperty("status").GetString());
        Assert.Equal(3, run.GetProperty("pages").GetInt32());
        Assert.Equal(250, run.GetProperty("received").GetInt64());
        await _kit.AssertStockMatchesAsync(pull);

        var again = await _kit.SyncAsync(pull);
        Assert.Equal(1, again.GetProperty("pagesNotModified").GetInt32());
    }

    [Fact]
    public async Task Two_concurrent_sync_requests_queue_one_run_and_refuse_the_other_with_409()
    {
        await using var pull = await _kit.PullAsync(records: 50, pageSize: 50);

        var responses = await Task.WhenAll(_kit.PostSyncAsync(pull.Supplier.Id), _kit.PostSyncAsync(pull.Supplier.Id));

        Assert.Single(responses, r => r.StatusCode == HttpStatusCode.Accepted);
        var refused = Assert.Single(responses, r => r.StatusCode == HttpStatusCode.Conflict);
        var problem = await refused.AssertJsonAsync(HttpStatusCode.Conflict);
        Assert.Equal("sync_in_progress", problem.GetProperty("code").GetString());
        var accepted = await responses.Single(r => r.StatusCode == HttpStatusCode.Accepted).AssertJsonAsync(HttpStatusCode.Accepted);

        Assert.Equal(SyncOutcome.Finished, await _kit.RunAsync(accepted.GetProperty("id").GetGuid()));
        Assert.Equal(HttpStatusCode.Accepted, (await _kit.PostSyncAsync(pull.Supplier.Id, "incremental")).StatusCode);
        await _kit.RunWorkerAsync();
    }

    [Fact]
    public async Task An_incremental_run_fetches_parts_with_open_orders_and_fast_movers_first_and_applies_each_record_once()
    {
        await using var pull = await _kit.PullAsync(records: 300, pageSize: 100);
        var feed = new Uri(pull.Sim.BaseUrl, SyncKit.CursorPath.TrimStart('/')).ToString();
        await (await _kit.PutFeedAsync(pull.Supplier.Id, new
        {
            settings = new { url = feed, format = "json_cursor", pageSize = 100, pagination = new { partNumbersParam = "partNos" } },
            mapping = SupplierMapping.Example,
        })).AssertJsonAsync(HttpStatusCode.OK);
        await _kit.SyncAsync(pull);
        var records = pull.Sim.Catalog.All();
        var held = records.Last(r => r.EachQuantity >= 2);
        var sold = records.Last(r => r.EachQuantity >= 2 && r.PartNo != held.PartNo);
        var parts = await _kit.DbAsync(db => db.Set<Part>().AsNoTracking().Where(p => p.Sku == held.PartNo || p.Sku == sold.PartNo).ToListAsync(Ct));

        // An open order holds stock of one part; another sold this week and has shipped.
        var manager = factory.CreateUserClient(Roles.OrderManager);
        await (await InventoryKit.ReserveAsync(manager, (parts.Single(p => p.Sku == held.PartNo), 1))).AssertJsonAsync(HttpStatusCode.Created);
        var customer = await factory.CreateCustomerClientAsync();
        var order = await OrderKit.PlacePaidAsync(customer, "CA", (parts.Single(p => p.Sku == sold.PartNo), 2));
        var orderId = order.GetProperty("id").GetGuid();
        await _kit.DbAsync(db => db.Set<Reservation>()
            .Where(r => db.Set<Order>().Any(o => o.Id == orderId && o.ReservationId == r.Id))
            .ExecuteUpdateAsync(s => s.SetProperty(r => r.Status, ReservationStatus.Committed), Ct));

        // Both change at the supplier, among many others; the priority records come last in the supplier's own order.
        pull.Sim.Catalog.ChangeRandom(120);
        pull.Sim.Catalog.Set(held.PartNo, qtyAvail: 40);
        pull.Sim.Catalog.Set(sold.PartNo, qtyAvail: 41);
        var since = (await _kit.StateAsync(pull.Supplier.Id))!.IncrementalSince;
        var changed = pull.Sim.Catalog.All().Count(r => r.LastUpdated.UtcDateTime >= since);
        var before = pull.Sim.Stats.TotalRequests;

        var run = await _kit.SyncAsync(pull, "incremental");

        Assert.Equal("succeeded", run.GetProperty("status").GetString());
        await _kit.AssertStockMatchesAsync(pull);
        var id = run.GetProperty("id").GetString()!;
        var movements = await _kit.DbAsync(db => db.Set<StockMovement>().AsNoTracking().Where(m => m.ReferenceId == id)
            .OrderBy(m => m.Id).ToListAsync(Ct));
        var first = movements.Take(2).Select(m => m.PartId).ToHashSet();
        Assert.Equal(parts.Select(p => p.Id).ToHashSet(), first);
        Assert.Equal(movements.Count, movements.Select(m => (m.PartId, m.WarehouseId)).Distinct().Count());
        // One priority page, then the listing; the two priority records come again in it and count as ignored.
        Assert.Equal(changed + 2, run.GetProperty("received").GetInt64());
        Assert.Equal(2, run.GetProperty("ignored").GetInt64());
        Assert.Equal(1 + (long)Math.Ceiling(changed / 100.0), pull.Sim.Stats.TotalRequests - before);
    }

    [Fact]
    public async Task A_supplier_whose_lease_another_instance_holds_is_not_synced_until_it_is_free()
    {
        await using var pull = await _kit.PullAsync(records: 50, pageSize: 50);
        var id = await _kit.StartAsync(pull.Supplier.Id);
        var lease = SupplierSync.LeaseName(pull.Supplier.Id);
        Assert.True(await _kit.DbAsync(db => Leases.TryAcquireAsync(db, lease, "other-instance", TimeSpan.FromMinutes(1), DateTime.UtcNow, Ct)));

        Assert.Equal(SyncOutcome.Busy, await _kit.RunAsync(id));
        await _kit.RunWorkerAsync();
        Assert.Equal(SyncRunStatus.Queued, (await _kit.RunRowAsync(id)).Status);
        Assert.Equal(0, pull.Sim.Stats.TotalRequests);

        await _kit.DbAsync(async db =>
        {
            await Leases.ReleaseAsync(db, lease, "other-instance", Ct);
            return 0;
        });
        await _kit.RunWorkerAsync();

        Assert.Equal(SyncRunStatus.Succeeded, (await _kit.RunRowAsync(id)).Status);
        await _kit.AssertStockMatchesAsync(pull);
    }

    [Fact]
    public async Task The_worker_queues_a_due_supplier_full_first_then_incremental()
    {
        await using var pull = await _kit.PullAsync(records: 60, pageSize: 50);

        await _kit.RunWorkerAsync();

        var runs = await _kit.DbAsync(db => db.Set<SyncRun>().AsNoTracking().Where(r => r.SupplierId == pull.Supplier.Id).ToListAsync(Ct));
        var run = Assert.Single(runs);
        Assert.Equal(SyncMode.Full, run.Mode);
        Assert.Equal("schedule", run.Trigger);
        Assert.Equal(SyncRunStatus.Succeeded, run.Status);
        await _kit.AssertStockMatchesAsync(pull);

        // Not due again before the interval (15 minutes by default).
        await _kit.RunWorkerAsync();
        Assert.Equal(1, await _kit.DbAsync(db => db.Set<SyncRun>().CountAsync(r => r.SupplierId == pull.Supplier.Id, Ct)));
        var next = await _kit.StartAsync(pull.Supplier.Id, "incremental");
        Assert.Equal(SyncMode.Incremental, (await _kit.RunRowAsync(next)).Mode);
        await _kit.RunWorkerAsync();
    }

    [Fact]
    public async Task Feed_settings_are_validated_credentials_are_never_shown_and_delete_stops_pulling()
    {
        var supplier = await _kit.Suppliers.SupplierAsync();
        Assert.Equal(HttpStatusCode.Conflict, (await _kit.PostSyncAsync(supplier.Id)).StatusCode);

        var invalid = await _kit.PutFeedAsync(supplier.Id, new
        {
            settings = new { url = "http://10.1.2.3/feed", format = "json_cursor", pageSize = 0, auth = new { kind = "api_key" } },
        });
        var problem = await invalid.AssertJsonAsync(HttpStatusCode.BadRequest);
        var errors = problem.GetProperty("errors");
        Assert.True(errors.TryGetProperty("settings.url", out _));
        Assert.True(errors.TryGetProperty("settings.pageSize", out _));
        Assert.True(errors.TryGetProperty("credentials", out _));
        Assert.True(errors.TryGetProperty("mapping", out _));

        var ok = await _kit.PutFeedAsync(supplier.Id, new
        {
            settings = new { url = "http://127.0.0.1:9/feed/stock", format = "json_cursor", auth = new { kind = "api_key" } },
            credentials = new { apiKey = "very-secret-key" },
            mapping = (object?)null,
        });
        var body = await ok.Content.ReadAsStringAsync(Ct);
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        Assert.DoesNotContain("very-secret-key", body, StringComparison.Ordinal);
        var got = await (await _kit.Admin.GetAsync($"{SupplierKit.Suppliers}/{supplier.Id}", Ct)).Content.ReadAsStringAsync(Ct);
        Assert.DoesNotContain("very-secret-key", got, StringComparison.Ordinal);
        Assert.Contains("\"hasFeedCredentials\":true", got, StringComparison.Ordinal);
        var stored = await _kit.DbAsync(db => db.Set<Supplier>().AsNoTracking().FirstAsync(s => s.Id == supplier.Id, Ct));
        Assert.DoesNotContain("very-secret-key", stored.FeedCredentials!, StringComparison.Ordinal);

        var bad = await _kit.Admin.PostAsync($"{SupplierKit.Suppliers}/{supplier.Id}/sync?mode=sideways", null, Ct);
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);

        Assert.Equal(HttpStatusCode.NoContent, (await _kit.Admin.DeleteAsync($"{SupplierKit.Suppliers}/{supplier.Id}/feed", Ct)).StatusCode);
        var noFeed = await (await _kit.PostSyncAsync(supplier.Id)).AssertJsonAsync(HttpStatusCode.Conflict);
        Assert.Equal("no_feed", noFeed.GetProperty("code").GetString());
        Assert.Null((await _kit.DbAsync(db => db.Set<Supplier>().AsNoTracking().FirstAsync(s => s.Id == supplier.Id, Ct))).FeedCredentials);
    }

    [Fact]
    public async Task Dead_letters_of_a_pull_replay_through_the_supplier_mapping()
    {
        await using var pull = await _kit.PullAsync(records: 3, pageSize: 10);
        pull.Sim.Faults.Enqueue(Fault.SchemaDrift(), count: 1, pathPrefix: SyncKit.CursorPath);

        var run = await _kit.SyncAsync(pull);

        Assert.Equal(3, run.GetProperty("rejected").GetInt64());
        var letter = (await _kit.Suppliers.DeadLettersAsync(pull.Supplier.Id))[0];
        Assert.Equal(DeadLetterStatus.Open, letter.Status);
        // The drifted field cannot be replayed as it is: still rejected, still open.
        var replay = await _kit.Admin.PostAsync($"{SupplierKit.DeadLetters}/{letter.Id}/replay", null, Ct);
        Assert.Equal(HttpStatusCode.Conflict, replay.StatusCode);
    }
}
