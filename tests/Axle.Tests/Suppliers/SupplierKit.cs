using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Axle.Api.Features.Catalog;
using Axle.Api.Features.Inventory;
using Axle.Api.Features.Suppliers;
using Axle.Api.Platform.Data;
using Axle.Api.Platform.Http;
using Axle.Api.Platform.Messaging;
using Axle.Api.Platform.Security;
using Axle.Tests.Infrastructure;
using Axle.Tests.Inventory;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Axle.Tests.Suppliers;

/// <summary>A supplier made through the API: its id, code, signing secret and the warehouses it owns.</summary>
internal sealed record TestSupplier(long Id, string Code, string Secret, IReadOnlyList<(long Id, string Code)> Warehouses)
{
    public string WarehouseCode => Warehouses[0].Code;

    public long WarehouseId => Warehouses[0].Id;
}

/// <summary>
/// Builds what a supplier test needs — suppliers with warehouses, parts, signed pushes — through the API, drives the inbox
/// worker one iteration at a time, and reads the database back for assertions.
/// </summary>
internal sealed class SupplierKit(AxleFactory factory)
{
    public const string Suppliers = "/api/v1/suppliers";
    public const string Updates = "/api/v1/inventory/updates";
    public const string DeadLetters = "/api/v1/dead-letters";

    private static int _suppliers;

    public InventoryKit Inventory { get; } = new(factory);

    public HttpClient Admin { get; } = factory.CreateUserClient(roles: Roles.Admin);

    public HttpClient Anonymous { get; } = factory.CreateClient();

    public static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>A supplier owning <paramref name="warehouses"/> fresh warehouses; <paramref name="extra"/> members join the create body.</summary>
    public async Task<TestSupplier> SupplierAsync(int warehouses = 1, IDictionary<string, object?>? extra = null)
    {
        var list = new List<(long, string)>();
        for (var i = 0; i < warehouses; i++)
        {
            var id = await Inventory.WarehouseAsync();
            list.Add((id, await WarehouseCodeAsync(id)));
        }

        var code = $"SUP{Interlocked.Increment(ref _suppliers)}-{Guid.NewGuid().ToString("N")[..6].ToUpperInvariant()}";
        var body = new Dictionary<string, object?>
        {
            ["code"] = code,
            ["name"] = "Supplier " + code,
            ["webhook"] = true,
            ["warehouses"] = list.Select(w => w.Item2).ToArray(),
        };
        foreach (var (key, value) in extra ?? new Dictionary<string, object?>())
        {
            body[key] = value;
        }

        var created = await (await Admin.PostAsJsonAsync(Suppliers, body, Ct)).AssertJsonAsync(HttpStatusCode.Created);
        return new TestSupplier(created.GetProperty("id").GetInt64(), code, created.GetProperty("webhookSecret").GetString()!, list);
    }

    public Task<Part> PartAsync(string name = "Brake pads") => Inventory.PartAsync(name);

    /// <summary>A push event in Axle's format; <paramref name="at"/> defaults to a minute ago.</summary>
    public static Dictionary<string, object?> Event(
        string warehouseCode, string? sku = null, string? supplierPartNumber = null, int? quantity = null, int? delta = null,
        DateTime? at = null, string? eventId = null, object? price = null)
    {
        var e = new Dictionary<string, object?>
        {
            ["eventId"] = eventId ?? "evt_" + Guid.NewGuid().ToString("N"),
            ["warehouseCode"] = warehouseCode,
            ["occurredAt"] = (at ?? DateTime.UtcNow.AddMinutes(-1)).ToString("O"),
        };
        if (sku is not null)
        {
            e["sku"] = sku;
        }

        if (supplierPartNumber is not null)
        {
            e["supplierPartNumber"] = supplierPartNumber;
        }

        if (quantity is not null)
        {
            e["quantity"] = quantity;
        }

        if (delta is not null)
        {
            e["delta"] = delta;
        }

        if (price is not null)
        {
            e["price"] = price;
        }

        return e;
    }

    /// <summary>Posts <paramref name="body"/> signed with <paramref name="secret"/> (the supplier's unless given).</summary>
    public async Task<HttpResponseMessage> PushRawAsync(
        string body, string secret, string? webhookId = null, DateTimeOffset? timestamp = null, string? signature = null)
    {
        var id = webhookId ?? "msg_" + Guid.NewGuid().ToString("N");
        var ts = (timestamp ?? DateTimeOffset.UtcNow).ToUnixTimeSeconds();
        var bytes = Encoding.UTF8.GetBytes(body);
        using var request = new HttpRequestMessage(HttpMethod.Post, Updates) { Content = new ByteArrayContent(bytes) };
        request.Content.Headers.ContentType = new("application/json");
        request.Headers.TryAddWithoutValidation(StandardWebhookSignature.IdHeader, id);
        request.Headers.TryAddWithoutValidation(StandardWebhookSignature.TimestampHeader, ts.ToString(System.Globalization.CultureInfo.InvariantCulture));
        request.Headers.TryAddWithoutValidation(StandardWebhookSignature.SignatureHeader, signature ?? StandardWebhookSignature.Sign(secret, id, ts, bytes));
        return await Anonymous.SendAsync(request, Ct);
    }

    public Task<HttpResponseMessage> PushAsync(TestSupplier supplier, IEnumerable<object> events, string? webhookId = null) =>
        PushRawAsync(JsonSerializer.Serialize(new { supplierId = supplier.Id, events }), supplier.Secret, webhookId);

    /// <summary>Pushes, expects 202, and applies the inbox.</summary>
    public async Task PushAndApplyAsync(TestSupplier supplier, params object[] events)
    {
        var response = await PushAsync(supplier, events);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        await ApplyInboxAsync();
    }

    /// <summary>Runs the inbox worker until nothing is left to apply.</summary>
    public async Task<int> ApplyInboxAsync()
    {
        var worker = factory.Services.GetRequiredService<SupplierInboxWorker>();
        var total = 0;
        for (var i = 0; i < 20; i++)
        {
            var handled = await worker.RunOnceAsync(Ct);
            total += handled;
            if (handled == 0)
            {
                break;
            }
        }

        return total;
    }

    public async Task<T> DbAsync<T>(Func<AppDbContext, Task<T>> read)
    {
        await using var scope = factory.Services.CreateAsyncScope();
        return await read(scope.ServiceProvider.GetRequiredService<AppDbContext>());
    }

    public Task<StockLevel?> LevelAsync(long partId, long warehouseId) => Inventory.LevelAsync(partId, warehouseId);

    public Task<List<DeadLetter>> DeadLettersAsync(long supplierId) =>
        DbAsync(db => db.Set<DeadLetter>().AsNoTracking().Where(d => d.SupplierId == supplierId).OrderBy(d => d.CreatedAt).ToListAsync(Ct));

    private Task<string> WarehouseCodeAsync(long id) =>
        DbAsync(db => db.Set<Warehouse>().Where(w => w.Id == id).Select(w => w.Code).FirstAsync(Ct));
}
