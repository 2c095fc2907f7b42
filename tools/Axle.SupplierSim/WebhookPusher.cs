using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Axle.SupplierSim;

public enum PushEventKind
{
    /// <summary>Absolute quantity (in eaches) from the catalog.</summary>
    Quantity,

    /// <summary>A small signed change, <c>"delta"</c> instead of <c>"quantity"</c>; the catalog is not changed.</summary>
    Delta,

    /// <summary>Every other event is a delta.</summary>
    Mixed,
}

/// <summary>What to push to Axle's supplier webhook and which mistakes to make on purpose.</summary>
public sealed class PushOptions
{
    public required Uri Url { get; set; }
    public required string SupplierId { get; set; }

    /// <summary><c>whsec_</c> + base64 key (Standard Webhooks).</summary>
    public required string Secret { get; set; }

    /// <summary>Total events; records are taken from the catalog in sequence order, cycling when there are fewer.</summary>
    public int Events { get; set; } = 1000;

    public int BatchSize { get; set; } = 100;
    public int Concurrency { get; set; } = 4;
    public PushEventKind Kind { get; set; } = PushEventKind.Quantity;

    /// <summary>Send <c>"sku"</c> instead of <c>"supplierPartNumber"</c>.</summary>
    public bool UseSku { get; set; }

    public bool IncludePrice { get; set; }

    /// <summary>
    /// This many batches (the first correctly signed ones) are delivered a second time, after all others, with the same
    /// webhook-id and body (at-least-once delivery).
    /// </summary>
    public int DuplicateDeliveries { get; set; }

    /// <summary>This many batches (from the second on) start with an exact copy of an event from the batch before, eventId included.</summary>
    public int DuplicateEventIds { get; set; }

    /// <summary>This many batches carry, after their first event, an older event for the same part (earlier occurredAt).</summary>
    public int OutOfOrderBatches { get; set; }

    /// <summary>The first this-many batches are signed with the wrong key.</summary>
    public int BadSignatures { get; set; }

    /// <summary>The batches after the badly signed ones, this many, carry a timestamp <see cref="StaleBy"/> in the past.</summary>
    public int StaleTimestamps { get; set; }

    public TimeSpan StaleBy { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Extra attempts after a 5xx, 429 or network error; the webhook-id stays, the timestamp and signature are fresh.</summary>
    public int Retries { get; set; }

    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Makes event and message ids of one run distinct from another's (random when null).</summary>
    public string? RunId { get; set; }

    /// <summary>webhook-timestamp and occurredAt come from here, so a test can send from the past or the future.</summary>
    [JsonIgnore]
    public TimeProvider Clock { get; set; } = TimeProvider.System;
}

/// <summary>The outcome of a push run: acknowledgements by status, throughput and delivery latency.</summary>
public sealed record PushReport(
    int Batches,
    int Events,
    int Deliveries,
    IReadOnlyDictionary<int, int> StatusCounts,
    int NetworkErrors,
    string? FirstError,
    TimeSpan Elapsed,
    double EventsPerSecond,
    double LatencyP50Ms,
    double LatencyP90Ms,
    double LatencyP99Ms,
    double LatencyMaxMs,
    IReadOnlyList<string> WebhookIds)
{
    public int Acknowledged => StatusCounts.Where(p => p.Key is >= 200 and < 300).Sum(p => p.Value);
}

/// <summary>Pushes supplier stock events to Axle signed per Standard Webhooks v1.</summary>
public static class WebhookPusher
{
    public const string SecretPrefix = "whsec_";

    /// <summary><c>v1,</c> + base64(HMAC-SHA256(key, "{id}.{timestamp}.{body}")), key = base64 after <c>whsec_</c>.</summary>
    public static string Sign(string secret, string id, long timestamp, ReadOnlySpan<byte> body)
    {
        ArgumentNullException.ThrowIfNull(secret);
        var key = Convert.FromBase64String(secret.StartsWith(SecretPrefix, StringComparison.Ordinal) ? secret[SecretPrefix.Length..] : secret);
        var prefix = Encoding.UTF8.GetBytes($"{id}.{timestamp.ToString(CultureInfo.InvariantCulture)}.");
        var message = new byte[prefix.Length + body.Length];
        prefix.CopyTo(message, 0);
        body.CopyTo(message.AsSpan(prefix.Length));
        return "v1," + Convert.ToBase64String(HMACSHA256.HashData(key, message));
    }

    /// <summary>A fresh random secret in the <c>whsec_</c> form.</summary>
    public static string NewSecret() => SecretPrefix + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

    public static async Task<PushReport> PushAsync(StockCatalog catalog, PushOptions options, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.BatchSize, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.Concurrency, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(options.Events);
        _ = Convert.FromBase64String(options.Secret.StartsWith(SecretPrefix, StringComparison.Ordinal) ? options.Secret[SecretPrefix.Length..] : options.Secret);

        var run = options.RunId ?? Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4));
        var rows = catalog.Sample(options.Events);
        var batches = (rows.Count + options.BatchSize - 1) / options.BatchSize;
        var plan = new List<Delivery>(batches + options.DuplicateDeliveries);
        for (var b = 0; b < batches; b++)
        {
            // Built when first sent, so occurredAt is the moment of sending (the update delay is measured from it); a
            // redelivery shares the same body.
            var batch = b;
            plan.Add(new Delivery($"msg_{run}_{b:D7}", new Lazy<byte[]>(() => BuildBody(catalog, options, rows, run, batch)), b < options.BadSignatures,
                b >= options.BadSignatures && b < options.BadSignatures + options.StaleTimestamps));
        }

        // Redeliveries go last so the first copy has normally been acknowledged before the repeat arrives, and repeat
        // correctly signed batches so a receiver's dedupe (not its signature check) is what gets exercised.
        var firstRepeat = Math.Min(options.BadSignatures + options.StaleTimestamps, batches);
        for (var b = firstRepeat; b < Math.Min(firstRepeat + options.DuplicateDeliveries, batches); b++)
        {
            plan.Add(plan[b] with { });
        }

        using var handler = new SocketsHttpHandler { MaxConnectionsPerServer = options.Concurrency, PooledConnectionLifetime = TimeSpan.FromMinutes(5) };
        using var http = new HttpClient(handler) { Timeout = options.Timeout };
        var statuses = new ConcurrentDictionary<int, int>();
        var latencies = new ConcurrentBag<double>();
        var networkErrors = 0;
        string? firstError = null;
        var clock = Stopwatch.StartNew();
        await Parallel.ForEachAsync(plan, new ParallelOptions { MaxDegreeOfParallelism = options.Concurrency, CancellationToken = ct }, async (delivery, token) =>
        {
            for (var attempt = 0; attempt <= options.Retries; attempt++)
            {
                var started = Stopwatch.GetTimestamp();
                try
                {
                    using var request = Sign(delivery, options);
                    using var response = await http.SendAsync(request, token);
                    latencies.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                    var status = (int)response.StatusCode;
                    statuses.AddOrUpdate(status, 1, static (_, n) => n + 1);
                    if (status < 500 && status != 429)
                    {
                        return;
                    }
                }
                catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !token.IsCancellationRequested)
                {
                    Interlocked.Increment(ref networkErrors);
                    Interlocked.CompareExchange(ref firstError, e.Message, null);
                }
            }
        });
        clock.Stop();

        var sorted = latencies.ToArray();
        Array.Sort(sorted);
        return new PushReport(
            batches, rows.Count, plan.Count, new SortedDictionary<int, int>(statuses), networkErrors, firstError, clock.Elapsed,
            clock.Elapsed.TotalSeconds > 0 ? rows.Count / clock.Elapsed.TotalSeconds : 0,
            Percentile(sorted, 0.50), Percentile(sorted, 0.90), Percentile(sorted, 0.99), sorted.Length > 0 ? sorted[^1] : 0,
            [.. plan.Select(d => d.Id)]);
    }

    private sealed record Delivery(string Id, Lazy<byte[]> Body, bool BadSignature, bool Stale);

    private static HttpRequestMessage Sign(Delivery delivery, PushOptions options)
    {
        var now = options.Clock.GetUtcNow();
        var timestamp = (delivery.Stale ? now - options.StaleBy : now).ToUnixTimeSeconds();
        var secret = delivery.BadSignature ? NewSecret() : options.Secret;
        var request = new HttpRequestMessage(HttpMethod.Post, options.Url)
        {
            Content = new ByteArrayContent(delivery.Body.Value) { Headers = { ContentType = new MediaTypeHeaderValue("application/json") } },
        };
        request.Headers.Add("webhook-id", delivery.Id);
        request.Headers.Add("webhook-timestamp", timestamp.ToString(CultureInfo.InvariantCulture));
        request.Headers.Add("webhook-signature", Sign(secret, delivery.Id, timestamp, delivery.Body.Value));
        return request;
    }

    private static byte[] BuildBody(StockCatalog catalog, PushOptions options, List<StockRow> rows, string run, int batch)
    {
        // Milliseconds: the update delay Axle reports (occurredAt → applied) must not carry a second of truncation.
        var occurred = options.Clock.GetUtcNow().ToUnixTimeMilliseconds();
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream))
        {
            writer.WriteStartObject();
            writer.WriteString("supplierId", options.SupplierId);
            writer.WriteStartArray("events");
            var first = batch * options.BatchSize;
            var end = Math.Min(rows.Count, first + options.BatchSize);
            for (var i = first; i < end; i++)
            {
                if (i == first && batch >= 1 && batch <= options.DuplicateEventIds)
                {
                    WriteEvent(writer, catalog, options, rows, run, i - options.BatchSize, occurred);
                    continue;
                }

                WriteEvent(writer, catalog, options, rows, run, i, occurred);
                if (i == first && batch < options.OutOfOrderBatches)
                {
                    // An older state of the same part, sent after the newer one.
                    WriteEvent(writer, catalog, options, rows, run, i, occurred - 60_000, eventSuffix: "_old", quantityShift: 5);
                }
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        return stream.ToArray();
    }

    private static void WriteEvent(
        Utf8JsonWriter writer, StockCatalog catalog, PushOptions options, List<StockRow> rows, string run, int index, long occurred,
        string eventSuffix = "", int quantityShift = 0)
    {
        var row = rows[index];
        var isCase = row.Uom == 1;
        writer.WriteStartObject();
        writer.WriteString("eventId", $"evt_{run}_{index:D8}{eventSuffix}");
        writer.WriteString(options.UseSku ? "sku" : "supplierPartNumber", row.PartNo);
        writer.WriteString("warehouseCode", catalog.WarehouseName(row.Warehouse));
        var delta = options.Kind == PushEventKind.Delta || (options.Kind == PushEventKind.Mixed && index % 2 == 1);
        if (delta)
        {
            // Deterministic per event index, never zero.
            var change = (index % 7) - 3;
            writer.WriteNumber("delta", change == 0 ? 1 : change);
        }
        else
        {
            writer.WriteNumber("quantity", (row.Qty * (isCase ? StockCatalog.CaseSize : 1)) + quantityShift);
        }

        writer.WriteString("occurredAt", DateTime.UnixEpoch.AddMilliseconds(occurred));
        if (options.IncludePrice)
        {
            writer.WriteStartObject("price");
            var each = isCase ? row.Price / (decimal)StockCatalog.CaseSize : row.Price;
            writer.WriteNumber("amount", Math.Round(each / 100m, 2));
            writer.WriteString("currency", catalog.Currency);
            writer.WriteEndObject();
        }

        writer.WriteEndObject();
    }

    private static double Percentile(double[] sorted, double p) =>
        sorted.Length == 0 ? 0 : sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Length) - 1, 0, sorted.Length - 1)];
}
