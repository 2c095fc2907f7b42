using System.Diagnostics;
using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Axle.SupplierSim;
using Microsoft.Extensions.Time.Testing;
using static Axle.UnitTests.SupplierSim.SupplierSimKit;

namespace Axle.UnitTests.SupplierSim;

public sealed class SupplierSimFaultTests
{
    [Theory]
    [InlineData(500)]
    [InlineData(502)]
    [InlineData(503)]
    public async Task Status_faults_answer_the_next_requests_then_service_resumes(int status)
    {
        await using var sim = await SupplierSimulator.StartAsync(new SimulatorOptions { Records = 10 }, Ct);
        using var http = Client(sim);
        sim.Faults.Enqueue(Fault.Status(status), count: 2);

        var codes = new List<int>();
        for (var i = 0; i < 3; i++)
        {
            using var response = await http.GetAsync("feed/stock", Ct);
            codes.Add((int)response.StatusCode);
        }

        Assert.Equal([status, status, 200], codes);
        Assert.Equal(2, sim.Stats.ResponsesByStatus[status]);
        Assert.Equal(2, sim.Stats.FaultsApplied);
        Assert.Equal(0, sim.Faults.Pending);
    }

    [Fact]
    public async Task Faults_with_a_path_prefix_wait_for_a_matching_request()
    {
        await using var sim = await SupplierSimulator.StartAsync(new SimulatorOptions { Records = 10 }, Ct);
        using var http = Client(sim);
        sim.Faults.Enqueue(Fault.Status(500), pathPrefix: "/feed/stock.csv");

        using var page = await http.GetAsync("feed/stock", Ct);
        using var file = await http.GetAsync("feed/stock.csv", Ct);

        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal(HttpStatusCode.InternalServerError, file.StatusCode);
    }

    [Fact]
    public async Task Too_many_requests_fault_carries_retry_after()
    {
        await using var sim = await SupplierSimulator.StartAsync(new SimulatorOptions { Records = 10 }, Ct);
        using var http = Client(sim);
        sim.Faults.Enqueue(Fault.TooManyRequests(TimeSpan.FromSeconds(7)));

        using var response = await http.GetAsync("feed/stock", Ct);

        Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(7), response.Headers.RetryAfter!.Delta);
    }

    [Fact]
    public async Task Slow_fault_delays_the_answer()
    {
        await using var sim = await SupplierSimulator.StartAsync(new SimulatorOptions { Records = 10 }, Ct);
        using var http = Client(sim);
        sim.Faults.Enqueue(Fault.Slow(TimeSpan.FromMilliseconds(300)));

        var watch = Stopwatch.StartNew();
        using var response = await http.GetAsync("feed/stock", Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(watch.ElapsedMilliseconds >= 290, $"answered after {watch.ElapsedMilliseconds} ms");
    }

    [Fact]
    public async Task Hang_fault_holds_the_request_until_the_client_times_out()
    {
        await using var sim = await SupplierSimulator.StartAsync(new SimulatorOptions { Records = 10 }, Ct);
        using var http = Client(sim, timeout: TimeSpan.FromMilliseconds(400));
        sim.Faults.Enqueue(Fault.Hang());

        await Assert.ThrowsAsync<TaskCanceledException>(() => http.GetAsync("feed/stock", Ct));
        using var next = await http.GetAsync("feed/stock", Ct);

        Assert.Equal(HttpStatusCode.OK, next.StatusCode);
    }

    [Fact]
    public async Task Connection_reset_fault_aborts_without_an_answer()
    {
        await using var sim = await SupplierSimulator.StartAsync(new SimulatorOptions { Records = 10 }, Ct);
        using var http = Client(sim);
        sim.Faults.Enqueue(Fault.ConnectionReset());

        await Assert.ThrowsAsync<HttpRequestException>(() => http.GetAsync("feed/stock", Ct));
        using var next = await http.GetAsync("feed/stock", Ct);

        Assert.Equal(HttpStatusCode.OK, next.StatusCode);
        Assert.Equal(1, sim.Stats.Aborted);
    }

    [Theory]
    [InlineData("feed/stock")]
    [InlineData("feed/stock/pages")]
    [InlineData("feed/stock.json")]
    public async Task Malformed_body_fault_cuts_the_json_short(string url)
    {
        await using var sim = await SupplierSimulator.StartAsync(new SimulatorOptions { Records = 1000 }, Ct);
        using var http = Client(sim);
        sim.Faults.Enqueue(Fault.MalformedBody());

        using var response = await http.GetAsync(url, Ct);
        var text = await response.Content.ReadAsStringAsync(Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.ThrowsAny<JsonException>(() => JsonDocument.Parse(text));
        Assert.NotNull(JsonNode.Parse(await http.GetStringAsync(url, Ct)));
    }

    [Theory]
    [InlineData(FaultField.QtyAvail, "qtyAvail")]
    [InlineData(FaultField.PartNo, "partNo")]
    public async Task Missing_fields_fault_drops_a_field_from_some_items(FaultField field, string name)
    {
        await using var sim = await SupplierSimulator.StartAsync(new SimulatorOptions { Records = 30 }, Ct);
        using var http = Client(sim);
        sim.Faults.Enqueue(Fault.MissingFields(field));

        var items = (await GetJson(http, "feed/stock"))["items"]!.AsArray();

        Assert.Equal(10, items.Count(i => !i!.AsObject().ContainsKey(name)));
        Assert.Equal(30, items.Count);
    }

    [Fact]
    public async Task Schema_drift_fault_renames_qty_avail()
    {
        await using var sim = await SupplierSimulator.StartAsync(new SimulatorOptions { Records = 30 }, Ct);
        using var http = Client(sim);
        sim.Faults.Enqueue(Fault.SchemaDrift(), count: 2);

        var items = (await GetJson(http, "feed/stock"))["items"]!.AsArray();
        var csvHeader = (await http.GetStringAsync("feed/stock.csv", Ct)).Split('\n')[0];

        Assert.All(items, i => Assert.False(i!.AsObject().ContainsKey("qtyAvail")));
        Assert.All(items, i => Assert.True(i!.AsObject().ContainsKey("quantityAvailable")));
        Assert.Equal("partNo,whse,quantityAvailable,uom,unitPrice,currency,lastUpdated", csvHeader);
    }

    [Fact]
    public async Task Duplicates_fault_repeats_items_within_a_page_and_across_the_next_page()
    {
        await using var sim = await SupplierSimulator.StartAsync(new SimulatorOptions { Records = 100 }, Ct);
        using var http = Client(sim);
        sim.Faults.Enqueue(Fault.Duplicates());

        var page = await GetJson(http, "feed/stock?limit=10");
        var first = page["items"]!.AsArray().Select(i => PartNo(i!)).ToList();
        var second = (await GetJson(http, $"feed/stock?limit=10&cursor={page["nextCursor"]!.GetValue<string>()}"))["items"]!.AsArray()
            .Select(i => PartNo(i!)).ToList();

        Assert.Equal(12, first.Count);
        Assert.Equal(10, first.Distinct().Count());
        Assert.Equal(first[8..10], second[..2]);
    }

    [Fact]
    public async Task Out_of_order_fault_sends_an_older_version_after_the_current_one()
    {
        await using var sim = await SupplierSimulator.StartAsync(new SimulatorOptions { Records = 10 }, Ct);
        using var http = Client(sim);
        sim.Faults.Enqueue(Fault.OutOfOrder());

        var items = (await GetJson(http, "feed/stock"))["items"]!.AsArray().Select(i => i!.AsObject()).ToList();
        var current = items[0];
        var stale = items[1];

        Assert.Equal(PartNo(current), PartNo(stale));
        Assert.True(DateTimeOffset.Parse(stale["lastUpdated"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture)
            < DateTimeOffset.Parse(current["lastUpdated"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(sim.Catalog.Get(PartNo(current))!.QtyAvail, current["qtyAvail"]!.GetValue<int>());
        Assert.NotEqual(current["qtyAvail"]!.GetValue<int>(), stale["qtyAvail"]!.GetValue<int>());
    }

    [Fact]
    public async Task Expired_cursor_fault_answers_410()
    {
        await using var sim = await SupplierSimulator.StartAsync(new SimulatorOptions { Records = 10 }, Ct);
        using var http = Client(sim);
        sim.Faults.Enqueue(Fault.ExpiredCursor());

        using var response = await http.GetAsync("feed/stock", Ct);

        Assert.Equal(HttpStatusCode.Gone, response.StatusCode);
        Assert.Contains("cursor_expired", await response.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Fail_for_fails_every_matching_request_until_the_window_ends()
    {
        var clock = new FakeTimeProvider(Now);
        await using var sim = await SupplierSimulator.StartAsync(new SimulatorOptions { Records = 10, Clock = clock }, Ct);
        using var http = Client(sim);
        sim.Faults.FailFor(TimeSpan.FromSeconds(30), 503, "/feed");

        for (var i = 0; i < 5; i++)
        {
            using var failing = await http.GetAsync("feed/stock", Ct);
            Assert.Equal(HttpStatusCode.ServiceUnavailable, failing.StatusCode);
        }

        using var orders = await http.GetAsync("orders", Ct);
        clock.Advance(TimeSpan.FromSeconds(31));
        using var recovered = await http.GetAsync("feed/stock", Ct);

        Assert.NotEqual(HttpStatusCode.ServiceUnavailable, orders.StatusCode);
        Assert.Equal(HttpStatusCode.OK, recovered.StatusCode);
    }

    [Fact]
    public async Task Body_shaping_faults_are_left_for_feed_requests()
    {
        await using var sim = await SupplierSimulator.StartAsync(new SimulatorOptions { Records = 10 }, Ct);
        using var http = Client(sim);
        sim.Faults.Enqueue(Fault.SchemaDrift());

        using var order = await http.PostAsync("orders", Json(new { reference = "PO-9", lines = new[] { new { partNo = "SP-000001", quantity = 1 } } }), Ct);

        Assert.Equal(HttpStatusCode.Created, order.StatusCode);
        Assert.Equal(1, sim.Faults.Pending);
    }

    [Fact]
    public async Task Faults_can_be_queued_over_http()
    {
        await using var sim = await SupplierSimulator.StartAsync(new SimulatorOptions { Records = 10 }, Ct);
        using var http = Client(sim);

        using var queued = await http.PostAsync("_sim/faults", Json(new { kind = "Status", statusCode = 502, count = 1, pathPrefix = "/feed" }), Ct);
        using var failed = await http.GetAsync("feed/stock", Ct);
        using var drift = await http.PostAsync("_sim/faults", Json(new { kind = "SchemaDrift" }), Ct);
        using var cleared = await http.DeleteAsync("_sim/faults", Ct);
        using var ok = await http.GetAsync("feed/stock", Ct);

        Assert.Equal(HttpStatusCode.Created, queued.StatusCode);
        Assert.Equal(HttpStatusCode.BadGateway, failed.StatusCode);
        Assert.Equal(HttpStatusCode.Created, drift.StatusCode);
        Assert.Contains("qtyAvail", await ok.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
    }
}
