using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Axle.Api.Features.Catalog;
using Axle.Api.Features.Identity;
using Axle.Api.Features.Promotions;
using Axle.Api.Platform.Data;
using Axle.Api.Platform.Security;
using Axle.Tests.Carts;
using Axle.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Axle.Tests.Promotions;

/// <summary>Promotions through the admin API, parts of chosen brands and categories, users with garages, and engine calls.</summary>
internal sealed class PromotionKit(AxleFactory factory)
{
    public const string Url = "/api/v1/promotions";

    public static CancellationToken Ct => TestContext.Current.CancellationToken;

    public HttpClient Admin { get; } = factory.CreateUserClient(Roles.Admin);

    public CartKit Carts { get; } = new(factory);

    private long? _warehouse;

    /// <summary>A unique code for this test run.</summary>
    public static string Code(string prefix = "P") => prefix + Guid.NewGuid().ToString("N")[..12].ToUpperInvariant();

    /// <summary>A valid create body (10 % off, no limits) with <paramref name="change"/> applied.</summary>
    public static Dictionary<string, object?> Terms(string code, Action<Dictionary<string, object?>>? change = null)
    {
        var body = new Dictionary<string, object?>
        {
            ["code"] = code,
            ["name"] = "Promotion " + code,
            ["kind"] = "percent",
            ["percentOff"] = 10m,
        };
        change?.Invoke(body);
        return body;
    }

    public static object Usd(decimal amount) => new { amount, currency = "USD" };

    public async Task<JsonElement> CreateAsync(string code, Action<Dictionary<string, object?>>? change = null) =>
        await (await Admin.PostAsJsonAsync(Url, Terms(code, change), Ct)).AssertJsonAsync(HttpStatusCode.Created);

    public static Guid Id(JsonElement promotion) => promotion.GetProperty("id").GetGuid();

    /// <summary>A stocked part of <paramref name="brand"/> in <paramref name="category"/>.</summary>
    public async Task<Part> PartAsync(Brand brand, Category category, long priceMinor)
    {
        var part = await Carts.Catalog.PartAsync(brand, category, "Part " + Carts.Catalog.Tag, priceMinor);
        _warehouse ??= await Carts.Inventory.WarehouseAsync();
        await Carts.Inventory.StockAsync(part, _warehouse.Value, 50);
        return part;
    }

    /// <summary>A registered customer, straight in the database, with the given garage vehicles.</summary>
    public async Task<Guid> UserAsync(params (int Year, string Make, string Model)[] garage)
    {
        await using var scope = factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        var now = DateTime.UtcNow;
        var user = new User($"promo-{Guid.NewGuid():N}@axle.test", "Promo", now);
        db.Add(user);
        foreach (var (year, make, model) in garage)
        {
            db.Add(new GarageVehicle(user.Id, year, make, model, null, null, null, null, now));
        }

        await db.SaveChangesAsync(Ct);
        return user.Id;
    }

    /// <summary>One <see cref="PromotionEngine.TryRedeemAsync"/> in its own scope and transaction, committed when it succeeds.</summary>
    public async Task<bool> RedeemAsync(Guid promotionId, Guid userId, Guid orderId)
    {
        await using var scope = factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        var engine = scope.ServiceProvider.GetRequiredService<PromotionEngine>();
        await using var transaction = await db.Database.BeginTransactionAsync(Ct);
        if (!await engine.TryRedeemAsync(db, promotionId, userId, orderId, 100, Ct))
        {
            await transaction.RollbackAsync(Ct);
            return false;
        }

        await transaction.CommitAsync(Ct);
        return true;
    }

    public async Task ReleaseAsync(Guid orderId)
    {
        await using var scope = factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        await using var transaction = await db.Database.BeginTransactionAsync(Ct);
        await scope.ServiceProvider.GetRequiredService<PromotionEngine>().ReleaseAsync(db, orderId, Ct);
        await transaction.CommitAsync(Ct);
    }

    /// <summary>The global counter, the customer's counter and the redemption rows as stored.</summary>
    public async Task<(int Global, int Customer, int Rows)> CountersAsync(Guid promotionId, Guid userId)
    {
        await using var scope = factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        var global = await db.Set<Promotion>().Where(p => p.Id == promotionId).Select(p => p.RedemptionCount).SingleAsync(Ct);
        var customer = await db.Set<PromotionCustomerUsage>().Where(u => u.PromotionId == promotionId && u.UserId == userId)
            .Select(u => u.Count).FirstOrDefaultAsync(Ct);
        var rows = await db.Set<PromotionRedemption>().CountAsync(r => r.PromotionId == promotionId, Ct);
        return (global, customer, rows);
    }

    public async Task<PromotionRedemption> RedemptionAsync(Guid promotionId, Guid orderId)
    {
        await using var scope = factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        return await db.Set<PromotionRedemption>().AsNoTracking().SingleAsync(r => r.PromotionId == promotionId && r.OrderId == orderId, Ct);
    }

    public static Task<HttpResponseMessage> ApplyAsync(HttpClient client, Guid userId, string code) =>
        client.PostAsJsonAsync($"{CartKit.CartUrl(userId)}/promotions", new { code }, Ct);

    public static JsonElement Promotion(JsonElement cart) => cart.GetProperty("promotion");

    public static decimal Total(JsonElement cart, string name) => CartKit.Amount(cart.GetProperty("totals").GetProperty(name));
}
