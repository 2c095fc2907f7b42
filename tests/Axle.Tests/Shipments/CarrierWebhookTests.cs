using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Axle.Api.Platform.Http;
using Axle.Tests.Infrastructure;
using static Axle.Tests.Shipments.ShipmentKit;

namespace Axle.Tests.Shipments;

public sealed class CarrierWebhookTests(ShipmentFactory factory) : IClassFixture<ShipmentFactory>
{
    private readonly ShipmentKit _kit = new(factory);

    /// <summary>A shipped order with one shipment; returns its tracking number and the order id.</summary>
    private async Task<(string Tracking, Guid OrderId)> ShippedAsync()
    {
        var warehouse = await _kit.Inventory.WarehouseAsync();
        var part = await _kit.PartAsync(warehouse, 3);
        var order = await PlaceOrderAsync(factory.CreateUserClient(), (part, 1));
        var tracking = Tracking();
        await (await ShipAsync(_kit.Manager, Id(order), warehouse, tracking, (Line(order, part), 1))).AssertJsonAsync(HttpStatusCode.Created);
        return (tracking, Id(order));
    }

    private async Task<string> ShipmentStatusAsync(Guid orderId) =>
        (await _kit.StatusAsync(orderId)).GetProperty("shipments")[0].GetProperty("status").GetString()!;

    [Fact]
    public async Task A_validly_signed_push_is_applied()
    {
        var (tracking, orderId) = await ShippedAsync();
        Assert.Equal(["applied"], await ResultsAsync(await _kit.PostSignedAsync([Event(tracking, "in_transit", DateTime.UtcNow)])));
        Assert.Equal("in_transit", await ShipmentStatusAsync(orderId));
    }

    [Fact]
    public async Task Bad_stale_future_or_missing_signatures_are_401_without_saying_why()
    {
        var (tracking, orderId) = await ShippedAsync();
        object[] events = [Event(tracking, "delivered", DateTime.UtcNow)];
        var wrongSecret = "whsec_" + Convert.ToBase64String(Encoding.UTF8.GetBytes("another-secret-of-32-bytes-long!"));
        List<HttpResponseMessage> responses =
        [
            await _kit.PostSignedAsync(events, wrongSecret),
            await _kit.PostSignedAsync(events, at: DateTimeOffset.UtcNow.AddMinutes(-6)),
            await _kit.PostSignedAsync(events, at: DateTimeOffset.UtcNow.AddMinutes(6)),
            await PostRawAsync(factory.CreateClient(), Encoding.UTF8.GetBytes(JsonSerializer.Serialize(new { events })), new Dictionary<string, string>()),
            await TamperedAsync(events),
        ];

        var details = new HashSet<string>();
        foreach (var response in responses)
        {
            var problem = await response.AssertProblemAsync(HttpStatusCode.Unauthorized);
            details.Add(problem.GetProperty("detail").GetString()!);
        }

        Assert.Single(details);
        Assert.Equal("label_created", await ShipmentStatusAsync(orderId));
    }

    /// <summary>Signed correctly, then one byte of the body changed.</summary>
    private async Task<HttpResponseMessage> TamperedAsync(object[] events)
    {
        var body = Encoding.UTF8.GetBytes(JsonSerializer.Serialize(new { events }));
        var timestamp = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var signature = StandardWebhookSignature.Sign(ShipmentFactory.CarrierSecret, "msg_1", timestamp, body);
        body = Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(body).Replace("delivered", "delivereD", StringComparison.Ordinal));
        return await PostRawAsync(factory.CreateClient(), body, new Dictionary<string, string>
        {
            [StandardWebhookSignature.IdHeader] = "msg_1",
            [StandardWebhookSignature.TimestampHeader] = timestamp.ToString(CultureInfo.InvariantCulture),
            [StandardWebhookSignature.SignatureHeader] = signature,
        });
    }

    [Fact]
    public async Task A_machine_client_with_the_events_scope_is_accepted_and_without_it_forbidden()
    {
        var (tracking, orderId) = await ShippedAsync();
        var admin = factory.CreateAdminClient();
        var carrier = await admin.CreateMachineClientAsync("Carrier push", "shipments:events");
        var other = await admin.CreateMachineClientAsync("ERP", "orders:read");
        var anonymous = factory.CreateClient();
        var body = Encoding.UTF8.GetBytes(JsonSerializer.Serialize(new { events = new[] { Event(tracking, "out_for_delivery", DateTime.UtcNow) } }));

        var forbidden = factory.CreateClient();
        forbidden.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", await anonymous.GetAccessTokenAsync(other));
        await (await PostRawAsync(forbidden, body, new Dictionary<string, string>())).AssertProblemAsync(HttpStatusCode.Forbidden);
        await (await PostRawAsync(factory.CreateUserClient(), body, new Dictionary<string, string>())).AssertProblemAsync(HttpStatusCode.Forbidden);
        var garbage = factory.CreateClient();
        garbage.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "not-a-token");
        await (await PostRawAsync(garbage, body, new Dictionary<string, string>())).AssertProblemAsync(HttpStatusCode.Unauthorized);
        Assert.Equal("label_created", await ShipmentStatusAsync(orderId));

        var allowed = factory.CreateClient();
        allowed.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", await anonymous.GetAccessTokenAsync(carrier));
        Assert.Equal(["applied"], await ResultsAsync(await PostRawAsync(allowed, body, new Dictionary<string, string>())));
        Assert.Equal("out_for_delivery", await ShipmentStatusAsync(orderId));
    }

    [Fact]
    public async Task A_repeated_event_id_is_applied_once()
    {
        var (tracking, orderId) = await ShippedAsync();
        var evt = Event(tracking, "delivered", DateTime.UtcNow, "evt_" + Guid.NewGuid().ToString("N"));
        Assert.Equal(["applied", "duplicate"], await ResultsAsync(await _kit.PostSignedAsync([evt, evt])));
        Assert.Equal(["duplicate"], await ResultsAsync(await _kit.PostSignedAsync([evt])));

        var status = await _kit.StatusAsync(orderId);
        Assert.Equal("delivered", status.GetProperty("status").GetString());
        Assert.Equal(1, status.GetProperty("shipments")[0].GetProperty("events").GetArrayLength());
        Assert.Single(status.GetProperty("history").EnumerateArray(), h => h.GetProperty("status").GetString() == "delivered");
    }

    [Fact]
    public async Task An_older_event_is_recorded_without_moving_the_status_back()
    {
        var (tracking, orderId) = await ShippedAsync();
        var now = DateTime.UtcNow;
        Assert.Equal(["applied", "recorded"], await ResultsAsync(await _kit.PostSignedAsync(
            [Event(tracking, "out_for_delivery", now), Event(tracking, "in_transit", now.AddHours(-3))])));

        var shipment = (await _kit.StatusAsync(orderId)).GetProperty("shipments")[0];
        Assert.Equal("out_for_delivery", shipment.GetProperty("status").GetString());
        Assert.Equal(["in_transit", "out_for_delivery"],
            shipment.GetProperty("events").EnumerateArray().Select(e => e.GetProperty("status").GetString()!).ToArray());
    }

    [Fact]
    public async Task Unknown_tracking_numbers_and_invalid_events_are_reported_per_event()
    {
        var (tracking, _) = await ShippedAsync();
        var results = await ResultsAsync(await _kit.PostSignedAsync(
            [Event(Tracking(), "in_transit", DateTime.UtcNow), Event(tracking, "teleported", DateTime.UtcNow), Event(tracking, "in_transit", DateTime.UtcNow)]));
        Assert.Equal(["unknown_tracking_number", "invalid", "applied"], results);
    }

    [Fact]
    public async Task A_body_that_is_not_an_event_list_is_400_and_too_many_events_too()
    {
        var (tracking, _) = await ShippedAsync();
        await (await _kit.PostSignedAsync([])).AssertProblemAsync(HttpStatusCode.BadRequest, "invalid_events");
        var many = Enumerable.Range(0, 101).Select(_ => Event(tracking, "in_transit", DateTime.UtcNow)).ToArray();
        await (await _kit.PostSignedAsync(many)).AssertProblemAsync(HttpStatusCode.BadRequest, "invalid_events");
    }
}
