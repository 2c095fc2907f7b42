using System.Net;
using Axle.Api.Features.Audit;
using Axle.Api.Features.Inventory;
using Axle.Api.Platform.Data;
using Axle.Api.Platform.Security;
using Axle.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using static Axle.Tests.Inventory.InventoryKit;

namespace Axle.Tests.Inventory;

public sealed class AdjustmentTests(AxleFactory factory) : IClassFixture<AxleFactory>
{
    private readonly InventoryKit _kit = new(factory);

    [Fact]
    public async Task Receiving_adds_stock_with_a_movement_an_audit_entry_and_a_change_event()
    {
        var part = await _kit.PartAsync();
        var warehouse = await _kit.WarehouseAsync();

        var response = await PostAsync(_kit.Manager, Adjustments,
            new { sku = part.Sku, warehouseId = warehouse, delta = 12, reason = "received", note = "Pallet 7" });

        var body = await response.AssertJsonAsync(HttpStatusCode.Created);
        Assert.Equal(12, body.GetProperty("level").GetProperty("onHand").GetInt32());
        Assert.Equal(12, body.GetProperty("level").GetProperty("available").GetInt32());
        Assert.Equal("received", body.GetProperty("reason").GetString());
        var movement = Assert.Single(await _kit.MovementsAsync(part.Id));
        Assert.Equal((12, 0, MovementReason.Received, MovementReference.Adjustment), (movement.DeltaOnHand, movement.DeltaReserved, movement.Reason, movement.ReferenceType));
        Assert.Equal(body.GetProperty("adjustmentId").GetGuid().ToString(), movement.ReferenceId);
        Assert.Equal("Pallet 7", movement.Note);
        Assert.NotEqual(Actors.System, movement.Actor);
        var changed = Assert.Single(await _kit.EventsAsync(StockLedger.ChangedEvent, part.Id));
        Assert.Equal(12, changed.GetProperty("onHand").GetInt32());
        await using var scope = factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        Assert.True(await db.Set<AuditEntry>().AnyAsync(a => a.Action == "inventory.adjusted" && a.Details!.Contains(part.Sku), Ct));
    }

    [Fact]
    public async Task An_adjustment_below_zero_or_below_reserved_is_409_and_changes_nothing()
    {
        var part = await _kit.PartAsync();
        var warehouse = await _kit.WarehouseAsync();
        await _kit.StockAsync(part, warehouse, 5);
        await (await ReserveAsync(_kit.Manager, (part, 3))).AssertJsonAsync(HttpStatusCode.Created);
        var before = await _kit.MovementsAsync(part.Id);

        var belowZero = await PostAsync(_kit.Manager, Adjustments, new { sku = part.Sku, warehouseId = warehouse, delta = -6, reason = "lost" });
        var belowReserved = await PostAsync(_kit.Manager, Adjustments, new { sku = part.Sku, warehouseId = warehouse, delta = -3, reason = "damaged" });
        var fits = await PostAsync(_kit.Manager, Adjustments, new { sku = part.Sku, warehouseId = warehouse, delta = -2, reason = "cycle_count" });

        var problem = await belowZero.AssertProblemAsync(HttpStatusCode.Conflict, "insufficient_stock");
        Assert.Equal(2, problem.GetProperty("shortages")[0].GetProperty("available").GetInt32());
        await belowReserved.AssertProblemAsync(HttpStatusCode.Conflict, "insufficient_stock");
        await fits.AssertJsonAsync(HttpStatusCode.Created);
        var level = await _kit.LevelAsync(part.Id, warehouse);
        Assert.Equal((3, 3), (level!.OnHand, level.Reserved));
        Assert.Equal(before.Count + 1, (await _kit.MovementsAsync(part.Id)).Count);
        await _kit.AssertLedgerMatchesAsync(part.Id);
    }

    public static TheoryData<string, int, string> InvalidAdjustments => new()
    {
        { "received", -1, "delta" },
        { "found", 0, "delta" },
        { "damaged", 2, "delta" },
        { "lost", 1, "delta" },
        { "correction", 2_000_000, "delta" },
    };

    [Theory]
    [MemberData(nameof(InvalidAdjustments))]
    public async Task An_adjustment_whose_sign_does_not_fit_its_reason_is_400(string reason, int delta, string field)
    {
        var part = await _kit.PartAsync();
        var warehouse = await _kit.WarehouseAsync();

        var response = await PostAsync(_kit.Manager, Adjustments, new { sku = part.Sku, warehouseId = warehouse, delta, reason });

        var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), problem.ToString());
        Assert.Empty(await _kit.MovementsAsync(part.Id));
    }

    [Fact]
    public async Task An_unknown_reason_is_400_naming_the_member()
    {
        var part = await _kit.PartAsync();
        var warehouse = await _kit.WarehouseAsync();

        var response = await PostAsync(_kit.Manager, Adjustments, new { sku = part.Sku, warehouseId = warehouse, delta = -1, reason = "stolen" });

        var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest, "malformed_json");
        Assert.Contains("reason", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Unknown_skus_and_warehouses_are_field_errors()
    {
        var response = await PostAsync(_kit.Manager, Adjustments, new { sku = "NOPE-" + Guid.NewGuid(), warehouseId = long.MaxValue, delta = 1, reason = "found" });

        var errors = (await response.AssertProblemAsync(HttpStatusCode.BadRequest)).GetProperty("errors");
        Assert.True(errors.TryGetProperty("sku", out _));
        Assert.True(errors.TryGetProperty("warehouseId", out _));
    }

    [Fact]
    public async Task A_replayed_adjustment_is_applied_once_and_a_reused_key_with_another_body_is_422()
    {
        var part = await _kit.PartAsync();
        var warehouse = await _kit.WarehouseAsync();
        var key = Guid.NewGuid().ToString();
        var body = new { sku = part.Sku, warehouseId = warehouse, delta = 5, reason = "found" };

        var first = await PostAsync(_kit.Manager, Adjustments, body, key);
        var replay = await PostAsync(_kit.Manager, Adjustments, body, key);
        var other = await PostAsync(_kit.Manager, Adjustments, body with { delta = 6 }, key);

        var firstJson = await first.AssertJsonAsync(HttpStatusCode.Created);
        var replayJson = await replay.AssertJsonAsync(HttpStatusCode.Created);
        Assert.Equal(firstJson.GetProperty("adjustmentId").GetGuid(), replayJson.GetProperty("adjustmentId").GetGuid());
        await other.AssertProblemAsync(HttpStatusCode.UnprocessableEntity, "idempotency_key_reused");
        Assert.Equal(5, (await _kit.LevelAsync(part.Id, warehouse))!.OnHand);
        Assert.Single(await _kit.MovementsAsync(part.Id));
    }

    [Fact]
    public async Task Customers_get_403_and_order_managers_cannot_adjust()
    {
        var part = await _kit.PartAsync();
        var warehouse = await _kit.WarehouseAsync();
        var body = new { sku = part.Sku, warehouseId = warehouse, delta = 5, reason = "found" };

        var customer = await PostAsync(factory.CreateUserClient(Roles.Customer), Adjustments, body);
        var orders = await PostAsync(factory.CreateUserClient(Roles.OrderManager), Adjustments, body);
        var anonymous = await PostAsync(factory.CreateClient(), Adjustments, body);

        await customer.AssertProblemAsync(HttpStatusCode.Forbidden);
        await orders.AssertProblemAsync(HttpStatusCode.Forbidden);
        await anonymous.AssertProblemAsync(HttpStatusCode.Unauthorized);
        Assert.Empty(await _kit.MovementsAsync(part.Id));
    }

    [Fact]
    public async Task A_machine_client_with_inventory_write_adjusts_and_is_named_in_the_ledger()
    {
        var part = await _kit.PartAsync();
        var warehouse = await _kit.WarehouseAsync();
        var admin = await factory.CreateAdminClientAsync();
        var machine = await admin.CreateMachineClientAsync("wms-" + Guid.NewGuid().ToString("N")[..8], "inventory:write");
        var token = await factory.CreateClient().GetAccessTokenAsync(machine);

        var response = await PostAsync(factory.CreateBearerClient(token), Adjustments,
            new { sku = part.Sku, warehouseId = warehouse, delta = 3, reason = "received" });

        await response.AssertJsonAsync(HttpStatusCode.Created);
        Assert.Equal("client:" + machine.ClientId, Assert.Single(await _kit.MovementsAsync(part.Id)).Actor);
    }

    [Fact]
    public async Task Falling_to_the_reorder_point_records_one_low_stock_event()
    {
        var part = await _kit.PartAsync();
        var warehouse = await _kit.WarehouseAsync();
        await _kit.StockAsync(part, warehouse, 10);
        var level = await _kit.Manager.GetAsync($"/api/v1/inventory/{part.Sku}/warehouses/{warehouse}", Ct);
        using (var patch = new HttpRequestMessage(HttpMethod.Patch, $"/api/v1/inventory/{part.Sku}/warehouses/{warehouse}")
        {
            Content = System.Net.Http.Json.JsonContent.Create(new { reorderPoint = 4, reorderQuantity = 20 }),
        })
        {
            patch.Headers.TryAddWithoutValidation("If-Match", level.Headers.ETag!.ToString());
            await (await _kit.Manager.SendAsync(patch, Ct)).AssertJsonAsync(HttpStatusCode.OK);
        }

        await PostAsync(_kit.Manager, Adjustments, new { sku = part.Sku, warehouseId = warehouse, delta = -5, reason = "damaged" });
        Assert.Empty(await _kit.EventsAsync(StockLedger.LowStockEvent, part.Id));
        await (await ReserveAsync(_kit.Manager, (part, 1))).AssertJsonAsync(HttpStatusCode.Created);
        await (await ReserveAsync(_kit.Manager, (part, 1))).AssertJsonAsync(HttpStatusCode.Created);

        var low = Assert.Single(await _kit.EventsAsync(StockLedger.LowStockEvent, part.Id));
        Assert.Equal(4, low.GetProperty("available").GetInt32());
        Assert.Equal(4, low.GetProperty("reorderPoint").GetInt32());
        Assert.Equal(20, low.GetProperty("suggestedPurchaseQuantity").GetInt32());
        Assert.Equal(part.Sku, low.GetProperty("sku").GetString());
        Assert.Equal(4, (await _kit.EventsAsync(StockLedger.ChangedEvent, part.Id)).Count);
    }
}
