using System.Net;
using System.Text.Json.Nodes;
using Axle.SupplierSim;
using static Axle.UnitTests.SupplierSim.SupplierSimKit;

namespace Axle.UnitTests.SupplierSim;

public sealed class SupplierSimOrderTests
{
    private static object Order(string reference, int quantity = 2) => new
    {
        reference,
        lines = new[] { new { partNo = "SP-000001", quantity }, new { partNo = "NOPE", quantity = 1 } },
        shipTo = new { name = "Axle DC", postalCode = "10001" },
    };

    [Fact]
    public async Task Orders_are_accepted_once_per_idempotency_key()
    {
        await using var sim = await SupplierSimulator.StartAsync(new SimulatorOptions { Records = 10 }, Ct);
        using var http = Client(sim);

        using var first = await Post(http, Order("PO-1"), "key-1");
        using var replay = await Post(http, Order("PO-1"), "key-1");
        using var reused = await Post(http, Order("PO-1", quantity: 5), "key-1");
        var body = JsonNode.Parse(await first.Content.ReadAsStringAsync(Ct))!;

        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal(HttpStatusCode.Created, replay.StatusCode);
        Assert.True(replay.Headers.Contains("Idempotent-Replayed"));
        Assert.Equal(await first.Content.ReadAsStringAsync(Ct), await replay.Content.ReadAsStringAsync(Ct));
        Assert.Equal(HttpStatusCode.Conflict, reused.StatusCode);
        Assert.StartsWith("SO-", body["orderId"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal("accepted", body["status"]!.GetValue<string>());
        Assert.Equal(["accepted", "unknown_part"], body["lines"]!.AsArray().Select(l => l!["status"]!.GetValue<string>()));
        var order = Assert.Single(sim.Orders.Received);
        Assert.Equal("PO-1", order.Reference);
        Assert.Equal(new OrderLine("SP-000001", 2), order.Lines[0]);
        Assert.Equal("Axle DC", order.ShipTo!.Value.GetProperty("name").GetString());
        Assert.Equal(1, sim.Stats.OrdersReplayed);
    }

    [Fact]
    public async Task Without_an_idempotency_key_the_reference_deduplicates()
    {
        await using var sim = await SupplierSimulator.StartAsync(new SimulatorOptions { Records = 10 }, Ct);
        using var http = Client(sim);

        using var first = await Post(http, Order("PO-7"));
        using var again = await Post(http, Order("PO-7"));
        using var other = await Post(http, Order("PO-8"));

        Assert.Equal(
            JsonNode.Parse(await first.Content.ReadAsStringAsync(Ct))!["orderId"]!.GetValue<string>(),
            JsonNode.Parse(await again.Content.ReadAsStringAsync(Ct))!["orderId"]!.GetValue<string>());
        Assert.Equal(["PO-7", "PO-8"], sim.Orders.Received.Select(o => o.Reference));
    }

    [Fact]
    public async Task Queued_rejections_answer_422_and_a_retry_can_then_succeed()
    {
        await using var sim = await SupplierSimulator.StartAsync(new SimulatorOptions { Records = 10 }, Ct);
        using var http = Client(sim);
        sim.Orders.RejectNext(1, "credit_hold");

        using var rejected = await Post(http, Order("PO-2"), "key-2");
        using var retried = await Post(http, Order("PO-2"), "key-2");

        Assert.Equal(HttpStatusCode.UnprocessableEntity, rejected.StatusCode);
        Assert.Contains("credit_hold", await rejected.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Created, retried.StatusCode);
        Assert.Single(sim.Orders.Received);
        Assert.Equal(1, sim.Stats.OrdersRejected);
    }

    [Fact]
    public async Task Orders_without_lines_answer_400()
    {
        await using var sim = await SupplierSimulator.StartAsync(new SimulatorOptions { Records = 10 }, Ct);
        using var http = Client(sim);

        using var response = await Post(http, new { reference = "PO-3", lines = Array.Empty<object>() });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Empty(sim.Orders.Received);
    }

    [Fact]
    public async Task Received_orders_and_rejections_are_controllable_over_http()
    {
        await using var sim = await SupplierSimulator.StartAsync(new SimulatorOptions { Records = 10 }, Ct);
        using var http = Client(sim);

        using var reject = await http.PostAsync("_sim/orders/reject", Json(new { count = 1, reason = "closed" }), Ct);
        using var rejected = await Post(http, Order("PO-4"));
        using var accepted = await Post(http, Order("PO-4"));
        var received = JsonNode.Parse(await http.GetStringAsync("_sim/orders", Ct))!.AsArray();

        Assert.Equal(HttpStatusCode.UnprocessableEntity, rejected.StatusCode);
        Assert.Equal(HttpStatusCode.Created, accepted.StatusCode);
        Assert.Equal("PO-4", Assert.Single(received)!["reference"]!.GetValue<string>());
    }

    private static Task<HttpResponseMessage> Post(HttpClient http, object body, string? key = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "orders") { Content = Json(body) };
        if (key is not null)
        {
            request.Headers.Add("Idempotency-Key", key);
        }

        return http.SendAsync(request, Ct);
    }
}
