using System.Net;
using Axle.Api.Features.Inventory;
using Axle.Api.Platform.Data;
using Axle.Api.Platform.Security;
using Axle.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using static Axle.Tests.Inventory.InventoryKit;

namespace Axle.Tests.Inventory;

public sealed class TransferTests(AxleFactory factory) : IClassFixture<AxleFactory>
{
    private readonly InventoryKit _kit = new(factory);

    [Fact]
    public async Task A_transfer_moves_stock_as_two_movements_sharing_the_transfer_id()
    {
        var part = await _kit.PartAsync();
        var from = await _kit.WarehouseAsync();
        var to = await _kit.WarehouseAsync();
        await _kit.StockAsync(part, from, 10);

        var response = await PostAsync(_kit.Manager, Transfers, new { sku = part.Sku, fromWarehouseId = from, toWarehouseId = to, quantity = 4 });

        var body = await response.AssertJsonAsync(HttpStatusCode.Created);
        Assert.Equal(6, body.GetProperty("from").GetProperty("onHand").GetInt32());
        Assert.Equal(4, body.GetProperty("to").GetProperty("onHand").GetInt32());
        Assert.Equal(6, (await _kit.LevelAsync(part.Id, from))!.OnHand);
        Assert.Equal(4, (await _kit.LevelAsync(part.Id, to))!.OnHand);
        var moves = (await _kit.MovementsAsync(part.Id)).Where(m => m.ReferenceType == MovementReference.Transfer).ToList();
        Assert.Equal(2, moves.Count);
        Assert.Single(moves.Select(m => m.ReferenceId).Distinct());
        Assert.Equal(body.GetProperty("transferId").GetGuid().ToString(), moves[0].ReferenceId);
        Assert.Contains(moves, m => m is { Reason: MovementReason.TransferOut, DeltaOnHand: -4 } && m.WarehouseId == from);
        Assert.Contains(moves, m => m is { Reason: MovementReason.TransferIn, DeltaOnHand: 4 } && m.WarehouseId == to);
        await _kit.AssertLedgerMatchesAsync(part.Id);
    }

    [Fact]
    public async Task A_transfer_of_more_than_is_available_is_409_and_moves_nothing()
    {
        var part = await _kit.PartAsync();
        var from = await _kit.WarehouseAsync();
        var to = await _kit.WarehouseAsync();
        await _kit.StockAsync(part, from, 5);
        await _kit.StockAsync(part, to, 1);
        await (await ReserveAsync(_kit.Manager, (part, 5))).AssertJsonAsync(HttpStatusCode.Created);
        var before = (await _kit.MovementsAsync(part.Id)).Count;

        var response = await PostAsync(_kit.Manager, Transfers, new { sku = part.Sku, fromWarehouseId = from, toWarehouseId = to, quantity = 2 });

        await response.AssertProblemAsync(HttpStatusCode.Conflict, "insufficient_stock");
        Assert.Equal(before, (await _kit.MovementsAsync(part.Id)).Count);
        Assert.Equal(5, (await _kit.LevelAsync(part.Id, from))!.OnHand);
        Assert.Equal(1, (await _kit.LevelAsync(part.Id, to))!.OnHand);
        await _kit.AssertLedgerMatchesAsync(part.Id);
    }

    [Fact]
    public async Task Opposite_transfers_racing_each_other_keep_the_total_and_the_ledger()
    {
        var part = await _kit.PartAsync();
        var a = await _kit.WarehouseAsync();
        var b = await _kit.WarehouseAsync();
        await _kit.StockAsync(part, a, 20);
        await _kit.StockAsync(part, b, 20);

        var responses = await Task.WhenAll(Enumerable.Range(0, 20).Select(i => PostAsync(factory.CreateUserClient(Roles.Admin), Transfers,
            new { sku = part.Sku, fromWarehouseId = i % 2 == 0 ? a : b, toWarehouseId = i % 2 == 0 ? b : a, quantity = 3 })));

        Assert.All(responses, r => Assert.True(r.StatusCode is HttpStatusCode.Created or HttpStatusCode.Conflict, r.StatusCode.ToString()));
        Assert.Equal(40, (await _kit.LevelAsync(part.Id, a))!.OnHand + (await _kit.LevelAsync(part.Id, b))!.OnHand);
        await _kit.AssertLedgerMatchesAsync(part.Id);
    }

    [Fact]
    public async Task Transfers_to_the_same_or_an_inactive_warehouse_are_refused()
    {
        var part = await _kit.PartAsync();
        var from = await _kit.WarehouseAsync();
        var closed = await _kit.WarehouseAsync(active: false);
        await _kit.StockAsync(part, from, 5);

        var same = await PostAsync(_kit.Manager, Transfers, new { sku = part.Sku, fromWarehouseId = from, toWarehouseId = from, quantity = 1 });
        var inactive = await PostAsync(_kit.Manager, Transfers, new { sku = part.Sku, fromWarehouseId = from, toWarehouseId = closed, quantity = 1 });
        var customer = await PostAsync(factory.CreateUserClient(Roles.Customer), Transfers,
            new { sku = part.Sku, fromWarehouseId = from, toWarehouseId = closed, quantity = 1 });

        await same.AssertProblemAsync(HttpStatusCode.BadRequest);
        await inactive.AssertProblemAsync(HttpStatusCode.Conflict, "warehouse_inactive");
        await customer.AssertProblemAsync(HttpStatusCode.Forbidden);
        await using var scope = factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        Assert.False(await db.Set<StockMovement>().AnyAsync(m => m.PartId == part.Id && m.ReferenceType == MovementReference.Transfer, Ct));
    }
}
