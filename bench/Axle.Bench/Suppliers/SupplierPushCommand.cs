using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Axle.Bench.Inventory;
using Axle.Bench.Load;
using Axle.SupplierSim;
using Npgsql;

namespace Axle.Bench.Suppliers;

internal sealed record SupplierPushSettings(
    Uri Url, string Connection, string Email, string Password, int Skus, int Events, int Batch, int Concurrency, TimeSpan DrainTimeout,
    int? Rate)
{
    public static SupplierPushSettings From(CommandLine line)
    {
        var settings = new SupplierPushSettings(
            line.LocalUrl("http://127.0.0.1:5090"),
            line.Required("connection"),
            line.Required("email"),
            line.Required("password"),
            (int)line.Long("skus", 20_000, 1, 1_000_000),
            (int)line.Long("events", 100_000, 1, 10_000_000),
            (int)line.Long("batch", 100, 1, 1000),
            (int)line.Long("concurrency", 8, 1, 256),
            TimeSpan.FromSeconds(line.Long("drain-timeout", 300, 1, 3600)),
            line.Optional("rate") is null ? null : (int)line.Long("rate", null, 1, 1_000_000));
        line.RejectUnknown();
        return settings;
    }
}

/// <summary>
/// The <c>supplier-push</c> command (PostgreSQL): a supplier with one warehouse is registered on a running Axle (workers
/// on), the supplier simulator pushes <c>--events</c> signed stock events for up to <c>--skus</c> existing SKUs in batches
/// of <c>--batch</c> with <c>--concurrency</c> senders, and the command reports how fast pushes were acknowledged (stored
/// durably in the inbox), how fast the worker applied them, and the update delay (event time → applied) from the
/// supplier snapshot the apply writes.
/// </summary>
internal static class SupplierPushCommand
{
    public static async Task<int> RunAsync(SupplierPushSettings settings, TextWriter log, CancellationToken ct)
    {
        var skus = await SkusAsync(settings.Connection, settings.Skus, ct);
        using var client = LoadCommand.CreateClient(4);
        client.BaseAddress = settings.Url;
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer",
            await ApiSignIn.AccessTokenAsync(client, settings.Email, settings.Password, ct));
        var tag = Convert.ToHexString(BitConverter.GetBytes(Environment.TickCount64))[..6];
        var warehouseCode = "PUSH-" + tag;
        await InventoryApi.CreateWarehouseAsync(client, warehouseCode, ct);
        using var created = await client.PostAsJsonAsync("/api/v1/suppliers",
            new { code = "BENCH-" + tag, name = "Bench supplier " + tag, webhook = true, warehouses = new[] { warehouseCode } }, ct);
        created.EnsureSuccessStatusCode();
        var supplier = await created.Content.ReadFromJsonAsync<JsonElement>(ct);
        var supplierId = supplier.GetProperty("id").GetInt64();
        await log.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"supplier {supplierId}, warehouse {warehouseCode}, {skus.Count:N0} SKUs; pushing {settings.Events:N0} events, batch {settings.Batch}, concurrency {settings.Concurrency}"));

        var catalog = new StockCatalog(new SimulatorOptions { PartNumbers = skus, Warehouses = [warehouseCode], Seed = 7 });
        var clock = Stopwatch.StartNew();
        var options = new PushOptions
        {
            Url = new Uri(settings.Url, "/api/v1/inventory/updates"),
            SupplierId = supplierId.ToString(CultureInfo.InvariantCulture),
            Secret = supplier.GetProperty("webhookSecret").GetString()!,
            Events = settings.Events,
            BatchSize = settings.Batch,
            Concurrency = settings.Concurrency,
            UseSku = true,
        };
        // Open loop at --rate events/s: one second's worth per slice, then wait for the next second; without it, as fast as possible.
        var slices = settings.Rate is { } rate ? (settings.Events + rate - 1) / rate : 1;
        var reports = new List<PushReport>();
        for (var slice = 0; slice < slices; slice++)
        {
            var due = TimeSpan.FromSeconds(slice);
            if (clock.Elapsed < due)
            {
                await Task.Delay(due - clock.Elapsed, ct);
            }

            options.Events = settings.Rate is { } r ? Math.Min(r, settings.Events - (slice * r)) : settings.Events;
            options.RunId = $"{tag}{slice:D5}";
            reports.Add(await WebhookPusher.PushAsync(catalog, options, ct));
        }

        var acknowledged = reports.Sum(r => r.Acknowledged);
        var deliveries = reports.Sum(r => r.Deliveries);
        var pushSeconds = clock.Elapsed.TotalSeconds;
        await log.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"acknowledged: {acknowledged} of {deliveries} pushes, {settings.Events / pushSeconds:F0} events/s over {pushSeconds:F1} s " +
            $"(fastest slice {reports.Max(r => r.EventsPerSecond):F0} events/s); push latency p99 (worst slice) {reports.Max(r => r.LatencyP99Ms):F1} ms"));

        var drained = await DrainAsync(settings.Connection, supplierId, settings.DrainTimeout, ct);
        clock.Stop();
        var applied = drained ? settings.Events / clock.Elapsed.TotalSeconds : 0;
        await log.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"inbox drained: {drained}; all events applied {clock.Elapsed.TotalSeconds:F1} s after the first push ({applied:F0} events/s end to end)"));
        var (count, p50, p95, p99, max) = await DelaysAsync(settings.Connection, supplierId, ct);
        await log.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"update delay over {count:N0} levels (event time → applied): p50 {p50:F3} s, p95 {p95:F3} s, p99 {p99:F3} s, max {max:F3} s"));

        // The database's ceiling for intake, after the drain (nothing else running): pgbench sending the statements of one
        // acknowledged push (the supplier read, the inbox insert of a body of the measured size) at the same concurrency.
        var ceiling = await IntakeCeilingAsync(settings, supplierId, TimeSpan.FromSeconds(Math.Clamp(Math.Ceiling(pushSeconds), 5, 60)), ct);
        var pushesPerSecond = deliveries / pushSeconds;
        await log.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"intake ceiling (pgbench {ceiling.Script}, c={ceiling.Clients}, {ceiling.Seconds:F0} s): {ceiling.Tps:F1} pushes/s" +
            $"{(ceiling.Error is { } e ? " ERROR " + e : "")}; Axle acknowledged {pushesPerSecond:F1} pushes/s → ratio {(ceiling.Tps > 0 ? pushesPerSecond / ceiling.Tps : 0):F3}"));
        return drained && acknowledged == deliveries ? 0 : 1;
    }

    private const string DebianPgBench = "/usr/lib/postgresql/15/bin/pgbench";

    /// <summary>
    /// One push's statements as <c>POST /api/v1/inventory/updates</c> sends them: the supplier by id, then the inbox insert
    /// (duplicate-safe). The rows go to the source <c>pgbench</c>, which no worker claims, and are deleted afterwards.
    /// </summary>
    internal const string IntakeScript = """
        \set n random(1, 1000000000000000)
        SELECT s.* FROM suppliers AS s WHERE s."Id" = :supplier LIMIT 1;
        INSERT INTO inbox_messages ("Id", "Source", "MessageId", "Payload", "ReceivedAt", "Attempts")
        VALUES (gen_random_uuid(), 'pgbench', 'msg_' || :n, convert_to(repeat('x', :bytes), 'UTF8'), now(), 0)
        ON CONFLICT ("Source", "MessageId") DO NOTHING;
        """;

    private static async Task<PgBenchResult> IntakeCeilingAsync(
        SupplierPushSettings settings, long supplierId, TimeSpan duration, CancellationToken ct)
    {
        long bytes;
        await using (var db = new NpgsqlConnection(settings.Connection))
        {
            await db.OpenAsync(ct);
            await using var size = new NpgsqlCommand(
                """SELECT coalesce(avg(length("Payload")), 0)::bigint FROM inbox_messages WHERE "Source" = @source""", db);
            size.Parameters.AddWithValue("source", "supplier:" + supplierId.ToString(CultureInfo.InvariantCulture));
            bytes = Math.Max(1, (long)(await size.ExecuteScalarAsync(ct))!);
        }

        var pgbench = File.Exists(DebianPgBench) ? DebianPgBench : "pgbench";
        var result = await PgBench.RunAsync(pgbench, settings.Connection, "push-intake", IntakeScript, settings.Concurrency, duration,
            new Dictionary<string, long> { ["supplier"] = supplierId, ["bytes"] = bytes }, ct);
        await using (var db = new NpgsqlConnection(settings.Connection))
        {
            await db.OpenAsync(ct);
            await using var cleanup = new NpgsqlCommand("""DELETE FROM inbox_messages WHERE "Source" = 'pgbench'""", db);
            await cleanup.ExecuteNonQueryAsync(ct);
        }

        return result;
    }

    internal static async Task<List<string>> SkusAsync(string connection, int limit, CancellationToken ct)
    {
        await using var db = new NpgsqlConnection(connection);
        await db.OpenAsync(ct);
        await using var command = new NpgsqlCommand("""SELECT "Sku" FROM parts ORDER BY "Id" LIMIT @n""", db);
        command.Parameters.AddWithValue("n", limit);
        var skus = new List<string>(limit);
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            skus.Add(reader.GetString(0));
        }

        return skus;
    }

    private static async Task<bool> DrainAsync(string connection, long supplierId, TimeSpan timeout, CancellationToken ct)
    {
        await using var db = new NpgsqlConnection(connection);
        await db.OpenAsync(ct);
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < timeout)
        {
            await using var command = new NpgsqlCommand(
                """SELECT count(*) FROM inbox_messages WHERE "ProcessedAt" IS NULL AND "Source" = @source""", db);
            command.Parameters.AddWithValue("source", "supplier:" + supplierId.ToString(CultureInfo.InvariantCulture));
            if ((long)(await command.ExecuteScalarAsync(ct))! == 0)
            {
                return true;
            }

            await Task.Delay(100, ct);
        }

        return false;
    }

    private static async Task<(long Count, double P50, double P95, double P99, double Max)> DelaysAsync(string connection, long supplierId, CancellationToken ct)
    {
        await using var db = new NpgsqlConnection(connection);
        await db.OpenAsync(ct);
        await using var command = new NpgsqlCommand("""
            SELECT count(*),
                   coalesce(percentile_cont(0.5) WITHIN GROUP (ORDER BY d), 0),
                   coalesce(percentile_cont(0.95) WITHIN GROUP (ORDER BY d), 0),
                   coalesce(percentile_cont(0.99) WITHIN GROUP (ORDER BY d), 0),
                   coalesce(max(d), 0)
            FROM (SELECT extract(epoch FROM "AppliedAt" - "SourceUpdatedAt")::float8 AS d FROM supplier_stock WHERE "SupplierId" = @s) x
            """, db);
        command.Parameters.AddWithValue("s", supplierId);
        await using var reader = await command.ExecuteReaderAsync(ct);
        await reader.ReadAsync(ct);
        return (reader.GetInt64(0), reader.GetDouble(1), reader.GetDouble(2), reader.GetDouble(3), reader.GetDouble(4));
    }
}
