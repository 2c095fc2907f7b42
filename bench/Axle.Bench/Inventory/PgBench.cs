using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using Axle.Bench.Load;
using Npgsql;

namespace Axle.Bench.Inventory;

internal sealed record PgBenchResult(
    string Script, int Clients, int Threads, double Seconds, long Transactions, long Failed, double Tps, double LatencyAverageMs,
    string? Error);

/// <summary>
/// The database's own ceiling for a reservation: pgbench runs the SQL that Axle sends for a one-line reservation
/// (captured with EF Core command logging), with a uniformly random stocked level per transaction, in prepared mode.
/// </summary>
internal static partial class PgBench
{
    /// <summary>
    /// The reservation's transaction as Axle sends it (seen with EF Core command logging), round trip for round trip:
    /// BEGIN with the conditional UPDATE ... RETURNING of the level (with the part's SKU and the warehouse code), one batch
    /// of the five inserts (audit entry, inventory.changed outbox event, reservation, ledger movement, reservation line),
    /// then COMMIT. pgbench pipelines stand in for Npgsql's batching. pgbench cannot \gset inside a pipeline, so the
    /// inserts take the part from the level id (levels and parts are loaded in step), the reservation id from a random
    /// number (md5 → uuid; Axle makes a UUIDv7 itself), and the warehouse, SKU and quantities from primary-key subqueries on
    /// the row the transaction just updated: a few index probes more than Axle's inserts, no round trip more.
    /// pgbench turns every <c>:name</c> into a parameter, even inside a string literal, so JSON literals here never put a
    /// letter right after a colon.
    /// </summary>
    public static string TransactionScript => Draw + Transaction;

    // A uniformly random stocked level (the loaded levels are contiguous, in step with their parts) and a reservation id.
    private const string Draw = """
        \set level random(:first_level, :last_level)
        \set part :first_part + :level - :first_level
        \set rid random(1, 9007199254740991)

        """;

    private static string Transaction => """
        \set delta_on_hand 0
        \set delta_reserved 1
        \set net 1
        \startpipeline
        BEGIN;

        """ + LevelUpdate("level") + """
        \endpipeline
        \startpipeline
        INSERT INTO audit_log ("Action", "ActorId", "ActorType", "ChainSequence", "Details", "Hash", "Ip", "OccurredAt", "Outcome", "PreviousHash", "Target", "TraceId")
        VALUES ('inventory.reservation_created', 'pgbench-0000-0000-0000-000000000000', 'user', NULL,
                '{"referenceType": null,"referenceId": null,"lines":[{"partId":' || :part::text || ',"warehouseId":'
                || (SELECT s."WarehouseId" FROM stock_levels s WHERE s."Id" = :level)::text || ',"quantity":1}]}',
                NULL, '127.0.0.1', now(), 'Success', NULL, 'reservation/' || md5(:rid::text)::uuid::text, md5(:rid::text))
        RETURNING "Id";
        INSERT INTO outbox_messages ("Id", "Attempts", "DeliveredAt", "OccurredAt", "Payload", "Type")
        SELECT gen_random_uuid(), 0, NULL, now(),
               '{"partId":' || s."PartId"::text || ',"sku":"' || p."Sku" || '","warehouseId":' || s."WarehouseId"::text || ',"warehouseCode":"' || w."Code"
               || '","onHand":' || s."OnHand"::text || ',"reserved":' || s."Reserved"::text || ',"available":0,"deltaOnHand":0,"deltaReserved":1,'
               || '"reason":"reserved","reference":{"type":"reservation","id":"' || md5(:rid::text)::uuid::text || '"}}',
               'inventory.changed'
        FROM stock_levels s JOIN parts p ON p."Id" = s."PartId" JOIN warehouses w ON w."Id" = s."WarehouseId"
        WHERE s."Id" = :level;
        INSERT INTO reservations ("Id", "Actor", "ClosedAt", "CreatedAt", "ExpiresAt", "ReferenceId", "ReferenceType", "Status", "Version")
        VALUES (md5(:rid::text)::uuid, 'pgbench-0000-0000-0000-000000000000', NULL, now(), now() + interval '15 minutes', NULL, NULL, 'Held', 1);
        INSERT INTO stock_movements ("Actor", "DeltaOnHand", "DeltaReserved", "Note", "OccurredAt", "PartId", "Reason", "ReferenceId", "ReferenceType", "WarehouseId")
        SELECT 'pgbench-0000-0000-0000-000000000000', :delta_on_hand, :delta_reserved, NULL, now(), :part, 'Reserved', md5(:rid::text)::uuid::text,
               'Reservation', s."WarehouseId"
        FROM stock_levels s WHERE s."Id" = :level
        RETURNING "Id";
        INSERT INTO reservation_lines ("PartId", "Quantity", "ReservationId", "StockLevelId", "WarehouseId")
        SELECT :part, 1, md5(:rid::text)::uuid, :level, s."WarehouseId"
        FROM stock_levels s WHERE s."Id" = :level
        RETURNING "Id";
        \endpipeline
        COMMIT;
        """;

    /// <summary>
    /// Everything one <c>POST /api/v1/inventory/reservations</c> sends to the database, in order: the idempotency claim
    /// (one insert), the part by SKU with its allocation candidates, the transaction above, and the idempotency record's
    /// stored response. Three commits, as in Axle.
    /// </summary>
    public static string RequestScript => """
        \set key random(1, 1000000000000000)
        INSERT INTO idempotency_keys ("CallerKey", "Method", "Route", "Key", "Fingerprint", "ClaimToken", "ClaimedAt", "ExpiresAt")
        VALUES ('pgbench', 'POST', '/api/v1/inventory/reservations/', :key, md5(:key::text) || md5(:key::text), gen_random_uuid(), now(),
                now() + interval '24 hours')
        ON CONFLICT ("CallerKey", "Method", "Route", "Key") DO NOTHING
        RETURNING "Id" AS idempotency_id \gset

        """ + Draw + PartBySkuAndCandidates + Transaction + """

        UPDATE idempotency_keys AS i
        SET "ResponseStatus" = 201, "ResponseBody" = convert_to(repeat('x', 330), 'UTF8'), "ResponseContentType" = 'application/json; charset=utf-8',
            "ResponseLocation" = '/api/v1/inventory/reservations/' || md5(:rid::text)::uuid::text, "ResponseETag" = NULL, "CompletedAt" = now()
        WHERE i."Id" = :idempotency_id;
        """;

    // The read before the transaction, once the level (and so the part) is drawn: the part by SKU with its stock candidates
    // in one statement (InventoryReservations.FindBySkuAsync; until 2026-12-08 two statements, the part by SKU and then the
    // candidates). The SKU is looked up from the drawn part, an index probe more than Axle, which sends the SKU itself.
    private const string PartBySkuAndCandidates = """
        SELECT p."Sku", p."Id", s0."Id", s0."WarehouseId", s0."OnHand" - s0."Reserved", s0."AddressCountry", s0."AddressRegion"
        FROM parts AS p
        LEFT JOIN (
            SELECT s."Id", s."OnHand", s."PartId", s."Reserved", s."WarehouseId", w."AddressCountry", w."AddressRegion"
            FROM stock_levels AS s
            INNER JOIN warehouses AS w ON s."WarehouseId" = w."Id"
            WHERE w."Active" AND s."OnHand" > s."Reserved"
        ) AS s0 ON p."Id" = s0."PartId"
        WHERE p."Sku" = ANY (ARRAY(SELECT q."Sku" FROM parts AS q WHERE q."Id" = :part));

        """;

    /// <summary>Runs pgbench against the database of <paramref name="connection"/> (which must be on this machine).</summary>
    public static Task<PgBenchResult> RunAsync(
        string pgbench, string connection, string name, string script, int clients, TimeSpan duration,
        IReadOnlyDictionary<string, long> variables, CancellationToken ct) =>
        RunAsync(pgbench, connection, name, script, clients, duration, variables.ToDictionary(v => v.Key, v => Int(v.Value)), ct);

    /// <summary>The same with variables of any kind (<c>-D name=value</c>, used as text parameters by the script).</summary>
    // StockLedger.ApplySql with :delta_on_hand and :delta_reserved (set by the script) for the level in :<level>: the level's claim, handing back what the outbox event needs.
    internal static string LevelUpdate(string level) => $$"""
        UPDATE stock_levels
        SET "OnHand" = "OnHand" + :delta_on_hand, "Reserved" = "Reserved" + :delta_reserved, "Version" = "Version" + 1, "UpdatedAt" = now()
        WHERE "Id" = :{{level}} AND "OnHand" + :delta_on_hand >= 0 AND "Reserved" + :delta_reserved >= 0 AND "OnHand" - "Reserved" >= :net
        RETURNING "Id" AS "LevelId", "PartId",
            (SELECT p."Sku" FROM parts p WHERE p."Id" = stock_levels."PartId") AS "Sku",
            "WarehouseId",
            (SELECT w."Code" FROM warehouses w WHERE w."Id" = stock_levels."WarehouseId") AS "WarehouseCode",
            "OnHand", "Reserved", "ReorderPoint", "ReorderQuantity", "Version",
            :delta_on_hand AS "DeltaOnHand", :delta_reserved AS "DeltaReserved";

        """;

    public static async Task<PgBenchResult> RunAsync(
        string pgbench, string connection, string name, string script, int clients, TimeSpan duration,
        IReadOnlyDictionary<string, string> variables, CancellationToken ct)
    {
        var cs = new NpgsqlConnectionStringBuilder(connection);
        var host = cs.Host ?? "127.0.0.1";
        if (!LocalhostGuard.IsLocal(new Uri($"http://{(host.Contains(':', StringComparison.Ordinal) ? $"[{host}]" : host)}/")))
        {
            throw new UsageException($"pgbench only runs against a database on this machine, not {host}.");
        }

        var file = Path.Combine(Path.GetTempPath(), $"axle-bench-{name}-{Environment.ProcessId}.sql");
        await File.WriteAllTextAsync(file, script, ct);
        var threads = Math.Max(1, Math.Min(clients, Environment.ProcessorCount));
        var start = new ProcessStartInfo(pgbench)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in (string[])["-n", "-M", "prepared", "-c", Int(clients), "-j", Int(threads), "-T", Int((long)duration.TotalSeconds),
                     "-f", file, "-h", host, "-p", Int(cs.Port), "-U", cs.Username ?? "postgres"])
        {
            start.ArgumentList.Add(arg);
        }

        foreach (var (key, value) in variables)
        {
            start.ArgumentList.Add("-D");
            start.ArgumentList.Add($"{key}={value}");
        }

        start.ArgumentList.Add(cs.Database ?? "postgres");
        start.Environment["PGPASSWORD"] = cs.Password ?? "";
        start.Environment["PGSSLMODE"] = "disable";
        try
        {
            using var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {pgbench}");
            using var bound = CancellationTokenSource.CreateLinkedTokenSource(ct);
            bound.CancelAfter(duration + TimeSpan.FromSeconds(60));
            var stdout = process.StandardOutput.ReadToEndAsync(bound.Token);
            var stderr = process.StandardError.ReadToEndAsync(bound.Token);
            try
            {
                await process.WaitForExitAsync(bound.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                throw;
            }

            var output = await stdout;
            var errors = await stderr;
            var parsed = Parse(output);
            var error = process.ExitCode != 0 || parsed is null
                ? $"pgbench exited {process.ExitCode}: {Last(errors, 500)}"
                : null;
            return parsed is { } p
                ? new PgBenchResult(name, clients, threads, duration.TotalSeconds, p.Transactions, p.Failed, p.Tps, p.LatencyMs, error)
                : new PgBenchResult(name, clients, threads, duration.TotalSeconds, 0, 0, 0, 0, error);
        }
        finally
        {
            File.Delete(file);
        }
    }

    /// <summary>The figures of pgbench's summary, or null when it printed none (it failed).</summary>
    internal static (long Transactions, long Failed, double Tps, double LatencyMs)? Parse(string output)
    {
        var tps = TpsLine().Match(output);
        var processed = ProcessedLine().Match(output);
        if (!tps.Success || !processed.Success)
        {
            return null;
        }

        var failed = FailedLine().Match(output);
        var latency = LatencyLine().Match(output);
        return (long.Parse(processed.Groups[1].Value, CultureInfo.InvariantCulture),
            failed.Success ? long.Parse(failed.Groups[1].Value, CultureInfo.InvariantCulture) : 0,
            double.Parse(tps.Groups[1].Value, CultureInfo.InvariantCulture),
            latency.Success ? double.Parse(latency.Groups[1].Value, CultureInfo.InvariantCulture) : 0);
    }

    private static string Int(long value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Last(string text, int length) => text.Length <= length ? text.Trim() : text[^length..].Trim();

    [GeneratedRegex(@"^tps = ([0-9.]+) \(without initial connection time\)", RegexOptions.Multiline)]
    private static partial Regex TpsLine();

    [GeneratedRegex(@"^number of transactions actually processed: (\d+)", RegexOptions.Multiline)]
    private static partial Regex ProcessedLine();

    [GeneratedRegex(@"^number of failed transactions: (\d+)", RegexOptions.Multiline)]
    private static partial Regex FailedLine();

    [GeneratedRegex(@"^latency average = ([0-9.]+) ms", RegexOptions.Multiline)]
    private static partial Regex LatencyLine();
}
