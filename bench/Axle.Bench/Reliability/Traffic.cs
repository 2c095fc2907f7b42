using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Axle.Bench.Inventory;
using Axle.Bench.Orders;
using Axle.SupplierSim;

namespace Axle.Bench.Reliability;

/// <summary>One answer (or its absence): status 0 means a transport failure (refused, reset, timed out).</summary>
internal readonly record struct Outcome(int Status, double Ms, string Body, string? ContentType, string? Error)
{
    public bool Transport => Status == 0;

    public bool Success => Status is >= 200 and < 300;

    public string? ProblemCode => InventoryApi.ProblemCode(Body);

    public string Label => Transport ? "transport" : Status.ToString(CultureInfo.InvariantCulture);
}

/// <summary>Counts answers by phase, kind of request and status, and keeps a few samples of answers that break a rule.</summary>
internal sealed class Recorder
{
    private readonly ConcurrentDictionary<string, long> _counts = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<string> _violations = new();
    private int _violationCount;

    /// <summary>The phase requests are counted under; the driver moves it on (e.g. before → outage → after).</summary>
    public volatile string Phase = "load";

    public void Count(string phase, string kind, Outcome outcome) =>
        _counts.AddOrUpdate($"{phase}|{kind}|{outcome.Label}", 1, static (_, n) => n + 1);

    public void Violation(string text)
    {
        if (Interlocked.Increment(ref _violationCount) <= 25)
        {
            _violations.Enqueue(text);
        }
    }

    public int ViolationCount => Volatile.Read(ref _violationCount);

    public IReadOnlyList<string> Violations => [.. _violations];

    /// <summary>phase → kind → status → count.</summary>
    public SortedDictionary<string, SortedDictionary<string, SortedDictionary<string, long>>> Table()
    {
        var table = new SortedDictionary<string, SortedDictionary<string, SortedDictionary<string, long>>>(StringComparer.Ordinal);
        foreach (var (key, count) in _counts)
        {
            var parts = key.Split('|');
            if (!table.TryGetValue(parts[0], out var kinds))
            {
                table[parts[0]] = kinds = new(StringComparer.Ordinal);
            }

            if (!kinds.TryGetValue(parts[1], out var statuses))
            {
                kinds[parts[1]] = statuses = new(StringComparer.Ordinal);
            }

            statuses[parts[2]] = count;
        }

        return table;
    }

    public long Sum(Func<string, string, string, bool> where) =>
        _counts.Where(p => p.Key.Split('|') is var k && where(k[0], k[1], k[2])).Sum(p => p.Value);
}

/// <summary>An order the client sent: its key and lines, and the last answer it got for them.</summary>
internal sealed record SentOrder(string Key, int Customer, long[] Parts, int Status, Guid? OrderId, int Attempts);

/// <summary>A push the client sent: its webhook-id, the SKU its one event moves by +1, and whether it was acknowledged.</summary>
internal sealed record SentPush(string MessageId, string Sku, bool Acknowledged, int Attempts);

/// <summary>
/// The requests the reliability drivers make, each recorded in a <see cref="Recorder"/>. Orders and pushes are retried
/// the way a careful client does: the same Idempotency-Key (or webhook-id and body) until a definitive answer, bounded in
/// attempts and time; only answers the server gave count as acknowledged.
/// </summary>
internal sealed class Traffic(Shop shop, Recorder recorder, TimeSpan requestTimeout)
{
    public const string OrderKind = "order";
    public const string PushKind = "push";

    public ConcurrentBag<SentOrder> Orders { get; } = [];

    public ConcurrentBag<SentPush> Pushes { get; } = [];

    public ConcurrentBag<Guid> Reservations { get; } = [];

    public Recorder Recorder => recorder;

    /// <summary>Sends one request, never throws for a transport failure (only for <paramref name="ct"/>).</summary>
    public async Task<Outcome> SendAsync(string kind, HttpRequestMessage request, CancellationToken ct)
    {
        var phase = recorder.Phase;
        var started = Stopwatch.GetTimestamp();
        Outcome outcome;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(requestTimeout);
        try
        {
            using var response = await shop.Client.SendAsync(request, HttpCompletionOption.ResponseContentRead, timeout.Token);
            var body = await response.Content.ReadAsStringAsync(timeout.Token);
            outcome = new Outcome((int)response.StatusCode, Stopwatch.GetElapsedTime(started).TotalMilliseconds, body,
                response.Content.Headers.ContentType?.MediaType, null);
        }
        catch (Exception e) when (e is HttpRequestException or IOException or OperationCanceledException && !ct.IsCancellationRequested)
        {
            outcome = new Outcome(0, Stopwatch.GetElapsedTime(started).TotalMilliseconds, "", null, $"{e.GetType().Name}: {e.Message}");
        }
        finally
        {
            request.Dispose();
        }

        // A request that started in one phase and ended in another belongs to neither; it is counted as "transition".
        var ended = recorder.Phase;
        recorder.Count(phase == ended ? phase : "transition", kind, outcome);
        if (!outcome.Transport && outcome.Status >= 500)
        {
            CheckServerError(kind, phase == ended ? phase : "transition", outcome);
        }

        return outcome;
    }

    /// <summary>Places an order of one unit of each part for the customer, retrying under the same key until definitive.</summary>
    public async Task<SentOrder> PlaceOrderAsync(Customer customer, long[] parts, TimeSpan patience, CancellationToken ct)
    {
        var key = Guid.NewGuid().ToString("N");
        var deadline = Stopwatch.StartNew();
        var attempts = 0;
        Outcome last;
        do
        {
            attempts++;
            var request = CheckoutCommand.Checkout.Order(parts, key, key);
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", customer.Token);
            last = await SendAsync(OrderKind, request, ct);
            if (!Retryable(last))
            {
                break;
            }

            await Task.Delay(last.Status == 409 ? 2000 : 500, ct);
        }
        while (deadline.Elapsed < patience && attempts < 200);

        Guid? id = last.Status is 201 or 202 ? JsonDocument.Parse(last.Body).RootElement.GetProperty("id").GetGuid() : null;
        var sent = new SentOrder(key, customer.Index, parts, last.Status, id, attempts);
        Orders.Add(sent);
        return sent;
    }

    /// <summary>Places an order from the customer's cart after adding two lines to it (the cart flow of a shopper).</summary>
    public async Task<Outcome> CartCheckoutAsync(Customer customer, long partA, long partB, CancellationToken ct)
    {
        foreach (var part in new[] { partA, partB })
        {
            var add = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/carts/{customer.UserId}/items")
            {
                Content = new StringContent(string.Create(CultureInfo.InvariantCulture, $$"""{"partId":{{part}},"quantity":1}"""), Encoding.UTF8, "application/json"),
            };
            add.Headers.Authorization = new AuthenticationHeaderValue("Bearer", customer.Token);
            var added = await SendAsync("cart", add, ct);
            if (!added.Success)
            {
                return added;
            }
        }

        var view = new HttpRequestMessage(HttpMethod.Get, $"/api/v1/carts/{customer.UserId}");
        view.Headers.Authorization = new AuthenticationHeaderValue("Bearer", customer.Token);
        await SendAsync("cart", view, ct);
        var order = new HttpRequestMessage(HttpMethod.Post, CheckoutCommand.OrdersPath)
        {
            Content = new StringContent(
                """{"shippingAddress":{"name":"Cart Buyer","line1":"2 Bench Way","city":"Dallas","region":"TX","postalCode":"75212","country":"US"},"payment":{"method":"card","token":"tok_visa"}}""",
                Encoding.UTF8, "application/json"),
        };
        order.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString("N"));
        order.Headers.Authorization = new AuthenticationHeaderValue("Bearer", customer.Token);
        return await SendAsync("cart-checkout", order, ct);
    }

    /// <summary>
    /// Pushes one signed event (+1 on <paramref name="sku"/> in the supplier's warehouse) as a supplier would: the same
    /// webhook-id and body on every retry, a fresh timestamp and signature each time, until a 2xx or the patience runs out.
    /// </summary>
    public async Task<SentPush> PushAsync(string messageId, string sku, TimeSpan patience, CancellationToken ct)
    {
        var occurred = DateTime.UtcNow.ToString("O", CultureInfo.InvariantCulture);
        var body = Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture,
            $$"""{"supplierId":{{shop.SupplierId}},"events":[{"eventId":"evt_{{messageId}}","sku":"{{sku}}","warehouseCode":"{{shop.PushWarehouse}}","delta":1,"occurredAt":"{{occurred}}"}]}"""));
        var deadline = Stopwatch.StartNew();
        var attempts = 0;
        Outcome last;
        do
        {
            attempts++;
            var timestamp = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
            var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/inventory/updates")
            {
                Content = new ByteArrayContent(body) { Headers = { ContentType = new MediaTypeHeaderValue("application/json") } },
            };
            request.Headers.Add("webhook-id", messageId);
            request.Headers.Add("webhook-timestamp", timestamp.ToString(CultureInfo.InvariantCulture));
            request.Headers.Add("webhook-signature", WebhookPusher.Sign(shop.SupplierSecret, messageId, timestamp, body));
            last = await SendAsync(PushKind, request, ct);
            if (last.Success || (last.Status is >= 400 and < 500 and not 429))
            {
                break;
            }

            await Task.Delay(500, ct);
        }
        while (deadline.Elapsed < patience && attempts < 200);

        var sent = new SentPush(messageId, sku, last.Success, attempts);
        Pushes.Add(sent);
        return sent;
    }

    /// <summary>A held reservation of one unit (admin), left to expire.</summary>
    public async Task<Outcome> ReserveAsync(string sku, CancellationToken ct)
    {
        var outcome = await SendAsync("reservation", shop.AsAdmin(InventoryApi.Reservation(sku, 1)), ct);
        if (outcome.Status == 201)
        {
            Reservations.Add(JsonDocument.Parse(outcome.Body).RootElement.GetProperty("id").GetGuid());
        }

        return outcome;
    }

    /// <summary>An anonymous catalog read; <paramref name="fresh"/> adds a unique parameter so the output cache cannot answer.</summary>
    public Task<Outcome> CatalogAsync(Random random, bool fresh, CancellationToken ct)
    {
        var sku = shop.OrderSkus[random.Next(shop.OrderSkus.Count)];
        var path = random.Next(2) == 0
            ? $"/api/v1/parts?q=brake&limit=20"
            : $"/api/v1/parts?partNumber={Uri.EscapeDataString(sku.Replace("-", "", StringComparison.Ordinal))}";
        if (fresh)
        {
            path += "&bench=" + random.NextInt64().ToString(CultureInfo.InvariantCulture);
        }

        return SendAsync("catalog", new HttpRequestMessage(HttpMethod.Get, path), ct);
    }

    /// <summary>The customer's own orders: an authenticated read that always reaches the database.</summary>
    public Task<Outcome> MyOrdersAsync(Customer customer, CancellationToken ct)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/orders?limit=5");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", customer.Token);
        return SendAsync("orders-read", request, ct);
    }

    /// <summary>Worth retrying under the same key: no answer, a 5xx, 429, or 409 idempotency_key_in_use.</summary>
    private static bool Retryable(Outcome o) =>
        o.Transport || o.Status >= 500 || o.Status == 429 || (o.Status == 409 && o.ProblemCode == "idempotency_key_in_use");

    /// <summary>A 5xx must be a problem+json without internals; a 500 is always worth a look.</summary>
    private void CheckServerError(string kind, string phase, Outcome o)
    {
        var leaks = new[] { "   at ", "Exception", "Npgsql", "SELECT ", "System." };
        var leak = leaks.FirstOrDefault(l => o.Body.Contains(l, StringComparison.Ordinal));
        if (o.ContentType != "application/problem+json" || leak is not null || o.Status == 500)
        {
            recorder.Violation(string.Create(CultureInfo.InvariantCulture,
                $"{phase} {kind}: {o.Status} {o.ContentType}{(leak is null ? "" : $" leaking '{leak.Trim()}'")}: {Truncate(o.Body)}"));
        }
    }

    private static string Truncate(string text) => text.Length <= 300 ? text : text[..300] + "…";
}
