using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Axle.Bench.Inventory;
using Axle.Bench.Load;
using Npgsql;

namespace Axle.Bench.Reliability;

/// <summary>
/// What the reliability drivers prove once the load has stopped: with SQL on the server's database and the API's own
/// verify endpoints. Every check compares what the client was told (201, 202) with what the database holds.
/// </summary>
internal static class Verifier
{
    /// <summary>Every order answered 201 exists, is paid, and is consistent: lines, totals, payment, reservation and ledger.</summary>
    public static async Task<List<Check>> OrdersAsync(string connection, IReadOnlyCollection<SentOrder> sent, CancellationToken ct)
    {
        var acknowledged = sent.Where(o => o.Status == 201 && o.OrderId is not null).ToList();
        await using var db = await OpenAsync(connection, ct);
        var rows = (await BenchDatabase.ListAsync(db, """
            SELECT o."Id", o."Status", o.ship_line2,
                   o."SubtotalMinor" - o."DiscountMinor" + o."TaxMinor" + o."ShippingMinor" + o."CoreChargesMinor" = o."TotalMinor",
                   o."SubtotalMinor" = (SELECT COALESCE(SUM(i."LineTotalMinor"), 0) FROM order_items i WHERE i."OrderId" = o."Id" AND i."Kind" = 'Part'),
                   NOT EXISTS (SELECT 1 FROM order_items i WHERE i."OrderId" = o."Id" AND i."LineTotalMinor" <> i."Quantity" * i."UnitPriceMinor"),
                   (SELECT string_agg(i."PartId"::text, ',' ORDER BY i."PartId") FROM order_items i WHERE i."OrderId" = o."Id" AND i."Kind" = 'Part'),
                   (SELECT COALESCE(SUM(i."Quantity"), 0) FROM order_items i WHERE i."OrderId" = o."Id" AND i."Kind" = 'Part'),
                   (SELECT p."Status" FROM payments p WHERE p."OrderId" = o."Id" ORDER BY p."CreatedAt" DESC LIMIT 1),
                   (SELECT p."AmountMinor" FROM payments p WHERE p."OrderId" = o."Id" ORDER BY p."CreatedAt" DESC LIMIT 1) = o."TotalMinor",
                   r."Status",
                   (SELECT COALESCE(SUM(l."Quantity"), 0) FROM reservation_lines l WHERE l."ReservationId" = o."ReservationId"),
                   (SELECT COALESCE(SUM(m."DeltaReserved"), 0) FROM stock_movements m WHERE m."ReferenceType" = 'Reservation' AND m."ReferenceId" = o."ReservationId"::text)
            FROM orders o LEFT JOIN reservations r ON r."Id" = o."ReservationId"
            WHERE o."Id" = ANY(@ids)
            """, r => new
        {
            Id = r.GetGuid(0),
            Status = r.GetString(1),
            Key = r.IsDBNull(2) ? null : r.GetString(2),
            TotalsAdd = r.GetBoolean(3),
            SubtotalIsLines = r.GetBoolean(4),
            LinesPriced = r.GetBoolean(5),
            Parts = r.IsDBNull(6) ? "" : r.GetString(6),
            Units = Convert.ToInt64(r.GetValue(7), CultureInfo.InvariantCulture),
            Payment = r.IsDBNull(8) ? null : r.GetString(8),
            PaymentIsTotal = !r.IsDBNull(9) && r.GetBoolean(9),
            Reservation = r.IsDBNull(10) ? null : r.GetString(10),
            Held = Convert.ToInt64(r.GetValue(11), CultureInfo.InvariantCulture),
            Ledger = Convert.ToInt64(r.GetValue(12), CultureInfo.InvariantCulture),
        }, ct, ("ids", acknowledged.Select(o => o.OrderId!.Value).ToArray()))).ToDictionary(r => r.Id);

        var missing = 0;
        var inconsistent = new List<string>();
        foreach (var order in acknowledged)
        {
            if (!rows.TryGetValue(order.OrderId!.Value, out var row))
            {
                missing++;
                continue;
            }

            var parts = string.Join(",", order.Parts.Order());
            var problems = new List<string>();
            if (row.Status != "Paid") problems.Add("status " + row.Status);
            if (row.Key != order.Key) problems.Add("not the key's order");
            if (!row.TotalsAdd) problems.Add("total ≠ subtotal − discount + tax + shipping + core charges");
            if (!row.SubtotalIsLines) problems.Add("subtotal ≠ sum of lines");
            if (!row.LinesPriced) problems.Add("a line total ≠ quantity × unit price");
            if (row.Parts != parts) problems.Add($"lines {row.Parts} ≠ ordered {parts}");
            if (row.Payment != "Captured" || !row.PaymentIsTotal) problems.Add($"payment {row.Payment ?? "none"}");
            if (row.Reservation != "Confirmed") problems.Add("reservation " + (row.Reservation ?? "none"));
            if (row.Held != row.Units || row.Ledger != row.Units) problems.Add($"units {row.Units}, reservation lines {row.Held}, ledger reserved {row.Ledger}");
            if (problems.Count > 0)
            {
                inconsistent.Add($"{order.OrderId}: {string.Join("; ", problems)}");
            }
        }

        // Every key the client used made at most one order, however often it was retried (the key is in ship_line2).
        var keys = sent.Select(o => o.Key).ToArray();
        var duplicates = await BenchDatabase.ListAsync(db, """
            SELECT ship_line2, count(*) FROM orders WHERE ship_line2 = ANY(@keys) GROUP BY ship_line2 HAVING count(*) > 1
            """, r => $"{r.GetString(0)} ×{r.GetInt64(1)}", ct, ("keys", keys));
        var retried = sent.Count(o => o.Attempts > 1);
        return
        [
            Check.Of("orders answered 201 (at least one)", true, acknowledged.Count > 0),
            Check.Of($"orders answered 201 missing from the database (of {acknowledged.Count})", 0, missing),
            Check.Of($"orders answered 201 inconsistent (status, lines, totals, payment, reservation, ledger){Sample(inconsistent)}", 0, inconsistent.Count),
            Check.Of($"Idempotency-Keys with more than one order (of {keys.Length} keys, {retried} retried){Sample(duplicates)}", 0, duplicates.Count),
        ];
    }

    /// <summary>
    /// Every push answered 202 is in the inbox once, applied, with exactly one ledger movement; and each push level's on
    /// hand equals the number of stored pushes for it (each carries +1): nothing applied twice, nothing stored and lost.
    /// </summary>
    public static async Task<List<Check>> PushesAsync(string connection, Shop shop, IReadOnlyCollection<SentPush> sent, CancellationToken ct)
    {
        await using var db = await OpenAsync(connection, ct);
        var inbox = (await BenchDatabase.ListAsync(db, """
            SELECT m."MessageId", m."ProcessedAt" IS NOT NULL, COALESCE(m."Outcome", ''),
                   (SELECT count(*) FROM stock_movements s WHERE s."ReferenceType" = 'SupplierPush' AND s."ReferenceId" = m."Id"::text)
            FROM inbox_messages m WHERE m."Source" = @source
            """, r => (Id: r.GetString(0), Processed: r.GetBoolean(1), Outcome: r.GetString(2), Movements: r.GetInt64(3)), ct,
            ("source", "supplier:" + shop.SupplierId.ToString(CultureInfo.InvariantCulture))))
            .GroupBy(m => m.Id).ToDictionary(g => g.Key, g => g.ToList());
        var acknowledged = sent.Where(p => p.Acknowledged).ToList();
        var missing = acknowledged.Count(p => !inbox.ContainsKey(p.MessageId));
        var notOnce = acknowledged.Where(p => inbox.TryGetValue(p.MessageId, out var rows) && (rows.Count != 1 || !rows[0].Processed || rows[0].Movements != 1))
            .Select(p => $"{p.MessageId}: {string.Join(" | ", inbox[p.MessageId].Select(m => $"processed={m.Processed} movements={m.Movements} {m.Outcome}"))}")
            .ToList();
        var duplicateEvents = await BenchDatabase.ListAsync(db, """
            SELECT "EventId" FROM supplier_events WHERE "SupplierId" = @s GROUP BY "EventId" HAVING count(*) > 1
            """, r => r.GetString(0), ct, ("s", shop.SupplierId));

        // Stored pushes per SKU (acknowledged or not: one cut off after its commit is stored too) against the levels.
        var skuOf = sent.GroupBy(p => p.MessageId).ToDictionary(g => g.Key, g => g.First().Sku);
        var expected = inbox.Keys.Where(skuOf.ContainsKey).GroupBy(id => skuOf[id]).ToDictionary(g => g.Key, g => (long)g.Count());
        var levels = (await BenchDatabase.ListAsync(db, """
            SELECT p."Sku", l."OnHand" FROM stock_levels l JOIN parts p ON p."Id" = l."PartId" JOIN warehouses w ON w."Id" = l."WarehouseId"
            WHERE w."Code" = @code
            """, r => (Sku: r.GetString(0), OnHand: (long)r.GetInt32(1)), ct, ("code", shop.PushWarehouse))).ToDictionary(l => l.Sku, l => l.OnHand);
        var wrongLevels = shop.PushSkus
            .Where(sku => levels.GetValueOrDefault(sku) != expected.GetValueOrDefault(sku))
            .Select(sku => $"{sku}: on hand {levels.GetValueOrDefault(sku)}, stored pushes {expected.GetValueOrDefault(sku)}")
            .ToList();
        return
        [
            Check.Of("pushes answered 202 (at least one)", true, acknowledged.Count > 0),
            Check.Of($"pushes answered 202 missing from the inbox (of {acknowledged.Count})", 0, missing),
            Check.Of($"pushes answered 202 not applied exactly once (one inbox row, processed, one ledger movement){Sample(notOnce)}", 0, notOnce.Count),
            Check.Of("supplier event ids recorded more than once", 0, duplicateEvents.Count),
            Check.Of($"push levels whose on hand ≠ stored pushes (+1 each){Sample(wrongLevels)}", 0, wrongLevels.Count),
        ];
    }

    /// <summary>Waits (bounded) until the supplier's inbox has nothing left to apply; returns the seconds it took, or null.</summary>
    public static async Task<double?> DrainInboxAsync(string connection, long supplierId, TimeSpan timeout, CancellationToken ct)
    {
        await using var db = await OpenAsync(connection, ct);
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < timeout)
        {
            var pending = await BenchDatabase.ListAsync(db, """SELECT count(*) FROM inbox_messages WHERE "ProcessedAt" IS NULL AND "Source" = @source""",
                r => r.GetInt64(0), ct, ("source", "supplier:" + supplierId.ToString(CultureInfo.InvariantCulture)));
            if (pending[0] == 0)
            {
                return Math.Round(clock.Elapsed.TotalSeconds, 1);
            }

            await Task.Delay(250, ct);
        }

        return null;
    }

    /// <summary>
    /// The expiry worker released what expired: waits (bounded) until no held reservation is more than
    /// <paramref name="slack"/> past its expiry, then checks the reservations the client made are all expired.
    /// </summary>
    public static async Task<List<Check>> ReservationsAsync(
        string connection, IReadOnlyCollection<Guid> made, TimeSpan slack, TimeSpan timeout, CancellationToken ct)
    {
        await using var db = await OpenAsync(connection, ct);
        var clock = Stopwatch.StartNew();
        long overdue;
        do
        {
            overdue = (await BenchDatabase.ListAsync(db,
                """SELECT count(*) FROM reservations WHERE "Status" = 'Held' AND "ExpiresAt" < now() - make_interval(secs => @slack)""",
                r => r.GetInt64(0), ct, ("slack", slack.TotalSeconds)))[0];
            if (overdue == 0)
            {
                break;
            }

            await Task.Delay(500, ct);
        }
        while (clock.Elapsed < timeout);

        var states = await BenchDatabase.ListAsync(db, """SELECT "Status", count(*) FROM reservations WHERE "Id" = ANY(@ids) GROUP BY "Status" ORDER BY 1""",
            r => $"{r.GetString(0)}: {r.GetInt64(1)}", ct, ("ids", made.ToArray()));
        var lingering = (await BenchDatabase.ListAsync(db,
            """SELECT count(*) FROM reservations WHERE "Id" = ANY(@ids) AND "Status" <> 'Expired'""", r => r.GetInt64(0), ct, ("ids", made.ToArray())))[0];
        return
        [
            Check.Of("reservations answered 201 (at least one)", true, made.Count > 0),
            Check.Of($"held reservations more than {slack.TotalSeconds:F0} s past their expiry", 0L, overdue),
            Check.Of($"reservations answered 201 not expired by the worker ({string.Join(", ", states)})", 0L, lingering),
        ];
    }

    /// <summary>The API's own verifications: the ledger reconciles with every stock level, and the audit chain is intact.</summary>
    public static async Task<List<Check>> ApiAsync(Traffic traffic, Shop shop, CancellationToken ct)
    {
        var reconciliation = await traffic.SendAsync("verify", shop.AsAdmin(new HttpRequestMessage(HttpMethod.Get, "/api/v1/inventory/reconciliation")), ct);
        var audit = await traffic.SendAsync("verify", shop.AsAdmin(new HttpRequestMessage(HttpMethod.Get, "/api/v1/admin/audit-log/verify")), ct);
        return
        [
            new Check("GET /api/v1/inventory/reconciliation consistent", "200 True",
                $"{reconciliation.Status} {Field(reconciliation, "consistent")}{Detail(reconciliation, "driftCount")}"),
            Check.Of("GET /api/v1/admin/audit-log/verify intact", "200 True", $"{audit.Status} {Field(audit, "intact")}"),
        ];
    }

    private static string Detail(Outcome o, string name) => Field(o, "consistent") == "True" ? "" : $" ({name} {Field(o, name)})";

    private static string Field(Outcome o, string name)
    {
        try
        {
            using var json = JsonDocument.Parse(o.Body);
            return json.RootElement.TryGetProperty(name, out var v)
                ? v.ValueKind switch { JsonValueKind.True => "True", JsonValueKind.False => "False", _ => v.ToString() }
                : "?";
        }
        catch (JsonException)
        {
            return "?";
        }
    }

    private static async Task<NpgsqlConnection> OpenAsync(string connection, CancellationToken ct)
    {
        var db = new NpgsqlConnection(connection);
        await db.OpenAsync(ct);
        return db;
    }

    private static string Sample(IReadOnlyList<string> items) => items.Count == 0 ? "" : " — e.g. " + string.Join("; ", items.Take(3));
}
