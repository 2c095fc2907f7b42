using System.Buffers;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Net.Http.Headers;

namespace Axle.SupplierSim;

/// <summary>The supplier's native stock feed: cursor pages, numbered pages and two full-file downloads.</summary>
internal static class FeedEndpoints
{
    public const int DefaultLimit = 500;
    public const int MaxLimit = 5000;

    /// <summary>Most part numbers one <c>partNos</c> filter may name.</summary>
    public const int MaxPartNos = 1000;
    private const int FileChunk = 2000;
    private const string JsonType = "application/json; charset=utf-8";

    private static readonly JsonEncodedText PartNo = JsonEncodedText.Encode("partNo");
    private static readonly JsonEncodedText Whse = JsonEncodedText.Encode("whse");
    private static readonly JsonEncodedText QtyAvail = JsonEncodedText.Encode("qtyAvail");
    private static readonly JsonEncodedText QuantityAvailable = JsonEncodedText.Encode("quantityAvailable");
    private static readonly JsonEncodedText Uom = JsonEncodedText.Encode("uom");
    private static readonly JsonEncodedText UnitPrice = JsonEncodedText.Encode("unitPrice");
    private static readonly JsonEncodedText Currency = JsonEncodedText.Encode("currency");
    private static readonly JsonEncodedText LastUpdated = JsonEncodedText.Encode("lastUpdated");

    public static void MapFeed(this IEndpointRouteBuilder app, SupplierSimulator sim)
    {
        app.MapGet("/feed/stock", (HttpContext ctx) => CursorPage(ctx, sim));
        app.MapGet("/feed/stock/pages", (HttpContext ctx) => NumberedPage(ctx, sim));
        app.MapGet("/feed/stock.csv", (HttpContext ctx) => FullFile(ctx, sim, csv: true));
        app.MapGet("/feed/stock.json", (HttpContext ctx) => FullFile(ctx, sim, csv: false));
    }

    internal static Task Error(HttpContext ctx, int status, string code)
    {
        ctx.Response.StatusCode = status;
        ctx.Response.ContentType = JsonType;
        return ctx.Response.WriteAsync($"{{\"error\":\"{code}\"}}", ctx.RequestAborted);
    }

    private static async Task CursorPage(HttpContext ctx, SupplierSimulator sim)
    {
        var query = ctx.Request.Query;
        if (!TryInt(query["limit"], DefaultLimit, 1, MaxLimit, out var limit))
        {
            await Error(ctx, 400, "invalid_limit");
            return;
        }

        long since;
        long after = 0;
        var cursorText = query["cursor"].ToString();
        if (cursorText.Length > 0)
        {
            if (FeedCursor.TryDecode(cursorText) is not { } cursor)
            {
                await Error(ctx, 400, "invalid_cursor");
                return;
            }

            if (!sim.IsCursorCurrent(cursor))
            {
                await Error(ctx, 410, "cursor_expired");
                return;
            }

            since = cursor.Since;
            after = cursor.AfterSequence;
        }
        else if (!TrySince(query["updated_since"], out since))
        {
            await Error(ctx, 400, "invalid_updated_since");
            return;
        }

        var partNos = query["partNos"].ToString();
        var wanted = partNos.Length == 0 ? null : partNos.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (wanted is { Length: > MaxPartNos })
        {
            await Error(ctx, 400, "too_many_part_numbers");
            return;
        }

        var fault = ShapeFault(ctx);
        var rows = new List<StockRow>(Math.Min(limit, 1024));
        var more = false;
        long version;
        if (wanted is null)
        {
            sim.Catalog.ReadAfter(after, since, limit, rows, out more, out version);
        }
        else
        {
            // A few named records (a client syncing what sells first): one page, no cursor.
            sim.Catalog.ReadParts(wanted, since, rows, out version);
        }

        if (NotModified(ctx, sim, version, fault))
        {
            return;
        }

        string? next = null;
        if (more && rows.Count > 0)
        {
            // A duplicating supplier rewinds its cursor a little, so the next page starts with items already sent.
            var last = fault?.Kind == FaultKind.Duplicates && rows.Count > 2 ? rows[^3] : rows[^1];
            next = sim.NewCursor(last.Sequence, since).Encode();
        }

        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteStartArray("items");
            WriteItems(writer, Shape(rows, fault, 0), sim.Catalog, fault);
            writer.WriteEndArray();
            writer.WriteString("nextCursor", next);
            writer.WriteEndObject();
        }

        sim.Counters.Records(rows.Count);
        await WriteBuffered(ctx, buffer, fault);
    }

    private static async Task NumberedPage(HttpContext ctx, SupplierSimulator sim)
    {
        var query = ctx.Request.Query;
        if (!TryInt(query["page"], 1, 1, int.MaxValue, out var page)
            || !TryInt(query["pageSize"], DefaultLimit, 1, MaxLimit, out var pageSize))
        {
            await Error(ctx, 400, "invalid_page");
            return;
        }

        if (!TrySince(query["updated_since"], out var since))
        {
            await Error(ctx, 400, "invalid_updated_since");
            return;
        }

        var fault = ShapeFault(ctx);
        var rows = new List<StockRow>(Math.Min(pageSize, 1024));
        var total = sim.Catalog.ReadOffset(since, (long)(page - 1) * pageSize, pageSize, rows, out var version);
        if (NotModified(ctx, sim, version, fault))
        {
            return;
        }

        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteStartArray("items");
            WriteItems(writer, Shape(rows, fault, 0), sim.Catalog, fault);
            writer.WriteEndArray();
            writer.WriteNumber("page", page);
            writer.WriteNumber("pageSize", pageSize);
            writer.WriteNumber("totalPages", (total + pageSize - 1) / pageSize);
            writer.WriteEndObject();
        }

        sim.Counters.Records(rows.Count);
        await WriteBuffered(ctx, buffer, fault);
    }

    /// <summary>
    /// Streams every live record in chunks read under the catalog lock, so a million records never sit in memory at once. A
    /// record changed mid-download moves to the end and is sent again with its new values; none is skipped.
    /// </summary>
    private static async Task FullFile(HttpContext ctx, SupplierSimulator sim, bool csv)
    {
        if (!TrySince(ctx.Request.Query["updated_since"], out var since))
        {
            await Error(ctx, 400, "invalid_updated_since");
            return;
        }

        var fault = ShapeFault(ctx);
        if (NotModified(ctx, sim, sim.Catalog.Version, fault))
        {
            return;
        }

        var ct = ctx.RequestAborted;
        ctx.Response.ContentType = csv ? "text/csv; charset=utf-8" : JsonType;
        var pipe = ctx.Response.BodyWriter;
        var cutAfter = fault?.Kind == FaultKind.MalformedBody ? Math.Max(1, sim.Catalog.Count / 2) : long.MaxValue;
        var rows = new List<StockRow>(FileChunk);
        var text = new StringBuilder();
        var drift = fault?.Kind == FaultKind.SchemaDrift;
        using var json = csv ? null : new Utf8JsonWriter(pipe);
        if (csv)
        {
            Encoding.UTF8.GetBytes($"partNo,whse,{(drift ? "quantityAvailable" : "qtyAvail")},uom,unitPrice,currency,lastUpdated\n", pipe);
        }
        else
        {
            json!.WriteStartArray();
        }

        long after = 0;
        long sent = 0;
        bool more;
        do
        {
            rows.Clear();
            sim.Catalog.ReadAfter(after, since, FileChunk, rows, out more, out _);
            if (rows.Count == 0)
            {
                break;
            }

            after = rows[^1].Sequence;
            var items = Shape(rows, fault, sent);
            if (csv)
            {
                text.Clear();
                foreach (var item in items)
                {
                    AppendCsv(text, item, sim.Catalog);
                }

                Encoding.UTF8.GetBytes(text.ToString(), pipe);
            }
            else
            {
                WriteItems(json!, items, sim.Catalog, fault);
                json!.Flush();
            }

            sent += rows.Count;
            sim.Counters.Records(rows.Count);
            if (sent >= cutAfter)
            {
                // Cut mid-record, the way a dropped upstream connection leaves a file.
                Encoding.UTF8.GetBytes(csv ? "SP-0" : ",{\"partNo\":\"SP-0", pipe);
                await pipe.FlushAsync(ct);
                return;
            }

            await pipe.FlushAsync(ct);
        }
        while (more);

        if (csv)
        {
            await pipe.FlushAsync(ct);
        }
        else
        {
            json!.WriteEndArray();
            json.Flush();
            await pipe.FlushAsync(ct);
        }
    }

    private static Fault? ShapeFault(HttpContext ctx) => ctx.Items[SupplierSimulator.FaultItem] as Fault;

    /// <summary>Sets ETag and Last-Modified; answers 304 when the client already has this representation.</summary>
    private static bool NotModified(HttpContext ctx, SupplierSimulator sim, long version, Fault? fault)
    {
        var request = ctx.Request;
        var gzip = request.Headers.AcceptEncoding.ToString().Contains("gzip", StringComparison.OrdinalIgnoreCase);
        // The representation depends on the data version, the exact request and the content coding; a shaped (faulty) body
        // gets its own tag so a client retrying it is not told "not modified".
        var key = $"{version}|{request.Path}{request.QueryString}|{(gzip ? "gzip" : "identity")}|{fault?.Kind}";
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(key));
        var etag = $"\"{version.ToString(CultureInfo.InvariantCulture)}-{Convert.ToHexStringLower(hash, 0, 8)}\"";
        var lastModified = sim.Catalog.LastModified;
        var headers = ctx.Response.Headers;
        headers.ETag = etag;
        headers.LastModified = lastModified.ToString("R", CultureInfo.InvariantCulture);
        headers.CacheControl = "no-cache";

        var match = request.Headers.IfNoneMatch;
        bool notModified;
        if (match.Count > 0)
        {
            notModified = EntityTagHeaderValue.TryParseList(match, out var tags)
                // If-None-Match compares weakly (RFC 9110 13.1.2): W/"x" matches "x".
                && tags.Any(t => t.Tag == "*" || t.Tag.Value == etag);
        }
        else
        {
            notModified = DateTimeOffset.TryParse(request.Headers.IfModifiedSince.ToString(), CultureInfo.InvariantCulture,
                    DateTimeStyles.AssumeUniversal, out var since)
                && lastModified <= since;
        }

        if (!notModified)
        {
            return false;
        }

        ctx.Response.StatusCode = StatusCodes.Status304NotModified;
        return true;
    }

    private static async Task WriteBuffered(HttpContext ctx, ArrayBufferWriter<byte> buffer, Fault? fault)
    {
        ctx.Response.ContentType = JsonType;
        var body = buffer.WrittenMemory;
        if (fault?.Kind == FaultKind.MalformedBody)
        {
            body = body[..(body.Length / 2)];
        }

        await ctx.Response.Body.WriteAsync(body, ctx.RequestAborted);
    }

    private readonly record struct FeedItem(StockRow Row, int Qty, long Time, bool DropQty, bool DropPartNo);

    private static List<FeedItem> Shape(List<StockRow> rows, Fault? fault, long offset)
    {
        var items = new List<FeedItem>(rows.Count + 8);
        var kind = fault?.Kind;
        for (var i = 0; i < rows.Count; i++)
        {
            var row = rows[i];
            var drop = kind == FaultKind.MissingFields && (offset + i) % 3 == 1;
            items.Add(new FeedItem(row, row.Qty, row.Time, drop && fault!.Field == FaultField.QtyAvail, drop && fault!.Field == FaultField.PartNo));
            if (kind == FaultKind.OutOfOrder && i % 5 == 0)
            {
                // A stale copy after the current one: a client must keep the newer lastUpdated, not the last one seen.
                items.Add(new FeedItem(row, row.Qty + 7, row.Time - 3600, false, false));
            }
        }

        if (kind == FaultKind.Duplicates)
        {
            for (var i = 0; i < Math.Min(2, rows.Count); i++)
            {
                items.Add(new FeedItem(rows[i], rows[i].Qty, rows[i].Time, false, false));
            }
        }

        return items;
    }

    private static void WriteItems(Utf8JsonWriter writer, List<FeedItem> items, StockCatalog catalog, Fault? fault)
    {
        var drift = fault?.Kind == FaultKind.SchemaDrift;
        foreach (var item in items)
        {
            var row = item.Row;
            writer.WriteStartObject();
            if (!item.DropPartNo)
            {
                writer.WriteString(PartNo, row.PartNo);
            }

            writer.WriteString(Whse, catalog.WarehouseName(row.Warehouse));
            if (!item.DropQty)
            {
                writer.WriteNumber(drift ? QuantityAvailable : QtyAvail, item.Qty);
            }

            writer.WriteString(Uom, StockCatalog.UomName(row.Uom));
            writer.WriteNumber(UnitPrice, row.Price);
            writer.WriteString(Currency, catalog.Currency);
            writer.WriteString(LastUpdated, DateTime.UnixEpoch.AddSeconds(item.Time));
            writer.WriteEndObject();
        }
    }

    private static void AppendCsv(StringBuilder text, in FeedItem item, StockCatalog catalog)
    {
        var row = item.Row;
        if (!item.DropPartNo)
        {
            AppendField(text, row.PartNo);
        }

        text.Append(',');
        AppendField(text, catalog.WarehouseName(row.Warehouse));
        text.Append(',');
        if (!item.DropQty)
        {
            text.Append(item.Qty.ToString(CultureInfo.InvariantCulture));
        }

        text.Append(',').Append(StockCatalog.UomName(row.Uom))
            .Append(',').Append(row.Price.ToString(CultureInfo.InvariantCulture))
            .Append(',').Append(catalog.Currency)
            .Append(',').Append(DateTime.UnixEpoch.AddSeconds(item.Time).ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture))
            .Append('\n');
    }

    private static void AppendField(StringBuilder text, string value)
    {
        if (value.AsSpan().IndexOfAny(",\"\n\r") < 0)
        {
            text.Append(value);
            return;
        }

        text.Append('"').Append(value.Replace("\"", "\"\"", StringComparison.Ordinal)).Append('"');
    }

    private static bool TryInt(string? text, int fallback, int min, int max, out int value)
    {
        if (string.IsNullOrEmpty(text))
        {
            value = fallback;
            return true;
        }

        return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value) && value >= min && value <= max;
    }

    /// <summary>Whole Unix seconds, rounded down so a fractional instant still includes its own second.</summary>
    private static bool TrySince(string? text, out long since)
    {
        since = 0;
        if (string.IsNullOrEmpty(text))
        {
            return true;
        }

        if (!DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var value))
        {
            return false;
        }

        since = value.ToUnixTimeSeconds();
        return true;
    }
}
