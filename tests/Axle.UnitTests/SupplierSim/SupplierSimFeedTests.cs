using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Nodes;
using Axle.SupplierSim;
using Microsoft.Extensions.Time.Testing;
using static Axle.UnitTests.SupplierSim.SupplierSimKit;

namespace Axle.UnitTests.SupplierSim;

public sealed class SupplierSimFeedTests
{
    [Fact]
    public async Task Cursor_pages_cover_every_record_exactly_once()
    {
        await using var sim = await SupplierSimulator.StartAsync(new SimulatorOptions { Records = 2345, Seed = 3 }, Ct);
        using var http = Client(sim);

        var items = await ReadAll(http, "feed/stock?limit=500");

        Assert.Equal(2345, items.Count);
        Assert.Equal(2345, items.Select(PartNo).Distinct().Count());
        var first = items[0];
        var record = sim.Catalog.Get(PartNo(first))!;
        Assert.Equal(record.QtyAvail, first["qtyAvail"]!.GetValue<int>());
        Assert.Equal(record.UnitPrice, first["unitPrice"]!.GetValue<int>());
        Assert.Equal(record.Warehouse, first["whse"]!.GetValue<string>());
        Assert.Equal("USD", first["currency"]!.GetValue<string>());
        Assert.Contains(first["uom"]!.GetValue<string>(), new[] { "EA", "CS4" });
    }

    [Fact]
    public async Task Cursor_pages_miss_nothing_when_records_change_between_pages()
    {
        await using var sim = await SupplierSimulator.StartAsync(new SimulatorOptions { Records = 3000 }, Ct);
        using var http = Client(sim);

        var items = await ReadAll(http, "feed/stock?limit=500", _ => sim.Catalog.ChangeFraction(0.1));

        // Changed records come again later with their new values, so the last sighting of each part is the current state.
        var last = new Dictionary<string, int>();
        foreach (var item in items)
        {
            last[PartNo(item)] = item["qtyAvail"]!.GetValue<int>();
        }

        Assert.Equal(3000, last.Count);
        Assert.All(sim.Catalog.All(), r => Assert.Equal(r.QtyAvail, last[r.PartNo]));
    }

    [Fact]
    public async Task Numbered_pages_cover_every_record_and_report_total_pages()
    {
        await using var sim = await SupplierSimulator.StartAsync(new SimulatorOptions { Records = 1050 }, Ct);
        using var http = Client(sim);

        var seen = new List<string>();
        for (var page = 1; page <= 11; page++)
        {
            var body = await GetJson(http, $"feed/stock/pages?page={page}&pageSize=100");
            Assert.Equal(11, body["totalPages"]!.GetValue<int>());
            Assert.Equal(page, body["page"]!.GetValue<int>());
            seen.AddRange(body["items"]!.AsArray().Select(i => PartNo(i!)));
        }

        Assert.Equal(1050, seen.Distinct().Count());
        Assert.Equal(1050, seen.Count);
        var beyond = await GetJson(http, "feed/stock/pages?page=12&pageSize=100");
        Assert.Empty(beyond["items"]!.AsArray());
    }

    [Fact]
    public async Task Updated_since_returns_only_records_changed_at_or_after_it()
    {
        var clock = new FakeTimeProvider(Now);
        await using var sim = await SupplierSimulator.StartAsync(new SimulatorOptions { Records = 500, Clock = clock }, Ct);
        using var http = Client(sim);
        var parts = new[] { "SP-000007", "SP-000100", "SP-000250", "SP-000400", "SP-000499" };
        var result = sim.Catalog.Set(parts.Select(p => new StockChange(p, QtyAvail: 42)));
        Assert.Equal(Now, result.UpdatedAt);

        var cursorItems = await ReadAll(http, "feed/stock?limit=2&updated_since=2026-11-23T10:00:00Z");
        var pageItems = (await GetJson(http, "feed/stock/pages?pageSize=10&updated_since=2026-11-23T10:00:00Z"))["items"]!.AsArray();
        var later = (await GetJson(http, "feed/stock?updated_since=2026-11-23T10:00:01Z"))["items"]!.AsArray();

        Assert.Equal(parts, cursorItems.Select(PartNo).Order());
        Assert.All(cursorItems, i => Assert.Equal(42, i["qtyAvail"]!.GetValue<int>()));
        Assert.All(cursorItems, i => Assert.Equal("2026-11-23T10:00:00Z", i["lastUpdated"]!.GetValue<string>()));
        Assert.Equal(5, pageItems.Count);
        Assert.Empty(later);
    }

    [Fact]
    public async Task Etag_answers_304_until_the_data_changes()
    {
        await using var sim = await SupplierSimulator.StartAsync(new SimulatorOptions { Records = 100 }, Ct);
        using var http = Client(sim);

        using var first = await http.GetAsync("feed/stock?limit=10", Ct);
        var etag = first.Headers.ETag!;
        Assert.False(etag.IsWeak);
        using var again = await http.SendAsync(Get("feed/stock?limit=10", h => h.IfNoneMatch.Add(etag)), Ct);
        using var weak = await http.SendAsync(Get("feed/stock?limit=10", h => h.IfNoneMatch.Add(new EntityTagHeaderValue(etag.Tag, isWeak: true))), Ct);
        using var otherRequest = await http.SendAsync(Get("feed/stock?limit=11", h => h.IfNoneMatch.Add(etag)), Ct);
        sim.Catalog.ChangeRandom(1);
        using var afterChange = await http.SendAsync(Get("feed/stock?limit=10", h => h.IfNoneMatch.Add(etag)), Ct);

        Assert.Equal(HttpStatusCode.NotModified, again.StatusCode);
        Assert.Empty(await again.Content.ReadAsByteArrayAsync(Ct));
        Assert.Equal(HttpStatusCode.NotModified, weak.StatusCode);
        Assert.Equal(HttpStatusCode.OK, otherRequest.StatusCode);
        Assert.Equal(HttpStatusCode.OK, afterChange.StatusCode);
        Assert.NotEqual(etag, afterChange.Headers.ETag);
        Assert.Equal(2, sim.Stats.NotModified);
    }

    [Fact]
    public async Task Last_modified_answers_304_to_if_modified_since_until_the_data_changes()
    {
        var clock = new FakeTimeProvider(Now);
        await using var sim = await SupplierSimulator.StartAsync(new SimulatorOptions { Records = 100, Clock = clock }, Ct);
        using var http = Client(sim);

        using var first = await http.GetAsync("feed/stock.json", Ct);
        var lastModified = first.Content.Headers.LastModified!.Value;
        Assert.Equal(sim.Catalog.LastModified, lastModified);
        using var again = await http.SendAsync(Get("feed/stock.json", h => h.IfModifiedSince = lastModified), Ct);
        clock.Advance(TimeSpan.FromMinutes(1));
        sim.Catalog.ChangeRandom(3);
        using var afterChange = await http.SendAsync(Get("feed/stock.json", h => h.IfModifiedSince = lastModified), Ct);

        Assert.Equal(HttpStatusCode.NotModified, again.StatusCode);
        Assert.Equal(HttpStatusCode.OK, afterChange.StatusCode);
        Assert.Equal(Now.AddMinutes(1), afterChange.Content.Headers.LastModified);
    }

    [Fact]
    public async Task Responses_are_gzipped_when_the_client_accepts_it()
    {
        await using var sim = await SupplierSimulator.StartAsync(new SimulatorOptions { Records = 300 }, Ct);
        using var http = Client(sim);

        using var response = await http.SendAsync(Get("feed/stock?limit=300", h => h.AcceptEncoding.ParseAdd("gzip")), Ct);
        await using var gzip = new GZipStream(await response.Content.ReadAsStreamAsync(Ct), CompressionMode.Decompress);
        var body = await JsonNode.ParseAsync(gzip, cancellationToken: Ct);

        Assert.Equal("gzip", Assert.Single(response.Content.Headers.ContentEncoding));
        Assert.Equal(300, body!["items"]!.AsArray().Count);
    }

    [Fact]
    public async Task Expired_cursors_answer_410()
    {
        var clock = new FakeTimeProvider(Now);
        await using var sim = await SupplierSimulator.StartAsync(new SimulatorOptions
        {
            Records = 100, Clock = clock, CursorTtl = TimeSpan.FromMinutes(5),
        }, Ct);
        using var http = Client(sim);
        var cursor = (await GetJson(http, "feed/stock?limit=10"))["nextCursor"]!.GetValue<string>();

        using var fresh = await http.GetAsync($"feed/stock?cursor={cursor}", Ct);
        sim.ExpireCursors();
        using var expired = await http.GetAsync($"feed/stock?cursor={cursor}", Ct);
        var newCursor = (await GetJson(http, "feed/stock?limit=10"))["nextCursor"]!.GetValue<string>();
        clock.Advance(TimeSpan.FromMinutes(6));
        using var tooOld = await http.GetAsync($"feed/stock?cursor={newCursor}", Ct);
        using var garbage = await http.GetAsync("feed/stock?cursor=not-a-cursor", Ct);

        Assert.Equal(HttpStatusCode.OK, fresh.StatusCode);
        Assert.Equal(HttpStatusCode.Gone, expired.StatusCode);
        Assert.Equal("cursor_expired", JsonNode.Parse(await expired.Content.ReadAsStringAsync(Ct))!["error"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.Gone, tooOld.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, garbage.StatusCode);
    }

    [Theory]
    [InlineData("feed/stock?limit=0")]
    [InlineData("feed/stock?limit=5001")]
    [InlineData("feed/stock?updated_since=yesterday")]
    [InlineData("feed/stock/pages?page=0")]
    public async Task Bad_query_values_answer_400(string url)
    {
        await using var sim = await SupplierSimulator.StartAsync(new SimulatorOptions { Records = 10 }, Ct);
        using var http = Client(sim);

        using var response = await http.GetAsync(url, Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task Limit_defaults_to_500_and_allows_5000()
    {
        await using var sim = await SupplierSimulator.StartAsync(new SimulatorOptions { Records = 6000 }, Ct);
        using var http = Client(sim);

        Assert.Equal(500, (await GetJson(http, "feed/stock"))["items"]!.AsArray().Count);
        Assert.Equal(5000, (await GetJson(http, "feed/stock?limit=5000"))["items"]!.AsArray().Count);
    }

    [Fact]
    public async Task Csv_file_streams_every_record_with_the_native_header()
    {
        await using var sim = await SupplierSimulator.StartAsync(new SimulatorOptions { Records = 4500 }, Ct);
        using var http = Client(sim);

        using var response = await http.GetAsync("feed/stock.csv", HttpCompletionOption.ResponseHeadersRead, Ct);
        var lines = (await response.Content.ReadAsStringAsync(Ct)).Split('\n', StringSplitOptions.RemoveEmptyEntries);

        Assert.True(response.Headers.TransferEncodingChunked);
        Assert.Equal("text/csv", response.Content.Headers.ContentType!.MediaType);
        Assert.Equal("partNo,whse,qtyAvail,uom,unitPrice,currency,lastUpdated", lines[0]);
        Assert.Equal(4500, lines.Skip(1).Select(l => l.Split(',')[0]).Distinct().Count());
        var cells = lines[1].Split(',');
        var record = sim.Catalog.Get(cells[0])!;
        Assert.Equal([record.PartNo, record.Warehouse, record.QtyAvail.ToString(System.Globalization.CultureInfo.InvariantCulture),
            record.Uom, record.UnitPrice.ToString(System.Globalization.CultureInfo.InvariantCulture), "USD",
            record.LastUpdated.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture)], cells);
    }

    [Fact]
    public async Task Json_file_streams_every_record_as_one_array()
    {
        await using var sim = await SupplierSimulator.StartAsync(new SimulatorOptions { Records = 4500 }, Ct);
        using var http = Client(sim);

        using var response = await http.GetAsync("feed/stock.json", HttpCompletionOption.ResponseHeadersRead, Ct);
        var items = JsonNode.Parse(await response.Content.ReadAsStringAsync(Ct))!.AsArray();
        var filtered = JsonNode.Parse(await http.GetStringAsync("feed/stock.json?updated_since=2030-01-01T00:00:00Z", Ct))!.AsArray();

        Assert.True(response.Headers.TransferEncodingChunked);
        Assert.Equal(4500, items.Select(i => PartNo(i!)).Distinct().Count());
        Assert.Empty(filtered);
        Assert.Equal(4500, sim.Stats.RecordsServed);
    }

    [Fact]
    public async Task Explicit_part_numbers_are_served_and_a_custom_catalog_can_be_edited()
    {
        var clock = new FakeTimeProvider(Now);
        await using var sim = await SupplierSimulator.StartAsync(new SimulatorOptions
        {
            PartNumbers = ["BRK-1", "FLT-2", "OIL,3"], Warehouses = ["MAIN"], Clock = clock,
        }, Ct);
        using var http = Client(sim);

        sim.Catalog.Set("FLT-2", qtyAvail: 9, unitPrice: 1234);
        sim.Catalog.Add(new NewStockRecord("NEW-4", "MAIN", 5, 100, "CS4"));
        Assert.True(sim.Catalog.Remove("BRK-1"));
        var items = await ReadAll(http, "feed/stock");
        var csv = await http.GetStringAsync("feed/stock.csv", Ct);

        Assert.Equal(["OIL,3", "FLT-2", "NEW-4"], items.Select(PartNo));
        Assert.Equal(9, items[1]["qtyAvail"]!.GetValue<int>());
        Assert.Equal(20, sim.Catalog.Get("NEW-4")!.EachQuantity);
        Assert.Null(sim.Catalog.Get("BRK-1"));
        Assert.Contains("\"OIL,3\",MAIN,", csv, StringComparison.Ordinal);
        Assert.Throws<KeyNotFoundException>(() => sim.Catalog.Set("BRK-1", qtyAvail: 1));
    }

    [Fact]
    public async Task Http_controls_change_data_and_read_records()
    {
        await using var sim = await SupplierSimulator.StartAsync(new SimulatorOptions { Records = 50 }, Ct);
        using var http = Client(sim);

        using var change = await http.PostAsync("_sim/data/change", Json(new { count = 5 }), Ct);
        using var set = await http.PutAsync("_sim/data/records/SP-000003", Json(new { qtyAvail = 77 }), Ct);
        var record = JsonNode.Parse(await http.GetStringAsync("_sim/data/records/SP-000003", Ct))!;
        using var removed = await http.DeleteAsync("_sim/data/records/SP-000004", Ct);
        using var missing = await http.GetAsync("_sim/data/records/SP-000004", Ct);

        Assert.Equal(5, JsonNode.Parse(await change.Content.ReadAsStringAsync(Ct))!["changed"]!.GetValue<int>());
        Assert.Equal(HttpStatusCode.OK, set.StatusCode);
        Assert.Equal(77, record["qtyAvail"]!.GetValue<int>());
        Assert.Equal(HttpStatusCode.NoContent, removed.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Equal(49, sim.Catalog.Count);
        Assert.Equal(0, sim.Stats.TotalRequests);
    }

    [Fact]
    public async Task Http_control_stats_reports_counters()
    {
        await using var sim = await SupplierSimulator.StartAsync(new SimulatorOptions { Records = 20 }, Ct);
        using var http = Client(sim);
        await http.GetStringAsync("feed/stock", Ct);
        await http.GetStringAsync("feed/stock/pages", Ct);

        var stats = JsonDocument.Parse(await http.GetStringAsync("_sim/stats", Ct)).RootElement;

        Assert.Equal(2, stats.GetProperty("totalRequests").GetInt64());
        Assert.Equal(1, stats.GetProperty("requestsByPath").GetProperty("/feed/stock").GetInt64());
        Assert.Equal(2, stats.GetProperty("responsesByStatus").GetProperty("200").GetInt64());
        Assert.Equal(40, stats.GetProperty("recordsServed").GetInt64());
    }
}
