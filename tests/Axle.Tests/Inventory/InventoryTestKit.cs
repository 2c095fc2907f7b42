using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Axle.Api.Features.Catalog;
using Axle.Api.Features.Inventory;
using Axle.Api.Platform.Data;
using Axle.Api.Platform.Messaging;
using Axle.Api.Platform.Security;
using Axle.Tests.Catalog;
using Axle.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Axle.Tests.Inventory;

/// <summary>
/// Builds what an inventory test needs — parts, warehouses, stock — through the API where the API can, and reads the
/// database back for assertions. Every code and SKU carries a fresh tag, so tests sharing a factory never collide.
/// </summary>
internal sealed class InventoryKit(AxleFactory factory)
{
    private static int _warehouses;

    public const string Adjustments = "/api/v1/inventory/adjustments";
    public const string Transfers = "/api/v1/inventory/transfers";
    public const string Reservations = "/api/v1/inventory/reservations";
    public const string Warehouses = "/api/v1/warehouses";
    public const string PurchaseOrders = "/api/v1/purchase-orders";

    private readonly CatalogSeed _catalog = new(factory);

    public static CancellationToken Ct => TestContext.Current.CancellationToken;

    public HttpClient Manager { get; } = factory.CreateUserClient(Roles.InventoryManager);

    private (Brand Brand, Category Category)? _taxonomy;

    public async Task<Part> PartAsync(string name = "Brake pads")
    {
        _taxonomy ??= (await _catalog.BrandAsync(), await _catalog.CategoryAsync("Brakes"));
        return await _catalog.PartAsync(_taxonomy.Value.Brand, _taxonomy.Value.Category, $"{name} {_catalog.Tag}");
    }

    /// <summary>A fresh warehouse through the API; returns its id.</summary>
    public async Task<long> WarehouseAsync(string country = "US", string? region = "TX", bool active = true)
    {
        var code = $"W{Interlocked.Increment(ref _warehouses)}-{Guid.NewGuid().ToString("N")[..6].ToUpperInvariant()}";
        var response = await Manager.PostAsJsonAsync(Warehouses, new
        {
            code,
            name = "Warehouse " + code,
            address = new { line1 = "1 Main St", city = "Dallas", region, postalCode = "75001", country },
            active,
        }, Ct);
        return (await response.AssertJsonAsync(HttpStatusCode.Created)).GetProperty("id").GetInt64();
    }

    /// <summary>Receives <paramref name="quantity"/> units through the adjustments API.</summary>
    public async Task StockAsync(Part part, long warehouseId, int quantity)
    {
        var response = await PostAsync(Manager, Adjustments, new { sku = part.Sku, warehouseId, delta = quantity, reason = "received" });
        await response.AssertJsonAsync(HttpStatusCode.Created);
    }

    public static async Task<HttpResponseMessage> PostAsync(HttpClient client, string url, object body, string? key = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = JsonContent.Create(body) };
        request.Headers.TryAddWithoutValidation("Idempotency-Key", key ?? Guid.NewGuid().ToString());
        return await client.SendAsync(request, Ct);
    }

    public static Task<HttpResponseMessage> ReserveAsync(HttpClient client, params (Part Part, int Quantity)[] lines) =>
        PostAsync(client, Reservations, new { lines = lines.Select(l => new { sku = l.Part.Sku, quantity = l.Quantity }) });

    public async Task<StockLevel?> LevelAsync(long partId, long warehouseId)
    {
        await using var scope = factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        return await db.Set<StockLevel>().AsNoTracking().FirstOrDefaultAsync(l => l.PartId == partId && l.WarehouseId == warehouseId, Ct);
    }

    public async Task<List<StockMovement>> MovementsAsync(long partId)
    {
        await using var scope = factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        return await db.Set<StockMovement>().AsNoTracking().Where(m => m.PartId == partId).OrderBy(m => m.Id).ToListAsync(Ct);
    }

    /// <summary>Events recorded for a part, by type.</summary>
    public async Task<List<JsonElement>> EventsAsync(string type, long partId)
    {
        await using var scope = factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        var payloads = await db.Set<OutboxMessage>().AsNoTracking().Where(m => m.Type == type)
            .OrderBy(m => m.OccurredAt).Select(m => m.Payload).ToListAsync(Ct);
        return [.. payloads.Select(p => JsonDocument.Parse(p).RootElement.Clone()).Where(p => p.GetProperty("partId").GetInt64() == partId)];
    }

    /// <summary>Asserts that every level of the part equals its ledger sums and its held reservations, and nothing is negative.</summary>
    public async Task AssertLedgerMatchesAsync(long partId)
    {
        await using var scope = factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        var levels = await db.Set<StockLevel>().AsNoTracking().Where(l => l.PartId == partId).ToListAsync(Ct);
        var movements = await db.Set<StockMovement>().AsNoTracking().Where(m => m.PartId == partId).ToListAsync(Ct);
        var held = await db.Set<ReservationLine>().AsNoTracking()
            .Where(l => l.PartId == partId && db.Set<Reservation>().Any(r => r.Id == l.ReservationId && (r.Status == ReservationStatus.Held || r.Status == ReservationStatus.Confirmed)))
            .ToListAsync(Ct);
        foreach (var level in levels)
        {
            var mine = movements.Where(m => m.WarehouseId == level.WarehouseId).ToList();
            Assert.Equal(level.OnHand, mine.Sum(m => m.DeltaOnHand));
            Assert.Equal(level.Reserved, mine.Sum(m => m.DeltaReserved));
            Assert.Equal(level.Reserved, held.Where(h => h.StockLevelId == level.Id).Sum(h => h.Quantity - h.ShippedQuantity));
            Assert.InRange(level.Reserved, 0, level.OnHand);
        }

        Assert.All(movements, m => Assert.Contains(levels, l => l.WarehouseId == m.WarehouseId));
    }
}
