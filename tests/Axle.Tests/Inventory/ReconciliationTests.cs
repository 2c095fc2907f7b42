using System.Net;
using System.Text.Json;
using Axle.Api.Features.Inventory;
using Axle.Api.Platform.Data;
using Axle.Api.Platform.Security;
using Axle.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using static Axle.Tests.Inventory.InventoryKit;

namespace Axle.Tests.Inventory;

public sealed class ReconciliationTests(AxleFactory factory) : IClassFixture<AxleFactory>
{
    private readonly InventoryKit _kit = new(factory);

    [Fact]
    public async Task Reconciliation_reports_drift_over_http_and_verify_stock_exits_non_zero()
    {
        var part = await _kit.PartAsync();
        var warehouse = await _kit.WarehouseAsync();
        await _kit.StockAsync(part, warehouse, 6);
        await (await ReserveAsync(_kit.Manager, (part, 2))).AssertJsonAsync(HttpStatusCode.Created);

        var clean = await (await _kit.Manager.GetAsync("/api/v1/inventory/reconciliation", Ct)).AssertJsonAsync(HttpStatusCode.OK);
        using var cleanOutput = new StringWriter();
        var cleanExit = await factory.Services.VerifyStockAsync(cleanOutput, Ct);

        // Someone edits the table behind the ledger's back.
        await using (var scope = factory.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
            await db.Set<StockLevel>().Where(l => l.PartId == part.Id).ExecuteUpdateAsync(s => s.SetProperty(l => l.OnHand, 9), Ct);
        }

        var drifted = await (await factory.CreateUserClient(Roles.Admin).GetAsync("/api/v1/inventory/reconciliation", Ct)).AssertJsonAsync(HttpStatusCode.OK);
        using var driftOutput = new StringWriter();
        var driftExit = await factory.Services.VerifyStockAsync(driftOutput, Ct);
        var orders = await factory.CreateUserClient(Roles.OrderManager).GetAsync("/api/v1/inventory/reconciliation", Ct);

        Assert.True(clean.GetProperty("consistent").GetBoolean(), clean.ToString());
        Assert.Equal(InventoryCommand.ExitConsistent, cleanExit);
        Assert.False(drifted.GetProperty("consistent").GetBoolean());
        var drift = Assert.Single(drifted.GetProperty("drift").EnumerateArray());
        Assert.Equal(part.Sku, drift.GetProperty("sku").GetString());
        Assert.Equal((9, 6), (drift.GetProperty("onHand").GetInt32(), drift.GetProperty("ledgerOnHand").GetInt32()));
        Assert.Equal(InventoryCommand.ExitDrift, driftExit);
        Assert.False(JsonDocument.Parse(driftOutput.ToString()).RootElement.GetProperty("consistent").GetBoolean());
        await orders.AssertProblemAsync(HttpStatusCode.Forbidden);
    }
}
