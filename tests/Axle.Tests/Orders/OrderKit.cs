using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Axle.Api.Features.Catalog;
using Axle.Api.Features.Inventory;
using Axle.Api.Features.Orders;
using Axle.Api.Features.Payments;
using Axle.Api.Platform.Data;
using Axle.Api.Platform.Http;
using Axle.Api.Platform.Messaging;
using Axle.Tests.Carts;
using Axle.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Axle.Tests.Orders;

/// <summary>The app with US 5 % tax, shipping 5.00 + 1.50 per started kg, express +15.00, and a payment webhook secret.</summary>
public class OrderFactory : AxleFactory
{
    public const string WebhookSecret = "whsec_test_orders_0123456789abcdef";

    protected override IDictionary<string, string?> Overrides => new Dictionary<string, string?>
    {
        ["Tax:DefaultRatePercent"] = "0",
        ["Tax:Rates:0:Country"] = "US",
        ["Tax:Rates:0:RatePercent"] = "5",
        ["Shipping:FlatAmount"] = "5.00",
        ["Shipping:PerKgAmount"] = "1.50",
        ["Shipping:HazmatSurcharge"] = "0",
        ["Shipping:ExpressSurcharge"] = "15.00",
        ["Shipping:DefaultWeightGrams"] = "1000",
        ["Payments:WebhookSecret"] = WebhookSecret,
    };
}

/// <summary>The order app on a clock the test moves (tokens are issued before the clock moves).</summary>
public sealed class OrderClockFactory : OrderFactory
{
    public FakeTimeProvider Clock { get; } = new(DateTimeOffset.UtcNow);

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureTestServices(s => s.AddSingleton<TimeProvider>(Clock));
    }
}

/// <summary>Checkout calls, the payment webhook, and database reads for assertions.</summary>
internal sealed class OrderKit(AxleFactory factory)
{
    public const string OrdersUrl = "/api/v1/orders";

    public static CancellationToken Ct => TestContext.Current.CancellationToken;

    public CartKit Carts { get; } = new(factory);

    public static object Address(string country = "US", string region = "CA") =>
        new { name = "Ada Driver", line1 = "1 Main St", city = "Springfield", region, postalCode = "90210", country };

    public static object Body(long partId, int quantity, string token = "tok_visa", string? shippingMethod = null) =>
        new { items = new[] { new { partId, quantity } }, shippingAddress = Address(), payment = new { method = "card", token }, shippingMethod };

    public static Task<HttpResponseMessage> PlaceAsync(HttpClient client, object body, string? key = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, OrdersUrl) { Content = JsonContent.Create(body) };
        request.Headers.TryAddWithoutValidation("Idempotency-Key", key ?? Guid.NewGuid().ToString());
        return client.SendAsync(request, Ct);
    }

    public static async Task<JsonElement> PlaceOkAsync(HttpClient client, object body, HttpStatusCode expected = HttpStatusCode.Created) =>
        await (await PlaceAsync(client, body)).AssertJsonAsync(expected);

    /// <summary>Places and pays (tok_visa) an order for <paramref name="lines"/> shipped to <paramref name="region"/>, US.</summary>
    public static async Task<JsonElement> PlacePaidAsync(HttpClient customer, string region, params (Part Part, int Quantity)[] lines)
    {
        var order = await PlaceOkAsync(customer, new
        {
            items = lines.Select(l => new { partId = l.Part.Id, quantity = l.Quantity }),
            shippingAddress = Address(region: region),
            payment = new { method = "card", token = "tok_visa" },
        });
        Assert.Equal("paid", order.GetProperty("status").GetString());
        return order;
    }

    /// <summary>The id of the order's line of a part (kind <c>part</c> or <c>core_charge</c>).</summary>
    public static Guid Line(JsonElement order, long partId, string kind = "part") =>
        order.GetProperty("items").EnumerateArray()
            .Single(i => i.GetProperty("partId").GetInt64() == partId && i.GetProperty("kind").GetString() == kind)
            .GetProperty("id").GetGuid();

    /// <summary>Posts a gateway event signed with <paramref name="secret"/> at <paramref name="signedAt"/> (now when null).</summary>
    public static Task<HttpResponseMessage> WebhookAsync(
        HttpClient client, object evt, string secret = OrderFactory.WebhookSecret, DateTimeOffset? signedAt = null, string? header = null)
    {
        var body = JsonSerializer.SerializeToUtf8Bytes(evt);
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/payments/webhook")
        {
            Content = new ByteArrayContent(body) { Headers = { { "Content-Type", "application/json" } } },
        };
        request.Headers.TryAddWithoutValidation(StripeSignature.HeaderName,
            header ?? StripeSignature.Sign(secret, (signedAt ?? DateTimeOffset.UtcNow).ToUnixTimeSeconds(), body));
        return client.SendAsync(request, Ct);
    }

    public static object PaymentEvent(string type, Guid orderId, string? id = null) => new
    {
        id = id ?? "evt_" + Guid.NewGuid().ToString("N"),
        type,
        data = new { @object = new { id = "pi_" + Guid.NewGuid().ToString("N"), metadata = new { order_id = orderId.ToString() } } },
    };

    public async Task<T> DbAsync<T>(Func<AppDbContext, Task<T>> read)
    {
        await using var scope = factory.Services.CreateAsyncScope();
        return await read(scope.ServiceProvider.GetRequiredService<AppDbContext>());
    }

    public Task<Order?> OrderAsync(Guid id) =>
        DbAsync(db => db.Set<Order>().AsNoTracking().Include(o => o.Items).Include(o => o.History).FirstOrDefaultAsync(o => o.Id == id, Ct));

    public Task<Payment?> PaymentAsync(Guid orderId) =>
        DbAsync(db => db.Set<Payment>().AsNoTracking().FirstOrDefaultAsync(p => p.OrderId == orderId, Ct));

    public Task<Reservation?> ReservationAsync(Guid orderId) =>
        DbAsync(db => db.Set<Reservation>().AsNoTracking().FirstOrDefaultAsync(r => r.ReferenceType == "order" && r.ReferenceId == orderId.ToString(), Ct));

    /// <summary>(on hand, reserved) over every warehouse of the part.</summary>
    public Task<(int OnHand, int Reserved)> StockAsync(long partId) =>
        DbAsync(async db =>
        {
            var levels = await db.Set<StockLevel>().AsNoTracking().Where(l => l.PartId == partId).ToListAsync(Ct);
            return (levels.Sum(l => l.OnHand), levels.Sum(l => l.Reserved));
        });

    public Task<List<string>> EventTypesAsync(Guid orderId) =>
        DbAsync(async db => (await db.Set<OutboxMessage>().AsNoTracking().Where(m => m.Type.StartsWith("order.")).ToListAsync(Ct))
            .Where(m => m.Payload.Contains(orderId.ToString(), StringComparison.Ordinal)).OrderBy(m => m.OccurredAt).ThenBy(m => m.Id).Select(m => m.Type).ToList());

    public Task<int> OrderCountAsync(Guid userId) => DbAsync(db => db.Set<Order>().CountAsync(o => o.UserId == userId, Ct));

    public static string Text(JsonElement e, string name) => e.GetProperty(name).GetString()!;

    public static decimal Amount(JsonElement e, string total) => e.GetProperty("totals").GetProperty(total).GetProperty("amount").GetDecimal();

    public static StringContent Json(string raw) => new(raw, Encoding.UTF8, "application/json");
}
