using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Axle.Bench.Inventory;
using Axle.Bench.Load;
using Npgsql;

namespace Axle.Bench.Reliability;

/// <summary>A signed-in customer: their id (for the cart routes) and access token.</summary>
internal sealed record Customer(int Index, Guid UserId, string Token);

/// <summary>
/// What the reliability drivers set up through the API before loading it, all as the bootstrap admin: a warehouse with
/// parts that have plenty of stock (orders, carts and reservations draw on them), a webhook supplier owning its own
/// warehouse with parts of its own (pushes add to those, so orders never compete with them), and customers.
/// </summary>
internal sealed class Shop
{
    public const string CustomerPassword = "Rotor-Quartz-8812!q";

    private Shop(HttpClient client, string adminToken, string tag)
    {
        Client = client;
        AdminToken = adminToken;
        Tag = tag;
    }

    /// <summary>One client for every caller; each request carries its caller's token.</summary>
    public HttpClient Client { get; }

    public string AdminToken { get; }

    public string Tag { get; }

    public List<long> OrderParts { get; } = [];

    public List<string> OrderSkus { get; } = [];

    public List<string> PushSkus { get; } = [];

    public string PushWarehouse { get; private set; } = "";

    public long SupplierId { get; private set; }

    public string SupplierSecret { get; private set; } = "";

    public List<Customer> Customers { get; } = [];

    public static async Task<Shop> CreateAsync(
        HttpClient client, string connection, string email, string password, int orderParts, int pushParts, int customers,
        TextWriter log, CancellationToken ct)
    {
        var token = await ApiSignIn.AccessTokenAsync(client, email, password, ct);
        var tag = DateTime.UtcNow.ToString("HHmmss", CultureInfo.InvariantCulture) + Random.Shared.Next(100, 999).ToString(CultureInfo.InvariantCulture);
        var shop = new Shop(client, token, tag);
        // The staff calls below go through the existing bench helpers, which use the client's default header.
        using var admin = new HttpClient(new SocketsHttpHandler { UseProxy = false }) { BaseAddress = client.BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
        admin.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);

        var category = await FirstCategoryAsync(connection, ct);
        var warehouse = await InventoryApi.CreateWarehouseAsync(admin, $"REL-{tag}", ct);
        for (var i = 0; i < orderParts; i++)
        {
            var sku = $"REL-{tag}-O{i}";
            shop.OrderParts.Add(await InventoryApi.CreatePartAsync(admin, sku, category, ct));
            shop.OrderSkus.Add(sku);
            await InventoryApi.ReceiveAsync(admin, sku, warehouse, 1_000_000, ct);
        }

        shop.PushWarehouse = $"RELP-{tag}";
        await InventoryApi.CreateWarehouseAsync(admin, shop.PushWarehouse, ct);
        for (var i = 0; i < pushParts; i++)
        {
            var sku = $"REL-{tag}-P{i}";
            await InventoryApi.CreatePartAsync(admin, sku, category, ct);
            shop.PushSkus.Add(sku);
        }

        using var created = await admin.PostAsJsonAsync("/api/v1/suppliers",
            new { code = "REL-" + tag, name = "Reliability supplier " + tag, webhook = true, warehouses = new[] { shop.PushWarehouse } }, ct);
        created.EnsureSuccessStatusCode();
        var supplier = await created.Content.ReadFromJsonAsync<JsonElement>(ct);
        shop.SupplierId = supplier.GetProperty("id").GetInt64();
        shop.SupplierSecret = supplier.GetProperty("webhookSecret").GetString()!;

        for (var i = 0; i < customers; i++)
        {
            var customerEmail = $"rel-{tag}-{i}@axle.test";
            using var registered = await client.PostAsJsonAsync("/api/v1/auth/register",
                new { email = customerEmail, password = CustomerPassword, name = $"Reliability customer {i}" }, ct);
            if (!registered.IsSuccessStatusCode)
            {
                throw new HttpRequestException($"register answered {(int)registered.StatusCode}: {await registered.Content.ReadAsStringAsync(ct)}");
            }

            var user = await registered.Content.ReadFromJsonAsync<JsonElement>(ct);
            shop.Customers.Add(new Customer(i, user.GetProperty("id").GetGuid(),
                await ApiSignIn.AccessTokenAsync(client, customerEmail, CustomerPassword, ct)));
        }

        await log.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"shop {tag}: {orderParts} parts × 1,000,000 units in REL-{tag}; supplier {shop.SupplierId} pushing to {pushParts} parts in {shop.PushWarehouse}; {customers} customers"));
        return shop;
    }

    /// <summary>An admin token again, e.g. after a restart if the signing key had changed (it does not: the data directory is kept).</summary>
    public HttpRequestMessage AsAdmin(HttpRequestMessage request)
    {
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", AdminToken);
        return request;
    }

    private static async Task<string> FirstCategoryAsync(string connection, CancellationToken ct)
    {
        await using var db = new NpgsqlConnection(connection);
        await db.OpenAsync(ct);
        var names = await BenchDatabase.ListAsync(db, """SELECT "Name" FROM categories ORDER BY "Id" DESC LIMIT 1""", r => r.GetString(0), ct);
        return names.FirstOrDefault() ?? throw new UsageException("The database has no categories; run `generate` first.");
    }
}
