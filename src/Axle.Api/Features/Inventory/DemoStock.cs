using Axle.Api.Features.Catalog;
using Axle.Api.Platform.Data;
using Axle.Api.Platform.Hosting;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Axle.Api.Features.Inventory;

/// <summary>
/// Stocks the demo catalog when <c>Seed:Demo</c> is on and no warehouse exists yet: three warehouses and deterministic
/// levels (fixed seed) for every part, each opening balance written as an <c>initial</c> movement so the ledger reconciles.
/// About 84% of parts are in stock, 9% low (at or below the reorder point) and 7% out of stock; every part that fits a
/// 2018 Toyota Camry is in stock, so the demo's first search shows something to buy.
/// </summary>
internal sealed partial class DemoStock(IOptions<SeedOptions> seed, TimeProvider time, ILogger<DemoStock> logger) : IStartupTask
{
    public const string SeedReference = "demo-seed";

    public async Task RunAsync(IServiceProvider services, CancellationToken ct)
    {
        if (seed.Value.Demo != true)
        {
            return;
        }

        var db = services.GetRequiredService<AppDbContext>();
        if (await db.Set<Warehouse>().AnyAsync(ct) || !await db.Set<Part>().AnyAsync(ct))
        {
            return;
        }

        var started = time.GetTimestamp();
        var levels = await LoadAsync(db, time.GetUtcNow().UtcDateTime, ct);
        LogLoaded(logger, levels, (int)time.GetElapsedTime(started).TotalMilliseconds);
    }

    internal static async Task<int> LoadAsync(AppDbContext db, DateTime now, CancellationToken ct)
    {
        var random = new Random(20261124);
        db.ChangeTracker.AutoDetectChangesEnabled = false;
        await using var transaction = await db.Database.BeginTransactionAsync(ct);

        Warehouse[] warehouses =
        [
            new("DAL-1", "Axle Dallas", new WarehouseAddress("2400 Distribution Way", null, "Dallas", "TX", "75212", "US"), true, now),
            new("RNO-1", "Axle Reno", new WarehouseAddress("1 Logistics Parkway", "Building C", "Reno", "NV", "89502", "US"), true, now),
            new("ATL-1", "Axle Atlanta", new WarehouseAddress("850 Fulton Industrial Blvd", null, "Atlanta", "GA", "30336", "US"), true, now),
        ];
        db.AddRange(warehouses);
        await db.SaveChangesAsync(ct);

        var camry = db.Set<Vehicle>().Where(v => v.Year == 2018 && v.MakeKey == "TOYOTA" && v.ModelKey == "CAMRY").Select(v => v.Id);
        var mustStock = (await db.Set<Fitment>().Where(f => camry.Contains(f.VehicleId)).Select(f => f.PartId).Distinct().ToListAsync(ct))
            .ToHashSet();
        var partIds = await db.Set<Part>().OrderBy(p => p.Id).Select(p => p.Id).ToListAsync(ct);

        var count = 0;
        foreach (var partId in partIds)
        {
            var roll = mustStock.Contains(partId) ? 1.0 : random.NextDouble();
            var reorderPoint = random.Next(3, 9);
            var reorderQuantity = random.Next(2, 7) * 5;
            // Which warehouses carry the part: the first is its home, the others stock it sometimes.
            var first = random.Next(warehouses.Length);
            var carriers = Enumerable.Range(0, warehouses.Length)
                .Where(i => i == first || random.NextDouble() < 0.5)
                .Select(i => warehouses[i])
                .ToList();
            for (var i = 0; i < carriers.Count; i++)
            {
                var onHand = roll switch
                {
                    < 0.07 => 0,
                    < 0.16 => i == 0 ? random.Next(1, reorderPoint + 1) : 0,
                    _ => random.Next(reorderPoint + 2, 60),
                };
                var level = new StockLevel(partId, carriers[i].Id, now);
                level.Seed(onHand, reorderPoint, reorderQuantity);
                db.Add(level);
                count++;
                if (onHand > 0)
                {
                    db.Add(new StockMovement(partId, carriers[i].Id, onHand, 0, MovementReason.Initial, Actors.System,
                        MovementReference.Adjustment, SeedReference, "Demo opening balance", now));
                }
            }
        }

        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        db.ChangeTracker.Clear();
        db.ChangeTracker.AutoDetectChangesEnabled = true;
        return count;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Demo stock loaded: {Levels} levels in 3 warehouses in {Milliseconds} ms")]
    private static partial void LogLoaded(ILogger logger, int levels, int milliseconds);
}
