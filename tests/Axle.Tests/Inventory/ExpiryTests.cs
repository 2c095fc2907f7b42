using System.Net;
using Axle.Api.Features.Inventory;
using Axle.Api.Platform.Data;
using Axle.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using static Axle.Tests.Inventory.InventoryKit;

namespace Axle.Tests.Inventory;

/// <summary>
/// The app on a clock the test moves; TTL 10 minutes. Tokens are checked against the real clock, so one test per
/// class: once the clock has moved, new tokens would be issued in the future.
/// </summary>
public sealed class ClockFactory : AxleFactory
{
    public FakeTimeProvider Clock { get; } = new(DateTimeOffset.UtcNow);

    protected override IDictionary<string, string?> Overrides => new Dictionary<string, string?> { ["Inventory:ReservationTtl"] = "00:10:00" };

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureTestServices(s => s.AddSingleton<TimeProvider>(Clock));
    }
}

public sealed class ExpiryTests(ClockFactory factory) : IClassFixture<ClockFactory>
{
    private readonly InventoryKit _kit = new(factory);

    [Fact]
    public async Task Expiry_releases_held_reservations_past_their_ttl_and_restores_stock_exactly()
    {
        var part = await _kit.PartAsync();
        var warehouse = await _kit.WarehouseAsync();
        await _kit.StockAsync(part, warehouse, 10);
        var oldBody = await (await ReserveAsync(_kit.Manager, (part, 3))).AssertJsonAsync(HttpStatusCode.Created);
        var old = oldBody.GetProperty("id").GetGuid();
        Assert.Equal(TimeSpan.FromMinutes(10), oldBody.GetProperty("expiresAt").GetDateTime() - oldBody.GetProperty("createdAt").GetDateTime());
        var committed = (await (await ReserveAsync(_kit.Manager, (part, 2))).AssertJsonAsync(HttpStatusCode.Created)).GetProperty("id").GetGuid();
        await (await PostAsync(_kit.Manager, $"{Reservations}/{committed}/commit", new { })).AssertJsonAsync(HttpStatusCode.OK);
        factory.Clock.Advance(TimeSpan.FromMinutes(6));
        var young = (await (await ReserveAsync(_kit.Manager, (part, 4))).AssertJsonAsync(HttpStatusCode.Created)).GetProperty("id").GetGuid();
        var worker = factory.Services.GetRequiredService<ReservationExpiryWorker>();

        var early = await worker.RunOnceAsync(Ct);
        factory.Clock.Advance(TimeSpan.FromMinutes(5));
        var expired = await worker.RunOnceAsync(Ct);
        var again = await worker.RunOnceAsync(Ct);

        Assert.Equal(0, early);
        Assert.Equal(1, expired);
        Assert.Equal(0, again);
        await using var scope = factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        var statuses = await db.Set<Reservation>().Where(r => r.Id == old || r.Id == young || r.Id == committed)
            .ToDictionaryAsync(r => r.Id, r => r.Status, Ct);
        Assert.Equal(ReservationStatus.Expired, statuses[old]);
        Assert.Equal(ReservationStatus.Held, statuses[young]);
        Assert.Equal(ReservationStatus.Committed, statuses[committed]);
        var level = await _kit.LevelAsync(part.Id, warehouse);
        Assert.Equal((8, 4), (level!.OnHand, level.Reserved));
        var movement = Assert.Single(await _kit.MovementsAsync(part.Id), m => m.Reason == MovementReason.Expired);
        Assert.Equal((0, -3, Actors.System), (movement.DeltaOnHand, movement.DeltaReserved, movement.Actor));
        await _kit.AssertLedgerMatchesAsync(part.Id);
    }
}
