using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Axle.Api.Features.Carts;
using Axle.Api.Features.Catalog;
using Axle.Api.Platform.Data;
using Axle.Tests.Catalog;
using Axle.Tests.Infrastructure;
using Axle.Tests.Inventory;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Axle.Tests.Carts;

/// <summary>
/// The app with known tax and shipping rules: US 5 %, Texas 8.25 %, elsewhere 0; shipping 5.00 + 1.50 per started kg,
/// free from 500.00, hazmat surcharge 10.00.
/// </summary>
public sealed class CartFactory : AxleFactory
{
    protected override IDictionary<string, string?> Overrides => new Dictionary<string, string?>
    {
        ["Tax:DefaultRatePercent"] = "0",
        ["Tax:Rates:0:Country"] = "US",
        ["Tax:Rates:0:RatePercent"] = "5",
        ["Tax:Rates:1:Country"] = "US",
        ["Tax:Rates:1:Region"] = "TX",
        ["Tax:Rates:1:RatePercent"] = "8.25",
        ["Shipping:FlatAmount"] = "5.00",
        ["Shipping:PerKgAmount"] = "1.50",
        ["Shipping:FreeShippingThreshold"] = "500.00",
        ["Shipping:HazmatSurcharge"] = "10.00",
        ["Shipping:DefaultWeightGrams"] = "1000",
    };
}

/// <summary>Parts with stock (through the inventory API), cart calls, and database reads for assertions.</summary>
internal sealed class CartKit(AxleFactory factory)
{
    public static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static string CartUrl(Guid userId) => $"/api/v1/carts/{userId}";

    public CatalogSeed Catalog { get; } = new(factory);

    public InventoryKit Inventory { get; } = new(factory);

    private (Brand Brand, Category Category)? _taxonomy;
    private long? _warehouse;

    /// <summary>A part priced <paramref name="priceMinor"/> with <paramref name="stock"/> units in one warehouse (none when 0).</summary>
    public async Task<Part> PartAsync(
        long priceMinor = 1000, int stock = 10, string? partNumber = null, long coreCharge = 0, bool hazmat = false,
        int? weightGrams = null)
    {
        _taxonomy ??= (await Catalog.BrandAsync(), await Catalog.CategoryAsync("Brakes"));
        var part = await Catalog.PartAsync(_taxonomy.Value.Brand, _taxonomy.Value.Category, "Part " + Catalog.Tag, priceMinor, partNumber,
            configure: p => p.Describe(null, coreCharge, hazmat, weightGrams, null, null, null));
        if (stock > 0)
        {
            _warehouse ??= await Inventory.WarehouseAsync();
            await Inventory.StockAsync(part, _warehouse.Value, stock);
        }

        return part;
    }

    public static async Task<(JsonElement Cart, string ETag)> GetAsync(HttpClient client, Guid userId)
    {
        var response = await client.GetAsync(CartUrl(userId), Ct);
        var body = await response.AssertJsonAsync(HttpStatusCode.OK);
        return (body, response.Headers.ETag!.ToString());
    }

    public static Task<HttpResponseMessage> AddAsync(HttpClient client, Guid userId, long partId, int quantity) =>
        client.PostAsJsonAsync($"{CartUrl(userId)}/items", new { partId, quantity }, Ct);

    public static async Task<JsonElement> AddOkAsync(HttpClient client, Guid userId, long partId, int quantity) =>
        await (await AddAsync(client, userId, partId, quantity)).AssertJsonAsync(HttpStatusCode.Created);

    /// <summary>Sends a write with If-Match set to <paramref name="etag"/> (none when null).</summary>
    public static Task<HttpResponseMessage> SendAsync(HttpClient client, HttpMethod method, string url, object? body, string? etag)
    {
        var request = new HttpRequestMessage(method, url) { Content = body is null ? null : JsonContent.Create(body) };
        if (etag is not null)
        {
            request.Headers.TryAddWithoutValidation("If-Match", etag);
        }

        return client.SendAsync(request, Ct);
    }

    /// <summary>GETs the cart for its ETag, then sends the write with it.</summary>
    public static async Task<HttpResponseMessage> WriteAsync(HttpClient client, HttpMethod method, Guid userId, string path, object? body)
    {
        var (_, etag) = await GetAsync(client, userId);
        return await SendAsync(client, method, CartUrl(userId) + path, body, etag);
    }

    public static JsonElement Line(JsonElement cart, long partId) =>
        cart.GetProperty("items").EnumerateArray().Single(i => i.GetProperty("partId").GetInt64() == partId);

    public static decimal Amount(JsonElement money) => money.GetProperty("amount").GetDecimal();

    public async Task<Cart?> CartInDbAsync(Guid userId)
    {
        await using var scope = factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        return await db.Set<Cart>().AsNoTracking().Include(c => c.Items).FirstOrDefaultAsync(c => c.UserId == userId, Ct);
    }

    public async Task WithDbAsync(Func<AppDbContext, Task> action)
    {
        await using var scope = factory.Services.CreateAsyncScope();
        await action(scope.ServiceProvider.GetRequiredService<AppDbContext>());
        await CatalogCache.InvalidateAsync(scope.ServiceProvider, Ct);
    }
}
