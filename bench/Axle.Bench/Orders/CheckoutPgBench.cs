using Axle.Bench.Inventory;

namespace Axle.Bench.Orders;

/// <summary>
/// The database's own ceiling for a checkout: pgbench runs the SQL that one <c>POST /api/v1/orders</c> of 3 lines paid
/// with <c>tok_visa</c> sends on PostgreSQL (captured with EF Core command logging, 2026-12-07 on main d99691b), with three
/// distinct uniformly random levels of the run's parts per order, in prepared mode. One pgbench "transaction" is one
/// order, so its tps compares with Axle's orders/s.
/// </summary>
/// <remarks>
/// <para>
/// Variables (<c>-D</c>): <c>first_level</c>..<c>last_level</c>, the run's levels, contiguous and in step with their parts
/// from <c>first_part</c>, all in warehouse <c>warehouse</c>; <c>user_id</c>, the bench's customer; <c>subtotal</c>,
/// <c>shipping</c>, <c>tax</c>, <c>tax_rate</c>, <c>jurisdiction</c> and <c>total</c>, an Axle order's figures from the same
/// run (every part costs the same, so every order of 3 units totals the same); <c>response_bytes</c>, the size of the
/// answer Axle stored for it.
/// </para>
/// <para>
/// pgbench cannot <c>\gset</c> inside a pipeline, so the rows take their ids from a random number (md5 → uuid, where Axle
/// makes UUIDv7s and derives the order id from the idempotency claim), and the part facts (SKU, part number, name,
/// price), warehouse code and the level's new quantities from primary-key subqueries: a few index probes more than Axle's
/// parameters, no round trip more. pgbench turns every <c>:name</c> into a parameter, even inside a string literal, so the
/// JSON literals here never put a letter right after a colon.
/// </para>
/// <para>
/// The rows are a real paid order: three levels reserved (+1 each) with their three <c>Reserved</c> movements, a
/// reservation confirmed with its three lines, the order paid with its items, status history and captured payment, the
/// outbox events and audit entries. So the ledger still reconciles after pgbench (the checkout command checks it).
/// </para>
/// </remarks>
internal static class CheckoutPgBench
{
    /// <summary>
    /// The checkout's two transactions, round trip for round trip; pgbench pipelines stand in for Npgsql's batching
    /// (BEGIN goes with the first statement, as Npgsql sends it).
    /// <list type="number">
    /// <item>Place: BEGIN + the first level's conditional UPDATE … RETURNING, the second's, the third's (level id order, one
    /// round trip each), one batch of 19 inserts (audit <c>order.placed</c> and <c>inventory.reservation_created</c>, the
    /// order, outbox <c>order.created</c> and 3 × <c>inventory.changed</c>, the reservation, 3 movements, 3 order items,
    /// the status change, the payment, 3 reservation lines), COMMIT.</item>
    /// <item>Paid: BEGIN + the reservation's status claim (Held → Confirmed), the order (tracked), its payment, the
    /// drop-ship lines (reservation lines in supplier warehouses), one batch (audit <c>inventory.reservation_confirmed</c>
    /// and <c>order.paid</c>, the status change, the order's UPDATE by version, outbox <c>order.status_changed</c>, the
    /// payment's UPDATE by version), COMMIT.</item>
    /// </list>
    /// </summary>
    public static string TransactionsScript => Draw + Place + Paid;

    /// <summary>
    /// Everything one checkout sends to the database, in order: the idempotency claim; the retry check (an order under
    /// the derived id?), the pending-orders cap, the parts' facts, the allocation candidates; the place transaction; the
    /// charge's reads (order, payment, order with items); the paid transaction; the confirmation's read-back of the
    /// reservation with its lines, the answer's order with items and payment; the stored response. Three commits, as in Axle.
    /// </summary>
    public static string RequestScript => Claim + Draw + BeforePlace + Place + BeforePaid + Paid + AfterPaid + Store;

    /// <summary>The variables the checkout command passes with <c>-D</c> (the scripts set the others themselves).</summary>
    public static readonly IReadOnlyList<string> Variables =
    [
        "first_level", "last_level", "first_part", "warehouse", "user_id", "subtotal", "shipping", "tax", "tax_rate", "jurisdiction",
        "total", "response_bytes",
    ];

    private const string Order = "md5(:rid::text || 'o')::uuid";
    private const string Reservation = "md5(:rid::text)::uuid";
    private const string Payment = "md5(:rid::text || 'p')::uuid";
    private const string Number = "'PB' || to_hex(:rid::bigint)";
    private const string Actor = "'user:' || :user_id";

    // Three distinct levels, uniformly (the second skips the first, the third skips both), sorted by id as Axle locks them.
    private const string Draw = """
        \set n :last_level - :first_level + 1
        \set a random(0, :n - 1)
        \set b random(0, :n - 2)
        \set b :b + (CASE WHEN :b >= :a THEN 1 ELSE 0 END)
        \set c random(0, :n - 3)
        \set c :c + (CASE WHEN :c >= least(:a, :b) THEN 1 ELSE 0 END)
        \set c :c + (CASE WHEN :c >= greatest(:a, :b) THEN 1 ELSE 0 END)
        \set l1 :first_level + least(:a, :b, :c)
        \set l3 :first_level + greatest(:a, :b, :c)
        \set l2 :first_level + :a + :b + :c - least(:a, :b, :c) - greatest(:a, :b, :c)
        \set p1 :first_part + :l1 - :first_level
        \set p2 :first_part + :l2 - :first_level
        \set p3 :first_part + :l3 - :first_level
        \set rid random(1, 9007199254740991)
        \set delta_on_hand 0
        \set delta_reserved 1
        \set net 1

        """;

    private static string Place =>
        "\\startpipeline\nBEGIN;\n" + PgBench.LevelUpdate("l1") + "\\endpipeline\n" + PgBench.LevelUpdate("l2") + PgBench.LevelUpdate("l3") +
        "\\startpipeline\n" + $$"""
        INSERT INTO audit_log ("Action", "ActorId", "ActorType", "ChainSequence", "Details", "Hash", "Ip", "OccurredAt", "Outcome", "PreviousHash", "Target", "TraceId")
        VALUES ('order.placed', :user_id, 'user', NULL,
                '{"number":"' || {{Number}} || '","total":' || :total::text || ',"currency":"USD","lines":[{"partId":' || :p1::text
                || ',"quantity":1},{"partId":' || :p2::text || ',"quantity":1},{"partId":' || :p3::text || ',"quantity":1}]}',
                NULL, '127.0.0.1', now(), 'Success', NULL, 'order/' || {{Order}}::text, md5(:rid::text))
        RETURNING "Id";
        INSERT INTO audit_log ("Action", "ActorId", "ActorType", "ChainSequence", "Details", "Hash", "Ip", "OccurredAt", "Outcome", "PreviousHash", "Target", "TraceId")
        VALUES ('inventory.reservation_created', :user_id, 'user', NULL,
                '{"referenceType":"order","referenceId":"' || {{Order}}::text || '","lines":[{"partId":' || :p1::text || ',"warehouseId":'
                || :warehouse::text || ',"quantity":1},{"partId":' || :p2::text || ',"warehouseId":' || :warehouse::text
                || ',"quantity":1},{"partId":' || :p3::text || ',"warehouseId":' || :warehouse::text || ',"quantity":1}]}',
                NULL, '127.0.0.1', now(), 'Success', NULL, 'reservation/' || {{Reservation}}::text, md5(:rid::text))
        RETURNING "Id";
        INSERT INTO orders ("Id", "AttentionNote", "CoreChargesMinor", "CreatedAt", "Currency", "DiscountMinor", "NeedsAttention", "Number", "PaidAt", "PromotionCode", "ReservationId", "ShippingMethod", "ShippingMinor", "Status", "SubtotalMinor", "TaxJurisdiction", "TaxMinor", "TaxRatePercent", "TotalMinor", "UpdatedAt", "UserId", "VehicleEngine", "VehicleMake", "VehicleModel", "VehicleVin", "VehicleYear", "Version", ship_city, ship_country, ship_line1, ship_line2, ship_name, ship_phone, ship_postal_code, ship_region)
        VALUES ({{Order}}, NULL, 0, now(), 'USD', 0, FALSE, {{Number}}, NULL, NULL, {{Reservation}}, 'standard', :shipping, 'PendingPayment',
                :subtotal, :jurisdiction, :tax, :tax_rate, :total, now(), :user_id::uuid, NULL, NULL, NULL, NULL, NULL, 1,
                'Dallas', 'US', '1 Bench Way', NULL, 'Bench Buyer', NULL, '75212', 'TX');
        INSERT INTO outbox_messages ("Id", "Attempts", "DeliveredAt", "OccurredAt", "Payload", "Type")
        VALUES (gen_random_uuid(), 0, NULL, now(),
                '{"orderId":"' || {{Order}}::text || '","number":"' || {{Number}} || '","userId":"' || :user_id
                || '","status":"pending_payment","total":' || round(:total::numeric / 100, 2)::text || ',"currency":"USD"}', 'order.created');

        """ + LevelChanged("l1") + LevelChanged("l2") + LevelChanged("l3") + $$"""
        INSERT INTO reservations ("Id", "Actor", "ClosedAt", "CreatedAt", "ExpiresAt", "ReferenceId", "ReferenceType", "Status", "Version")
        VALUES ({{Reservation}}, {{Actor}}, NULL, now(), now() + interval '15 minutes', {{Order}}::text, 'order', 'Held', 1);

        """ + Movement("p1") + Movement("p2") + Movement("p3")
        + Item("p1") + Item("p2") + Item("p3") + $$"""
        INSERT INTO order_status_changes ("Actor", "At", "From", "Note", "OrderId", "To")
        VALUES ({{Actor}}, now(), NULL, 'Order placed.', {{Order}}, 'PendingPayment')
        RETURNING "Id";
        INSERT INTO payments ("Id", "AmountMinor", "CreatedAt", "Currency", "FailureCode", "Gateway", "IdempotencyKey", "Method", "OrderId", "Reference", "RefundedMinor", "Status", "UpdatedAt", "Version")
        VALUES ({{Payment}}, :total, now(), 'USD', NULL, 'test', 'order:' || {{Order}}::text, 'card', {{Order}}, NULL, 0, 'Pending', now(), 1);

        """ + Line("l1", "p1") + Line("l2", "p2") + Line("l3", "p3") + "\\endpipeline\nCOMMIT;\n";

    private static string Paid => $$"""
        \startpipeline
        BEGIN;
        UPDATE reservations AS r
        SET "Status" = 'Confirmed', "Version" = r."Version" + 1
        WHERE r."Id" = {{Reservation}} AND r."Status" = 'Held';
        \endpipeline
        {{OrderRow}}
        {{PaymentRow}}
        SELECT r."PartId", r."WarehouseId", s."SupplierId", r."Quantity"
        FROM reservation_lines AS r
        INNER JOIN supplier_warehouses AS s ON r."WarehouseId" = s."WarehouseId"
        WHERE r."ReservationId" = {{Reservation}};
        \startpipeline
        INSERT INTO audit_log ("Action", "ActorId", "ActorType", "ChainSequence", "Details", "Hash", "Ip", "OccurredAt", "Outcome", "PreviousHash", "Target", "TraceId")
        VALUES ('inventory.reservation_confirmed', :user_id, 'user', NULL, '{"actor":"user:' || :user_id || '"}',
                NULL, '127.0.0.1', now(), 'Success', NULL, 'reservation/' || {{Reservation}}::text, md5(:rid::text))
        RETURNING "Id";
        INSERT INTO audit_log ("Action", "ActorId", "ActorType", "ChainSequence", "Details", "Hash", "Ip", "OccurredAt", "Outcome", "PreviousHash", "Target", "TraceId")
        VALUES ('order.paid', :user_id, 'user', NULL,
                '{"number":"' || {{Number}} || '","amount":' || :total::text || ',"reference":"pi_test_' || left(md5(:rid::text || 'r'), 24) || '"}',
                NULL, '127.0.0.1', now(), 'Success', NULL, 'order/' || {{Order}}::text, md5(:rid::text))
        RETURNING "Id";
        INSERT INTO order_status_changes ("Actor", "At", "From", "Note", "OrderId", "To")
        VALUES ({{Actor}}, now(), 'PendingPayment', 'Payment captured.', {{Order}}, 'Paid')
        RETURNING "Id";
        UPDATE orders SET "PaidAt" = now(), "Status" = 'Paid', "UpdatedAt" = now(), "Version" = 2
        WHERE "Id" = {{Order}} AND "Version" = 1;
        INSERT INTO outbox_messages ("Id", "Attempts", "DeliveredAt", "OccurredAt", "Payload", "Type")
        VALUES (gen_random_uuid(), 0, NULL, now(),
                '{"orderId":"' || {{Order}}::text || '","number":"' || {{Number}}
                || '","from":"pending_payment","to":"paid","note":"Payment captured.","at":"' || (to_json(now()) #>> '{}') || '"}',
                'order.status_changed');
        UPDATE payments SET "Reference" = 'pi_test_' || left(md5(:rid::text || 'r'), 24), "Status" = 'Captured', "UpdatedAt" = now(), "Version" = 2
        WHERE "Id" = {{Payment}} AND "Version" = 1;
        \endpipeline
        COMMIT;

        """;

    // The idempotency filter's claim: one INSERT … ON CONFLICT DO NOTHING RETURNING (its own pooled context).
    private const string Claim = """
        \set key random(1, 1000000000000000)
        INSERT INTO idempotency_keys ("CallerKey", "Method", "Route", "Key", "Fingerprint", "ClaimToken", "ClaimedAt", "ExpiresAt")
        VALUES (:user_id, 'POST', '/api/v1/orders/', :key, md5(:key::text) || md5(:key::text), md5('t' || :key::text)::uuid, now(),
                now() + interval '24 hours')
        ON CONFLICT ("CallerKey", "Method", "Route", "Key") DO NOTHING
        RETURNING "Id" AS idempotency_id \gset

        """;

    // The handler's reads before the place transaction: the retry check, the pending cap, the parts, the candidates.
    private static string BeforePlace => $$"""
        SELECT EXISTS (
            SELECT 1
            FROM orders AS o
            WHERE o."Id" = {{Order}} AND o."UserId" = :user_id::uuid);
        SELECT count(*)::int
        FROM orders AS o
        WHERE o."UserId" = :user_id::uuid AND o."Status" = 'PendingPayment';
        SELECT p."Id", p."Sku", p."PartNumber", p."Name", p."Status", p."PriceMinor", p."Currency", p."CoreChargeMinor", p."Hazmat", p."WeightGrams", p."BrandId", p."CategoryId"
        FROM parts AS p
        WHERE p."Id" = ANY (ARRAY[:p1, :p2, :p3]::bigint[]);
        SELECT s."Id", s."PartId", s."WarehouseId", s."OnHand" - s."Reserved", w."AddressCountry", w."AddressRegion"
        FROM stock_levels AS s
        INNER JOIN warehouses AS w ON s."WarehouseId" = w."Id"
        WHERE s."PartId" = ANY (ARRAY[:p1, :p2, :p3]::bigint[]) AND w."Active" AND s."OnHand" > s."Reserved";

        """;

    // The charge's reads: the order and its payment (ChargeAsync), the order with its items (MarkPaidAsync).
    private static string BeforePaid => OrderRow + "\n" + PaymentRow + "\n" + OrderWithItems + "\n";

    // After the paid transaction: the reservation read back (ConfirmAsync's outcome), then the answer's order and payment.
    private static string AfterPaid => $$"""
        SELECT r1."Id", r1."Actor", r1."ClosedAt", r1."CreatedAt", r1."ExpiresAt", r1."ReferenceId", r1."ReferenceType", r1."Status", r1."Version", r0."Id", r0."PartId", r0."Quantity", r0."ReservationId", r0."ShippedQuantity", r0."StockLevelId", r0."WarehouseId"
        FROM (
            SELECT r."Id", r."Actor", r."ClosedAt", r."CreatedAt", r."ExpiresAt", r."ReferenceId", r."ReferenceType", r."Status", r."Version"
            FROM reservations AS r
            WHERE r."Id" = {{Reservation}}
            LIMIT 1
        ) AS r1
        LEFT JOIN reservation_lines AS r0 ON r1."Id" = r0."ReservationId"
        ORDER BY r1."Id";

        """ + OrderWithItems + "\n" + PaymentRow + "\n";

    // The idempotency filter stores the answer (a 201 with the order) under the claim it still holds.
    private const string Store = """
        UPDATE idempotency_keys
        SET "ResponseStatus" = 201, "ResponseBody" = convert_to(repeat('x', :response_bytes), 'UTF8'), "ResponseContentType" = 'application/json; charset=utf-8',
            "ResponseLocation" = '/api/v1/orders/' || md5(:rid::text || 'o')::uuid::text, "ResponseETag" = NULL, "CompletedAt" = now()
        WHERE "Id" = :idempotency_id AND "ClaimToken" = md5('t' || :key::text)::uuid;
        """;

    private const string OrderColumns = """
        "Id", "AttentionNote", "CoreChargesMinor", "CreatedAt", "Currency", "DiscountMinor", "NeedsAttention", "Number", "PaidAt", "PromotionCode", "ReservationId", "ShippingMethod", "ShippingMinor", "Status", "SubtotalMinor", "TaxJurisdiction", "TaxMinor", "TaxRatePercent", "TotalMinor", "UpdatedAt", "UserId", "VehicleEngine", "VehicleMake", "VehicleModel", "VehicleVin", "VehicleYear", "Version", ship_city, ship_country, ship_line1, ship_line2, ship_name, ship_phone, ship_postal_code, ship_region
        """;

    private static string OrderRow =>
        $"SELECT {Prefixed("o")}\nFROM orders AS o\nWHERE o.\"Id\" = {Order}\nLIMIT 1;";

    private static string PaymentRow => $$"""
        SELECT p."Id", p."AmountMinor", p."CreatedAt", p."Currency", p."FailureCode", p."Gateway", p."IdempotencyKey", p."Method", p."OrderId", p."Reference", p."RefundedMinor", p."Status", p."UpdatedAt", p."Version"
        FROM payments AS p
        WHERE p."OrderId" = {{Order}}
        LIMIT 1;
        """;

    private static string OrderWithItems => $$"""
        SELECT {{Prefixed("o1")}}, o0."Id", o0."CoreForItemId", o0."Fit", o0."FitAcknowledged", o0."Hazmat", o0."Kind", o0."LineTotalMinor", o0."Name", o0."OrderId", o0."PartId", o0."PartNumber", o0."Quantity", o0."Sku", o0."UnitPriceMinor"
        FROM (
            SELECT {{Prefixed("o")}}
            FROM orders AS o
            WHERE o."Id" = {{Order}}
            LIMIT 1
        ) AS o1
        LEFT JOIN order_items AS o0 ON o1."Id" = o0."OrderId"
        ORDER BY o1."Id";
        """;

    private static string Prefixed(string alias) =>
        string.Join(", ", OrderColumns.Split(", ").Select(c => $"{alias}.{c.Trim()}"));


    private static string LevelChanged(string level) => $$$"""
        INSERT INTO outbox_messages ("Id", "Attempts", "DeliveredAt", "OccurredAt", "Payload", "Type")
        SELECT gen_random_uuid(), 0, NULL, now(),
               '{"partId":' || s."PartId"::text || ',"sku":"' || p."Sku" || '","warehouseId":' || s."WarehouseId"::text || ',"warehouseCode":"' || w."Code"
               || '","onHand":' || s."OnHand"::text || ',"reserved":' || s."Reserved"::text || ',"available":' || (s."OnHand" - s."Reserved")::text
               || ',"deltaOnHand":0,"deltaReserved":1,"reason":"reserved","reference":{"type":"reservation","id":"' || {{{Reservation}}}::text || '"}}',
               'inventory.changed'
        FROM stock_levels s JOIN parts p ON p."Id" = s."PartId" JOIN warehouses w ON w."Id" = s."WarehouseId"
        WHERE s."Id" = :{{{level}}};

        """;

    private static string Movement(string part) => $$"""
        INSERT INTO stock_movements ("Actor", "DeltaOnHand", "DeltaReserved", "Note", "OccurredAt", "PartId", "Reason", "ReferenceId", "ReferenceType", "WarehouseId")
        VALUES ({{Actor}}, :delta_on_hand, :delta_reserved, NULL, now(), :{{part}}, 'Reserved', {{Reservation}}::text, 'Reservation', :warehouse)
        RETURNING "Id";

        """;

    private static string Item(string part) => $$"""
        INSERT INTO order_items ("Id", "CoreForItemId", "Fit", "FitAcknowledged", "Hazmat", "Kind", "LineTotalMinor", "Name", "OrderId", "PartId", "PartNumber", "Quantity", "Sku", "UnitPriceMinor")
        SELECT md5(:rid::text || '{{part}}')::uuid, NULL, 'unknown', FALSE, p."Hazmat", 'Part', p."PriceMinor", p."Name", {{Order}}, p."Id", p."PartNumber", 1, p."Sku", p."PriceMinor"
        FROM parts p WHERE p."Id" = :{{part}};

        """;

    private static string Line(string level, string part) => $$"""
        INSERT INTO reservation_lines ("PartId", "Quantity", "ReservationId", "ShippedQuantity", "StockLevelId", "WarehouseId")
        VALUES (:{{part}}, 1, {{Reservation}}, 0, :{{level}}, :warehouse)
        RETURNING "Id";

        """;
}
