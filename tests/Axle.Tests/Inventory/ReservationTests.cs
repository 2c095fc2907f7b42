using System.Net;
using Axle.Api.Features.Inventory;
using Axle.Api.Platform.Data;
using Axle.Api.Platform.Security;
using Axle.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using static Axle.Tests.Inventory.InventoryKit;

namespace Axle.Tests.Inventory;

public sealed class ReservationTests(AxleFactory factory) : IClassFixture<AxleFactory>
{
    private readonly InventoryKit _kit = new(factory);

    [Fact]
    public async Task A_null_line_is_a_400_validation_problem()
    {
        // Found by the fuzzer: a null element of lines was dereferenced (500).
        using var request = new HttpRequestMessage(HttpMethod.Post, Reservations)
        {
            Content = new StringContent("""{"lines":[null]}""", System.Text.Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString());

        var response = await factory.CreateUserClient(Roles.InventoryManager).SendAsync(request, Ct);

        var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest, "validation_failed");
        Assert.True(problem.GetProperty("errors").TryGetProperty("lines", out _), problem.ToString());
    }

    [Fact]
    public async Task Forty_parallel_reservations_on_a_stock_of_25_never_oversell()
    {
        var part = await _kit.PartAsync();
        var warehouse = await _kit.WarehouseAsync();
        await _kit.StockAsync(part, warehouse, 25);
        var clients = Enumerable.Range(0, 4).Select(_ => factory.CreateUserClient(Roles.OrderManager)).ToList();

        var responses = await Task.WhenAll(Enumerable.Range(0, 40).Select(i => ReserveAsync(clients[i % 4], (part, 1))));

        Assert.Equal(25, responses.Count(r => r.StatusCode == HttpStatusCode.Created));
        foreach (var refused in responses.Where(r => r.StatusCode != HttpStatusCode.Created))
        {
            var problem = await refused.AssertProblemAsync(HttpStatusCode.Conflict, "insufficient_stock");
            Assert.Equal(part.Sku, problem.GetProperty("skus")[0].GetString());
            Assert.Equal(0, problem.GetProperty("shortages")[0].GetProperty("available").GetInt32());
        }

        var level = await _kit.LevelAsync(part.Id, warehouse);
        Assert.Equal(25, level!.OnHand);
        Assert.Equal(25, level.Reserved);
        var movements = await _kit.MovementsAsync(part.Id);
        Assert.Equal(25, movements.Count(m => m.Reason == MovementReason.Reserved));
        await _kit.AssertLedgerMatchesAsync(part.Id);
    }

    [Fact]
    public async Task A_reservation_that_needs_two_warehouses_splits_and_one_that_fits_one_does_not()
    {
        var part = await _kit.PartAsync();
        var small = await _kit.WarehouseAsync();
        var large = await _kit.WarehouseAsync();
        await _kit.StockAsync(part, small, 4);
        await _kit.StockAsync(part, large, 6);

        var fits = await (await ReserveAsync(_kit.Manager, (part, 5))).AssertJsonAsync(HttpStatusCode.Created);
        var split = await (await ReserveAsync(_kit.Manager, (part, 5))).AssertJsonAsync(HttpStatusCode.Created);

        var fitsLine = Assert.Single(fits.GetProperty("lines").EnumerateArray());
        Assert.Equal(large, fitsLine.GetProperty("warehouseId").GetInt64());
        Assert.Equal("held", fits.GetProperty("status").GetString());
        var splitLines = split.GetProperty("lines").EnumerateArray().ToList();
        Assert.Equal(2, splitLines.Count);
        Assert.Equal(5, splitLines.Sum(l => l.GetProperty("quantity").GetInt32()));
        Assert.Equal(0, (await _kit.LevelAsync(part.Id, small))!.Available);
        Assert.Equal(0, (await _kit.LevelAsync(part.Id, large))!.Available);
        await _kit.AssertLedgerMatchesAsync(part.Id);
    }

    [Fact]
    public async Task A_line_is_split_over_at_most_ten_warehouses_and_one_that_needs_more_reserves_nothing()
    {
        var part = await _kit.PartAsync();
        var warehouses = new List<long>();
        for (var i = 0; i < StockAllocator.MaxWarehousesPerLine + 2; i++)
        {
            warehouses.Add(await _kit.WarehouseAsync());
            await _kit.StockAsync(part, warehouses[^1], 5);
        }

        // 60 units in twelve warehouses, 50 of them in the ten one line may be split over.
        var refused = await ReserveAsync(_kit.Manager, (part, 51));
        var problem = await refused.AssertProblemAsync(HttpStatusCode.Conflict, "insufficient_stock");
        Assert.Equal(50, problem.GetProperty("shortages")[0].GetProperty("available").GetInt32());
        foreach (var warehouse in warehouses)
        {
            Assert.Equal(0, (await _kit.LevelAsync(part.Id, warehouse))!.Reserved);
        }

        var split = await (await ReserveAsync(_kit.Manager, (part, 50))).AssertJsonAsync(HttpStatusCode.Created);
        var lines = split.GetProperty("lines").EnumerateArray().ToList();
        Assert.Equal(StockAllocator.MaxWarehousesPerLine, lines.Count);
        Assert.Equal(50, lines.Sum(l => l.GetProperty("quantity").GetInt32()));
        var id = split.GetProperty("id").GetGuid();
        await using (var scope = factory.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
            Assert.Equal(StockAllocator.MaxWarehousesPerLine, await db.Set<ReservationLine>().CountAsync(l => l.ReservationId == id, Ct));
        }

        await _kit.AssertLedgerMatchesAsync(part.Id);
    }

    [Fact]
    public async Task A_reservation_short_on_one_line_reserves_nothing_and_names_the_sku()
    {
        var plenty = await _kit.PartAsync("Rotor");
        var scarce = await _kit.PartAsync("Caliper");
        var warehouse = await _kit.WarehouseAsync();
        await _kit.StockAsync(plenty, warehouse, 10);
        await _kit.StockAsync(scarce, warehouse, 2);

        var response = await ReserveAsync(_kit.Manager, (plenty, 3), (scarce, 3));

        var problem = await response.AssertProblemAsync(HttpStatusCode.Conflict, "insufficient_stock");
        Assert.Equal([scarce.Sku], problem.GetProperty("skus").EnumerateArray().Select(s => s.GetString()));
        Assert.Equal(2, problem.GetProperty("shortages")[0].GetProperty("available").GetInt32());
        Assert.Equal(0, (await _kit.LevelAsync(plenty.Id, warehouse))!.Reserved);
        Assert.Equal(0, (await _kit.LevelAsync(scarce.Id, warehouse))!.Reserved);
        await _kit.AssertLedgerMatchesAsync(plenty.Id);
    }

    [Fact]
    public async Task Release_restores_exactly_what_was_reserved_and_a_second_release_is_409()
    {
        var part = await _kit.PartAsync();
        var warehouse = await _kit.WarehouseAsync();
        await _kit.StockAsync(part, warehouse, 7);
        var reservation = await (await ReserveAsync(_kit.Manager, (part, 5))).AssertJsonAsync(HttpStatusCode.Created);
        var id = reservation.GetProperty("id").GetGuid();

        var released = await PostAsync(_kit.Manager, $"{Reservations}/{id}/release", new { });
        var again = await PostAsync(_kit.Manager, $"{Reservations}/{id}/release", new { });

        Assert.Equal("released", (await released.AssertJsonAsync(HttpStatusCode.OK)).GetProperty("status").GetString());
        var problem = await again.AssertProblemAsync(HttpStatusCode.Conflict, "reservation_not_held");
        Assert.Equal("released", problem.GetProperty("reservationStatus").GetString());
        var level = await _kit.LevelAsync(part.Id, warehouse);
        Assert.Equal((7, 0), (level!.OnHand, level.Reserved));
        await _kit.AssertLedgerMatchesAsync(part.Id);
    }

    [Fact]
    public async Task Commit_ships_the_units_and_cannot_follow_a_release()
    {
        var part = await _kit.PartAsync();
        var warehouse = await _kit.WarehouseAsync();
        await _kit.StockAsync(part, warehouse, 9);
        var first = (await (await ReserveAsync(_kit.Manager, (part, 4))).AssertJsonAsync(HttpStatusCode.Created)).GetProperty("id").GetGuid();
        var second = (await (await ReserveAsync(_kit.Manager, (part, 2))).AssertJsonAsync(HttpStatusCode.Created)).GetProperty("id").GetGuid();

        var committed = await PostAsync(_kit.Manager, $"{Reservations}/{first}/commit", new { });
        await (await PostAsync(_kit.Manager, $"{Reservations}/{second}/release", new { })).AssertJsonAsync(HttpStatusCode.OK);
        var late = await PostAsync(_kit.Manager, $"{Reservations}/{second}/commit", new { });

        Assert.Equal("committed", (await committed.AssertJsonAsync(HttpStatusCode.OK)).GetProperty("status").GetString());
        await late.AssertProblemAsync(HttpStatusCode.Conflict, "reservation_not_held");
        var level = await _kit.LevelAsync(part.Id, warehouse);
        Assert.Equal((5, 0), (level!.OnHand, level.Reserved));
        var shipped = Assert.Single(await _kit.MovementsAsync(part.Id), m => m.Reason == MovementReason.Shipped);
        Assert.Equal((-4, -4), (shipped.DeltaOnHand, shipped.DeltaReserved));
        Assert.Equal(first.ToString(), shipped.ReferenceId);
        await _kit.AssertLedgerMatchesAsync(part.Id);
    }

    [Fact]
    public async Task Racing_commit_and_release_of_one_reservation_have_exactly_one_winner()
    {
        var part = await _kit.PartAsync();
        var warehouse = await _kit.WarehouseAsync();
        await _kit.StockAsync(part, warehouse, 10);
        var id = (await (await ReserveAsync(_kit.Manager, (part, 3))).AssertJsonAsync(HttpStatusCode.Created)).GetProperty("id").GetGuid();

        var results = await Task.WhenAll(Enumerable.Range(0, 6).Select(i =>
            PostAsync(factory.CreateUserClient(Roles.Admin), $"{Reservations}/{id}/{(i % 2 == 0 ? "commit" : "release")}", new { })));

        Assert.Equal(1, results.Count(r => r.StatusCode == HttpStatusCode.OK));
        Assert.Equal(5, results.Count(r => r.StatusCode == HttpStatusCode.Conflict));
        var level = await _kit.LevelAsync(part.Id, warehouse);
        Assert.Equal(0, level!.Reserved);
        Assert.Contains(level.OnHand, new[] { 7, 10 });
        await _kit.AssertLedgerMatchesAsync(part.Id);
    }

    [Fact]
    public async Task An_idempotent_replay_returns_the_same_reservation_without_reserving_twice()
    {
        var part = await _kit.PartAsync();
        var warehouse = await _kit.WarehouseAsync();
        await _kit.StockAsync(part, warehouse, 10);
        var key = Guid.NewGuid().ToString();
        var body = new { lines = new[] { new { sku = part.Sku, quantity = 4 } }, reference = new { type = "order", id = "ORD-1" } };

        var first = await (await PostAsync(_kit.Manager, Reservations, body, key)).AssertJsonAsync(HttpStatusCode.Created);
        var replay = await PostAsync(_kit.Manager, Reservations, body, key);
        var missingKey = await _kit.Manager.SendAsync(new HttpRequestMessage(HttpMethod.Post, Reservations)
        {
            Content = System.Net.Http.Json.JsonContent.Create(body),
        }, Ct);

        Assert.Equal(first.GetProperty("id").GetGuid(), (await replay.AssertJsonAsync(HttpStatusCode.Created)).GetProperty("id").GetGuid());
        Assert.True(replay.Headers.Contains("Idempotent-Replayed"));
        await missingKey.AssertProblemAsync(HttpStatusCode.BadRequest, "idempotency_key_required");
        Assert.Equal(4, (await _kit.LevelAsync(part.Id, warehouse))!.Reserved);
        Assert.Equal("order", first.GetProperty("reference").GetProperty("type").GetString());
    }

    [Fact]
    public async Task Get_shows_the_reservation_and_customers_get_403_on_reservations()
    {
        var part = await _kit.PartAsync();
        var warehouse = await _kit.WarehouseAsync();
        await _kit.StockAsync(part, warehouse, 3);
        var id = (await (await ReserveAsync(_kit.Manager, (part, 1))).AssertJsonAsync(HttpStatusCode.Created)).GetProperty("id").GetGuid();
        var customer = factory.CreateUserClient(Roles.Customer);

        var shown = await _kit.Manager.GetAsync($"{Reservations}/{id}", Ct);
        var forbiddenCreate = await ReserveAsync(customer, (part, 1));
        var forbiddenRead = await customer.GetAsync($"{Reservations}/{id}", Ct);
        var missing = await _kit.Manager.GetAsync($"{Reservations}/{Guid.NewGuid()}", Ct);

        var json = await shown.AssertJsonAsync(HttpStatusCode.OK);
        Assert.Equal(part.Sku, json.GetProperty("lines")[0].GetProperty("sku").GetString());
        await forbiddenCreate.AssertProblemAsync(HttpStatusCode.Forbidden);
        await forbiddenRead.AssertProblemAsync(HttpStatusCode.Forbidden);
        await missing.AssertProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Invalid_reservation_bodies_get_field_errors()
    {
        var part = await _kit.PartAsync();

        var zero = await PostAsync(_kit.Manager, Reservations, new { lines = new[] { new { sku = part.Sku, quantity = 0 } } });
        var none = await PostAsync(_kit.Manager, Reservations, new { lines = Array.Empty<object>() });
        var both = await PostAsync(_kit.Manager, Reservations, new { lines = new[] { new { sku = part.Sku, partId = part.Id, quantity = 1 } } });
        var unknown = await PostAsync(_kit.Manager, Reservations, new { lines = new[] { new { sku = "NO-SUCH-" + Guid.NewGuid(), quantity = 1 } } });

        Assert.True((await zero.AssertProblemAsync(HttpStatusCode.BadRequest)).GetProperty("errors").TryGetProperty("lines[0].quantity", out _));
        Assert.True((await none.AssertProblemAsync(HttpStatusCode.BadRequest)).GetProperty("errors").TryGetProperty("lines", out _));
        Assert.True((await both.AssertProblemAsync(HttpStatusCode.BadRequest)).GetProperty("errors").TryGetProperty("lines[0]", out _));
        Assert.True((await unknown.AssertProblemAsync(HttpStatusCode.BadRequest)).GetProperty("errors").TryGetProperty("lines[0].sku", out _));
    }

    [Fact]
    public async Task Inactive_warehouses_are_not_allocated()
    {
        var part = await _kit.PartAsync();
        var active = await _kit.WarehouseAsync();
        var closing = await _kit.WarehouseAsync();
        await _kit.StockAsync(part, active, 2);
        await _kit.StockAsync(part, closing, 50);
        await using (var scope = factory.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
            await db.Set<Warehouse>().Where(w => w.Id == closing).ExecuteUpdateAsync(s => s.SetProperty(w => w.Active, false), Ct);
        }

        var response = await ReserveAsync(_kit.Manager, (part, 3));

        var problem = await response.AssertProblemAsync(HttpStatusCode.Conflict, "insufficient_stock");
        Assert.Equal(2, problem.GetProperty("shortages")[0].GetProperty("available").GetInt32());
    }

    [Fact]
    public async Task Lines_named_by_sku_split_over_active_warehouses_and_report_shortages_by_sku()
    {
        var part = await _kit.PartAsync();
        var bare = await _kit.PartAsync();
        var small = await _kit.WarehouseAsync();
        var large = await _kit.WarehouseAsync();
        var closing = await _kit.WarehouseAsync();
        await _kit.StockAsync(part, small, 4);
        await _kit.StockAsync(part, large, 6);
        await _kit.StockAsync(part, closing, 100);
        await using (var scope = factory.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
            await db.Set<Warehouse>().Where(w => w.Id == closing).ExecuteUpdateAsync(s => s.SetProperty(w => w.Active, false), Ct);
        }

        // 8 of the 10 active units: split over both active warehouses, none from the inactive one.
        var split = await (await PostAsync(_kit.Manager, Reservations, new { lines = new[] { new { sku = part.Sku, quantity = 8 } } }))
            .AssertJsonAsync(HttpStatusCode.Created);
        var lines = split.GetProperty("lines").EnumerateArray().ToList();
        Assert.Equal(new[] { small, large }.Order(), lines.Select(l => l.GetProperty("warehouseId").GetInt64()).Order());
        Assert.All(lines, l => Assert.Equal(part.Sku, l.GetProperty("sku").GetString()));
        Assert.Equal(8, lines.Sum(l => l.GetProperty("quantity").GetInt32()));
        Assert.Equal(100, (await _kit.LevelAsync(part.Id, closing))!.Available);

        // The same SKU twice plus a part without stock, by SKU and by id: nothing is reserved, both shortages are named.
        var shortResponse = await PostAsync(_kit.Manager, Reservations, new
        {
            lines = new object[] { new { sku = part.Sku, quantity = 1 }, new { sku = part.Sku, quantity = 2 }, new { partId = bare.Id, quantity = 1 } },
        });
        var problem = await shortResponse.AssertProblemAsync(HttpStatusCode.Conflict, "insufficient_stock");
        var shortages = problem.GetProperty("shortages").EnumerateArray()
            .ToDictionary(x => x.GetProperty("sku").GetString()!, x => (x.GetProperty("requested").GetInt32(), x.GetProperty("available").GetInt32()));
        Assert.Equal((3, 2), shortages[part.Sku]);
        Assert.Equal((1, 0), shortages[bare.Sku]);
        Assert.Equal(2, (await _kit.LevelAsync(part.Id, small))!.Available + (await _kit.LevelAsync(part.Id, large))!.Available);
        await _kit.AssertLedgerMatchesAsync(part.Id);
    }
}
