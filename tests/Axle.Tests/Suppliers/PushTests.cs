using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Axle.Api.Features.Inventory;
using Axle.Api.Features.Suppliers;
using Axle.Api.Platform.Messaging;
using Axle.Tests.Infrastructure;
using Axle.Tests.Inventory;
using Microsoft.EntityFrameworkCore;

namespace Axle.Tests.Suppliers;

public sealed class PushTests(AxleFactory factory) : IClassFixture<AxleFactory>
{
    private readonly SupplierKit _kit = new(factory);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_signed_push_is_accepted_then_applied_as_supplier_sync_movements()
    {
        var supplier = await _kit.SupplierAsync();
        var part = await _kit.PartAsync();

        var response = await _kit.PushAsync(supplier, [SupplierKit.Event(supplier.WarehouseCode, sku: part.Sku, quantity: 12)]);
        var body = await response.AssertJsonAsync(HttpStatusCode.Accepted);
        Assert.Equal("accepted", body.GetProperty("status").GetString());
        Assert.False(body.GetProperty("duplicate").GetBoolean());
        Assert.Null(await _kit.LevelAsync(part.Id, supplier.WarehouseId));

        await _kit.ApplyInboxAsync();
        var level = await _kit.LevelAsync(part.Id, supplier.WarehouseId);
        Assert.Equal(12, level!.OnHand);
        var movements = await _kit.Inventory.MovementsAsync(part.Id);
        var movement = Assert.Single(movements);
        Assert.Equal(MovementReason.SupplierSync, movement.Reason);
        Assert.Equal(MovementReference.SupplierPush, movement.ReferenceType);
        Assert.Equal("supplier:" + supplier.Code, movement.Actor);
        Assert.Single(await _kit.Inventory.EventsAsync(StockLedger.ChangedEvent, part.Id));
        await _kit.Inventory.AssertLedgerMatchesAsync(part.Id);
    }

    [Fact]
    public async Task Deltas_add_to_on_hand_and_a_delta_below_zero_is_dead_lettered_while_the_rest_apply()
    {
        var supplier = await _kit.SupplierAsync();
        var part = await _kit.PartAsync();
        var other = await _kit.PartAsync("Rotor");
        var t0 = DateTime.UtcNow.AddMinutes(-10);
        await _kit.PushAndApplyAsync(supplier, SupplierKit.Event(supplier.WarehouseCode, sku: part.Sku, quantity: 5, at: t0));

        await _kit.PushAndApplyAsync(supplier,
            SupplierKit.Event(supplier.WarehouseCode, sku: part.Sku, delta: -2, at: t0.AddMinutes(1)),
            SupplierKit.Event(supplier.WarehouseCode, sku: part.Sku, delta: -9, at: t0.AddMinutes(2)),
            SupplierKit.Event(supplier.WarehouseCode, sku: other.Sku, quantity: 7, at: t0.AddMinutes(2)));

        Assert.Equal(3, (await _kit.LevelAsync(part.Id, supplier.WarehouseId))!.OnHand);
        Assert.Equal(7, (await _kit.LevelAsync(other.Id, supplier.WarehouseId))!.OnHand);
        var letter = Assert.Single(await _kit.DeadLettersAsync(supplier.Id));
        Assert.Equal("insufficient_stock", letter.Code);
        Assert.Equal(1, letter.Position);
        await _kit.Inventory.AssertLedgerMatchesAsync(part.Id);
    }

    [Fact]
    public async Task The_same_webhook_id_twice_is_stored_once_and_a_repeated_event_id_applies_once()
    {
        var supplier = await _kit.SupplierAsync();
        var part = await _kit.PartAsync();
        var e = SupplierKit.Event(supplier.WarehouseCode, sku: part.Sku, delta: 4);

        var first = await _kit.PushAsync(supplier, [e], webhookId: "msg_same");
        var again = await _kit.PushAsync(supplier, [e], webhookId: "msg_same");
        Assert.Equal(HttpStatusCode.Accepted, first.StatusCode);
        Assert.True((await again.AssertJsonAsync(HttpStatusCode.Accepted)).GetProperty("duplicate").GetBoolean());
        // Same event under another webhook id (a supplier resending it in a new batch).
        Assert.Equal(HttpStatusCode.Accepted, (await _kit.PushAsync(supplier, [e, e])).StatusCode);
        await _kit.ApplyInboxAsync();

        Assert.Equal(4, (await _kit.LevelAsync(part.Id, supplier.WarehouseId))!.OnHand);
        Assert.Single(await _kit.Inventory.MovementsAsync(part.Id));
        Assert.Equal(2, await _kit.DbAsync(db => db.Set<InboxMessage>()
            .CountAsync(m => m.Source == SupplierInboxWorker.SourceOf(supplier.Id) && m.ProcessedAt != null, Ct)));
    }

    [Fact]
    public async Task An_event_older_than_the_last_applied_for_its_level_is_ignored()
    {
        var supplier = await _kit.SupplierAsync();
        var part = await _kit.PartAsync();
        var now = DateTime.UtcNow;
        await _kit.PushAndApplyAsync(supplier, SupplierKit.Event(supplier.WarehouseCode, sku: part.Sku, quantity: 10, at: now.AddMinutes(-1)));
        await _kit.PushAndApplyAsync(supplier, SupplierKit.Event(supplier.WarehouseCode, sku: part.Sku, quantity: 3, at: now.AddMinutes(-5)));

        Assert.Equal(10, (await _kit.LevelAsync(part.Id, supplier.WarehouseId))!.OnHand);
        var outcome = await _kit.DbAsync(db => db.Set<InboxMessage>().Where(m => m.Source == SupplierInboxWorker.SourceOf(supplier.Id))
            .OrderBy(m => m.ReceivedAt).Select(m => m.Outcome).ToListAsync(Ct));
        Assert.Contains("ignored 1", outcome[1]);
    }

    [Fact]
    public async Task Events_in_one_push_apply_in_time_order_whatever_order_they_arrive_in()
    {
        var supplier = await _kit.SupplierAsync();
        var part = await _kit.PartAsync();
        var now = DateTime.UtcNow;
        await _kit.PushAndApplyAsync(supplier,
            SupplierKit.Event(supplier.WarehouseCode, sku: part.Sku, quantity: 9, at: now.AddMinutes(-1)),
            SupplierKit.Event(supplier.WarehouseCode, sku: part.Sku, quantity: 2, at: now.AddMinutes(-3)));

        Assert.Equal(9, (await _kit.LevelAsync(part.Id, supplier.WarehouseId))!.OnHand);
    }

    [Theory]
    [InlineData("bad_signature")]
    [InlineData("stale_timestamp")]
    [InlineData("future_timestamp")]
    [InlineData("unknown_supplier")]
    [InlineData("wrong_secret")]
    [InlineData("missing_headers")]
    public async Task A_push_failing_any_check_is_401_and_stores_nothing(string failure)
    {
        var supplier = await _kit.SupplierAsync();
        var other = await _kit.SupplierAsync();
        var part = await _kit.PartAsync();
        var body = JsonSerializer.Serialize(new
        {
            supplierId = failure == "unknown_supplier" ? 987654321 : supplier.Id,
            events = new[] { SupplierKit.Event(supplier.WarehouseCode, sku: part.Sku, quantity: 1) },
        });

        var response = failure switch
        {
            "bad_signature" => await _kit.PushRawAsync(body, supplier.Secret, signature: "v1," + Convert.ToBase64String(new byte[32])),
            "stale_timestamp" => await _kit.PushRawAsync(body, supplier.Secret, timestamp: DateTimeOffset.UtcNow.AddMinutes(-6)),
            "future_timestamp" => await _kit.PushRawAsync(body, supplier.Secret, timestamp: DateTimeOffset.UtcNow.AddMinutes(6)),
            "wrong_secret" => await _kit.PushRawAsync(body, other.Secret),
            "missing_headers" => await _kit.Anonymous.PostAsync(SupplierKit.Updates, new StringContent(body, System.Text.Encoding.UTF8, "application/json"), Ct),
            _ => await _kit.PushRawAsync(body, supplier.Secret),
        };

        var problem = await response.AssertProblemAsync(HttpStatusCode.Unauthorized);
        Assert.Equal("unauthorized", problem.GetProperty("code").GetString());
        Assert.Equal(0, await _kit.DbAsync(db => db.Set<InboxMessage>().CountAsync(m => m.Source == SupplierInboxWorker.SourceOf(supplier.Id), Ct)));
    }

    [Fact]
    public async Task After_a_rotation_both_secrets_verify_during_the_grace_and_the_new_one_is_shown_once()
    {
        var supplier = await _kit.SupplierAsync();
        var part = await _kit.PartAsync();
        var rotated = await (await _kit.Admin.PostAsync($"{SupplierKit.Suppliers}/{supplier.Id}/secret:rotate", null, Ct))
            .AssertJsonAsync(HttpStatusCode.OK);
        var secret = rotated.GetProperty("webhookSecret").GetString()!;
        Assert.StartsWith("whsec_", secret);
        Assert.NotEqual(supplier.Secret, secret);
        Assert.True(rotated.GetProperty("previousSecretValidUntil").GetDateTime() > DateTime.UtcNow.AddHours(23));

        var body = JsonSerializer.Serialize(new { supplierId = supplier.Id, events = new[] { SupplierKit.Event(supplier.WarehouseCode, sku: part.Sku, quantity: 1) } });
        Assert.Equal(HttpStatusCode.Accepted, (await _kit.PushRawAsync(body, supplier.Secret)).StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, (await _kit.PushRawAsync(body, secret)).StatusCode);

        var shown = await (await _kit.Admin.GetAsync($"{SupplierKit.Suppliers}/{supplier.Id}", Ct)).AssertJsonAsync(HttpStatusCode.OK);
        Assert.False(shown.TryGetProperty("webhookSecret", out var s) && s.ValueKind == JsonValueKind.String);
        Assert.DoesNotContain("whsec_", shown.GetRawText());
    }

    [Fact]
    public async Task A_push_from_outside_the_ip_allow_list_is_403_after_a_valid_signature()
    {
        var supplier = await _kit.SupplierAsync(extra: new Dictionary<string, object?> { ["ipAllowList"] = new[] { "203.0.113.0/24" } });
        var part = await _kit.PartAsync();

        var response = await _kit.PushAsync(supplier, [SupplierKit.Event(supplier.WarehouseCode, sku: part.Sku, quantity: 1)]);

        await response.AssertProblemAsync(HttpStatusCode.Forbidden);
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("{\"supplierId\": 1, \"events\": []}")]
    [InlineData("{\"supplierId\": 1, \"events\": {}}")]
    public async Task A_signed_but_malformed_envelope_is_400(string template)
    {
        var supplier = await _kit.SupplierAsync();
        var body = template.Replace("\"supplierId\": 1", $"\"supplierId\": {supplier.Id}", StringComparison.Ordinal);

        var response = await _kit.PushRawAsync(body, supplier.Secret);

        // Not JSON at all cannot name a supplier, so it cannot be verified: 401, like any unverifiable push.
        await response.AssertProblemAsync(template == "not json" ? HttpStatusCode.Unauthorized : HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task An_unknown_part_is_dead_lettered_and_replaying_it_after_adding_the_number_applies_it()
    {
        var supplier = await _kit.SupplierAsync();
        var part = await _kit.PartAsync();
        await _kit.PushAndApplyAsync(supplier, SupplierKit.Event(supplier.WarehouseCode, supplierPartNumber: "ZZ-" + part.Sku, quantity: 6));
        var letter = Assert.Single(await _kit.DeadLettersAsync(supplier.Id));
        Assert.Equal("unknown_part", letter.Code);
        Assert.Null(await _kit.LevelAsync(part.Id, supplier.WarehouseId));

        var still = await _kit.Admin.PostAsync($"{SupplierKit.DeadLetters}/{letter.Id}/replay", null, Ct);
        Assert.Equal("still_rejected", (await still.AssertProblemAsync(HttpStatusCode.Conflict)).GetProperty("code").GetString());

        var added = await _kit.Admin.PostAsJsonAsync($"{SupplierKit.Suppliers}/{supplier.Id}/parts",
            new { items = new[] { new { supplierPartNumber = "zz" + part.Sku, sku = part.Sku } } }, Ct);
        Assert.Equal(1, (await added.AssertJsonAsync(HttpStatusCode.OK)).GetProperty("added").GetInt32());
        var replayed = await (await _kit.Admin.PostAsync($"{SupplierKit.DeadLetters}/{letter.Id}/replay", null, Ct)).AssertJsonAsync(HttpStatusCode.OK);

        Assert.Equal("replayed", replayed.GetProperty("status").GetString());
        Assert.Equal(2, replayed.GetProperty("replayCount").GetInt32());
        Assert.Equal(6, (await _kit.LevelAsync(part.Id, supplier.WarehouseId))!.OnHand);
        await _kit.Inventory.AssertLedgerMatchesAsync(part.Id);
        var again = await _kit.Admin.PostAsync($"{SupplierKit.DeadLetters}/{letter.Id}/replay", null, Ct);
        Assert.Equal("not_open", (await again.AssertProblemAsync(HttpStatusCode.Conflict)).GetProperty("code").GetString());
    }

    [Fact]
    public async Task A_warehouse_the_supplier_does_not_own_is_refused()
    {
        var supplier = await _kit.SupplierAsync();
        var other = await _kit.SupplierAsync();
        var part = await _kit.PartAsync();

        await _kit.PushAndApplyAsync(supplier, SupplierKit.Event(other.WarehouseCode, sku: part.Sku, quantity: 50));

        Assert.Null(await _kit.LevelAsync(part.Id, other.WarehouseId));
        Assert.Equal("unknown_warehouse", Assert.Single(await _kit.DeadLettersAsync(supplier.Id)).Code);
    }

    [Fact]
    public async Task A_supplier_with_fewer_units_than_reserved_takes_them_from_the_newest_reservation()
    {
        var supplier = await _kit.SupplierAsync();
        var part = await _kit.PartAsync();
        await _kit.PushAndApplyAsync(supplier, SupplierKit.Event(supplier.WarehouseCode, sku: part.Sku, quantity: 5, at: DateTime.UtcNow.AddMinutes(-5)));
        var reserve = await InventoryKit.ReserveAsync(_kit.Inventory.Manager, (part, 4));
        Assert.Equal(HttpStatusCode.Created, reserve.StatusCode);

        await _kit.PushAndApplyAsync(supplier, SupplierKit.Event(supplier.WarehouseCode, sku: part.Sku, quantity: 1));

        var level = await _kit.LevelAsync(part.Id, supplier.WarehouseId);
        Assert.Equal(1, level!.OnHand);
        Assert.InRange(level.Reserved, 0, 1);
        await _kit.Inventory.AssertLedgerMatchesAsync(part.Id);
    }
}
