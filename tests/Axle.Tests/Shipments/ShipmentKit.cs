using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Axle.Api.Features.Catalog;
using Axle.Api.Features.Inventory;
using Axle.Api.Platform.Data;
using Axle.Api.Platform.Http;
using Axle.Api.Platform.Security;
using Axle.Tests.Catalog;
using Axle.Tests.Infrastructure;
using Axle.Tests.Inventory;
using Axle.Tests.Orders;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Axle.Tests.Shipments;

/// <summary>The app with a carrier webhook secret configured.</summary>
public sealed class ShipmentFactory : AxleFactory
{
    public const string CarrierSecret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

    protected override IDictionary<string, string?> Overrides => new Dictionary<string, string?>
    {
        ["Shipments:CarrierWebhookSecrets:0"] = CarrierSecret,
    };
}

/// <summary>Parts stocked in chosen warehouses, paid orders, shipments and signed carrier pushes.</summary>
internal sealed class ShipmentKit(AxleFactory factory)
{
    public const string Events = "/api/v1/shipments/events";

    public static CancellationToken Ct => TestContext.Current.CancellationToken;

    public CatalogSeed Catalog { get; } = new(factory);

    public InventoryKit Inventory { get; } = new(factory);

    public HttpClient Manager { get; } = factory.CreateUserClient(Roles.OrderManager);

    private (Brand Brand, Category Category)? _taxonomy;

    /// <summary>A part with <paramref name="stock"/> units in <paramref name="warehouseId"/>.</summary>
    public async Task<Part> PartAsync(long warehouseId, int stock, long coreCharge = 0)
    {
        _taxonomy ??= (await Catalog.BrandAsync(), await Catalog.CategoryAsync("Brakes"));
        var part = await Catalog.PartAsync(_taxonomy.Value.Brand, _taxonomy.Value.Category, "Part " + Catalog.Tag,
            configure: p => p.Describe(null, coreCharge, false, null, null, null, null));
        await Inventory.StockAsync(part, warehouseId, stock);
        return part;
    }

    /// <summary>Places and pays an order for <paramref name="lines"/>; returns the 201 body.</summary>
    public static Task<JsonElement> PlaceOrderAsync(HttpClient customer, params (Part Part, int Quantity)[] lines) =>
        OrderKit.PlacePaidAsync(customer, "TX", lines);

    public static Guid Id(JsonElement order) => order.GetProperty("id").GetGuid();

    /// <summary>The id of the order's part line for <paramref name="part"/>.</summary>
    public static Guid Line(JsonElement order, Part part) => OrderKit.Line(order, part.Id);

    public static Task<HttpResponseMessage> ShipAsync(
        HttpClient client, Guid orderId, long warehouseId, string trackingNumber, params (Guid OrderItemId, int Quantity)[] items) =>
        client.PostAsJsonAsync($"/api/v1/orders/{orderId}/shipments", new
        {
            warehouseId,
            carrier = "UPS",
            trackingNumber,
            items = items.Select(i => new { orderItemId = i.OrderItemId, quantity = i.Quantity }),
        }, Ct);

    public static string Tracking() => "1Z" + Guid.NewGuid().ToString("N")[..16].ToUpperInvariant();

    public static object Event(string trackingNumber, string status, DateTime occurredAt, string? eventId = null) => new
    {
        eventId = eventId ?? "evt_" + Guid.NewGuid().ToString("N"),
        carrier = "ups",
        trackingNumber,
        status,
        occurredAt = occurredAt.ToString("O", CultureInfo.InvariantCulture),
        location = "Austin, TX",
        description = status.Replace('_', ' '),
    };

    /// <summary>Posts carrier events signed like a Standard Webhooks sender, with <paramref name="secret"/> at <paramref name="at"/>.</summary>
    public Task<HttpResponseMessage> PostSignedAsync(object[] events, string secret = ShipmentFactory.CarrierSecret, DateTimeOffset? at = null)
    {
        var body = Encoding.UTF8.GetBytes(JsonSerializer.Serialize(new { events }));
        var id = "msg_" + Guid.NewGuid().ToString("N");
        var timestamp = (at ?? DateTimeOffset.UtcNow).ToUnixTimeSeconds();
        return PostRawAsync(factory.CreateClient(), body, new Dictionary<string, string>
        {
            [StandardWebhookSignature.IdHeader] = id,
            [StandardWebhookSignature.TimestampHeader] = timestamp.ToString(CultureInfo.InvariantCulture),
            [StandardWebhookSignature.SignatureHeader] = StandardWebhookSignature.Sign(secret, id, timestamp, body),
        });
    }

    public static async Task<HttpResponseMessage> PostRawAsync(HttpClient client, byte[] body, IDictionary<string, string> headers)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, Events) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new("application/json");
        foreach (var (name, value) in headers)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        return await client.SendAsync(request, Ct);
    }

    /// <summary>The per-event results of a 200 answer, in order.</summary>
    public static async Task<string[]> ResultsAsync(HttpResponseMessage response) =>
        [.. (await response.AssertJsonAsync(HttpStatusCode.OK)).GetProperty("results").EnumerateArray().Select(r => r.GetProperty("result").GetString()!)];

    public async Task<JsonElement> StatusAsync(Guid orderId) =>
        await (await Manager.GetAsync($"/api/v1/orders/{orderId}/status", Ct)).AssertJsonAsync(HttpStatusCode.OK);

    public async Task<Reservation> ReservationOfAsync(Guid orderId)
    {
        await using var scope = factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        var reservationId = await db.Set<Api.Features.Orders.Order>().Where(o => o.Id == orderId).Select(o => o.ReservationId).SingleAsync(Ct);
        return await db.Set<Reservation>().AsNoTracking().Include(r => r.Lines).SingleAsync(r => r.Id == reservationId, Ct);
    }

    public async Task<ReconciliationReport> ReconcileAsync()
    {
        await using var scope = factory.Services.CreateAsyncScope();
        return await ActivatorUtilities.CreateInstance<StockReconciliation>(scope.ServiceProvider).RunAsync(Ct);
    }
}

internal static class ShipmentAssertions
{
    /// <summary>
    /// A 409 problem with <paramref name="code"/>. Not <see cref="HttpAssertions.AssertProblemAsync"/>: the orders feature's
    /// illegal_transition problem carries a <c>status</c> extension (the order's state) that shadows the numeric member.
    /// </summary>
    public static async Task AssertConflictAsync(this HttpResponseMessage response, string code)
    {
        var body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.True(response.StatusCode == HttpStatusCode.Conflict, $"Expected 409 but got {(int)response.StatusCode}: {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(code, JsonDocument.Parse(body).RootElement.GetProperty("code").GetString());
    }
}
