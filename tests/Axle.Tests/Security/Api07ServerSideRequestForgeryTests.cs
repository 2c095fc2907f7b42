using System.Net;
using System.Net.Http.Json;
using Axle.Tests.Infrastructure;
using Axle.Tests.Suppliers;
using Axle.Tests.Webhooks;

namespace Axle.Tests.Security;

/// <summary>
/// OWASP API7:2023 Server Side Request Forgery, across every field that makes Axle call a URL: webhook subscriptions, a
/// supplier's feed, order endpoint and OAuth token endpoint. With no allow-list configured, each internal or non-https
/// target is refused with a 400 naming the field, and nothing is saved.
/// </summary>
public sealed class Api07ServerSideRequestForgeryTests(AxleFactory factory) : IClassFixture<AxleFactory>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    // A public address literal: valid where a field needs a good URL beside the probed one (no DNS involved).
    private const string Public = "https://93.184.216.34";

    public static readonly TheoryData<string> Targets =
    [
        "http://127.0.0.1/x", "https://127.1.2.3:8443/x", "https://localhost/x", "https://0.0.0.0/x", "https://10.0.0.8/x",
        "https://172.16.5.4/x", "https://192.168.0.1/x", "https://100.64.0.1/x", "https://169.254.169.254/latest/meta-data/",
        "https://[::1]/x", "https://[fd00::1]/x", "https://[fe80::1]/x", "https://[::ffff:127.0.0.1]/x", "https://[64:ff9b::a00:1]/x",
        "http://93.184.216.34/x", "file:///etc/passwd", "gopher://93.184.216.34/x", "https://user:secret@93.184.216.34/x",
    ];

    [Theory]
    [MemberData(nameof(Targets))]
    public async Task Every_url_field_refuses_internal_and_non_https_targets(string target)
    {
        var admin = factory.CreateAdminClient();
        var subscription = await admin.PostAsJsonAsync(WebhookKit.Subscriptions, new { url = target, events = new[] { "order.created" } }, Ct);
        AssertRefused(await subscription.AssertProblemAsync(HttpStatusCode.BadRequest), "url", target);

        var supplier = await new SupplierKit(factory).SupplierAsync();
        var feed = $"{SupplierKit.Suppliers}/{supplier.Id}/feed";
        var probes = new (string Field, object Settings)[]
        {
            ("settings.url", new { url = target, format = "json_cursor" }),
            ("settings.orderUrl", new { url = Public + "/feed", format = "json_cursor", orderUrl = target }),
            ("settings.auth.tokenUrl", new
            {
                url = Public + "/feed", format = "json_cursor",
                auth = new { kind = "oauth2_client_credentials", tokenUrl = target },
            }),
        };
        foreach (var (field, settings) in probes)
        {
            var response = await admin.PutAsJsonAsync(feed, new { settings, credentials = new { clientId = "c", clientSecret = "s" } }, Ct);
            AssertRefused(await response.AssertProblemAsync(HttpStatusCode.BadRequest), field, target);
        }

        var saved = await (await admin.GetAsync($"{SupplierKit.Suppliers}/{supplier.Id}", Ct)).AssertJsonAsync(HttpStatusCode.OK);
        Assert.True(!saved.TryGetProperty("feed", out var f) || f.ValueKind == System.Text.Json.JsonValueKind.Null, "a refused feed was saved");
        var list = await (await admin.GetAsync(WebhookKit.Subscriptions + "?limit=100", Ct)).AssertJsonAsync(HttpStatusCode.OK);
        Assert.DoesNotContain(list.GetProperty("items").EnumerateArray(), s => s.GetProperty("url").GetString() == target);
    }

    private static void AssertRefused(System.Text.Json.JsonElement problem, string field, string target) =>
        Assert.True(problem.TryGetProperty("errors", out var errors) && errors.TryGetProperty(field, out _),
            $"{target}: expected a field error on {field}, got {problem}");
}
