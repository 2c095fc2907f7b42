using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace Axle.Bench.Inventory;

/// <summary>The inventory calls the reservation benchmarks make while preparing and checking, as a signed-in admin.</summary>
internal static class InventoryApi
{
    public const string ReservationsPath = "/api/v1/inventory/reservations";

    /// <summary>A one-line reservation of <paramref name="quantity"/> units of <paramref name="sku"/> with a fresh Idempotency-Key.</summary>
    public static HttpRequestMessage Reservation(string sku, int quantity)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, ReservationsPath)
        {
            Content = new StringContent(
                string.Create(CultureInfo.InvariantCulture, $$"""{"lines":[{"sku":"{{sku}}","quantity":{{quantity}}}]}"""),
                Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString("N"));
        return request;
    }

    public static async Task<long> CreateWarehouseAsync(HttpClient client, string code, CancellationToken ct)
    {
        var body = new
        {
            code,
            name = $"Bench {code}",
            address = new { line1 = "1 Bench Way", city = "Dallas", region = "TX", postalCode = "75212", country = "US" },
        };
        var created = await SendAsync(client, HttpMethod.Post, "/api/v1/warehouses", body, idempotent: false, ct);
        return created.GetProperty("id").GetInt64();
    }

    /// <summary>A new active part under an existing category, so no other warehouse holds stock of it.</summary>
    public static async Task<long> CreatePartAsync(HttpClient client, string sku, string category, CancellationToken ct)
    {
        var body = new
        {
            sku,
            partNumber = sku.Replace("-", "", StringComparison.Ordinal),
            brand = "Axle Bench",
            category,
            name = "Hot-SKU race part",
            price = new { amount = 9.99m, currency = "USD" },
        };
        var created = await SendAsync(client, HttpMethod.Post, "/api/v1/parts", body, idempotent: true, ct);
        return created.GetProperty("id").GetInt64();
    }

    /// <summary>Receives <paramref name="quantity"/> units into a level (reason <c>received</c>, one ledger movement).</summary>
    public static Task<JsonElement> ReceiveAsync(HttpClient client, string sku, long warehouseId, int quantity, CancellationToken ct) =>
        SendAsync(client, HttpMethod.Post, "/api/v1/inventory/adjustments",
            new { sku, warehouseId, delta = quantity, reason = "received", note = "bench stock" }, idempotent: true, ct);

    /// <summary><c>GET /api/v1/inventory/{sku}</c>: the totals over every warehouse.</summary>
    public static async Task<(int OnHand, int Reserved, int Available)> TotalsAsync(HttpClient client, string sku, CancellationToken ct)
    {
        var stock = await SendAsync(client, HttpMethod.Get, $"/api/v1/inventory/{Uri.EscapeDataString(sku)}", null, idempotent: false, ct);
        var totals = stock.GetProperty("totals");
        return (totals.GetProperty("onHand").GetInt32(), totals.GetProperty("reserved").GetInt32(), totals.GetProperty("available").GetInt32());
    }

    /// <summary>The problem's stable <c>code</c>, or null when the body is not a problem with one.</summary>
    public static string? ProblemCode(string body)
    {
        try
        {
            using var json = JsonDocument.Parse(body);
            return json.RootElement.ValueKind == JsonValueKind.Object && json.RootElement.TryGetProperty("code", out var code)
                ? code.GetString()
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static async Task<JsonElement> SendAsync(
        HttpClient client, HttpMethod method, string path, object? body, bool idempotent, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null)
        {
            request.Content = JsonContent.Create(body);
        }

        if (idempotent)
        {
            request.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString("N"));
        }

        using var response = await client.SendAsync(request, ct);
        var text = await response.Content.ReadAsStringAsync(ct);
        if (response.StatusCode is not (HttpStatusCode.OK or HttpStatusCode.Created))
        {
            throw new HttpRequestException($"{method} {path} answered {(int)response.StatusCode}: {text}");
        }

        using var json = JsonDocument.Parse(text);
        return json.RootElement.Clone();
    }
}
