using System.Net;
using System.Net.Http.Json;
using Axle.Api.Features.Clients;
using Axle.Api.Platform.Security;
using Axle.Tests.Infrastructure;

namespace Axle.Tests.Webhooks;

/// <summary>The subscription API on the default configuration: no allow-list, so the SSRF guard refuses every non-public target.</summary>
public sealed class WebhookSubscriptionTests(AxleFactory factory) : IClassFixture<AxleFactory>
{
    private readonly WebhookKit _kit = new(factory);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    // A public address literal (no DNS needed), used where only the shape of the answer matters.
    private const string PublicHttps = "https://93.184.216.34/hooks";

    [Theory]
    [InlineData("http://127.0.0.1:8080/hooks", "loopback")]
    [InlineData("https://localhost/hooks", "loopback")]
    [InlineData("https://10.1.2.3/hooks", "private")]
    [InlineData("https://192.168.1.10/hooks", "private")]
    [InlineData("https://169.254.169.254/latest/meta-data/", "link-local")]
    [InlineData("https://[::1]/hooks", "loopback")]
    [InlineData("https://[::ffff:10.0.0.1]/hooks", "private")]
    [InlineData("http://93.184.216.34/hooks", "https")]
    [InlineData("ftp://93.184.216.34/hooks", "http")]
    [InlineData("https://user:pass@93.184.216.34/hooks", "Credentials")]
    [InlineData("/relative", "http")]
    public async Task Subscription_urls_that_are_not_public_https_are_refused(string url, string reason)
    {
        var response = await _kit.Admin.PostAsJsonAsync(WebhookKit.Subscriptions, new { url, events = new[] { "order.created" } }, Ct);
        var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.Contains(reason, problem.GetProperty("errors").GetProperty("url")[0].GetString());
        await AssertNoSubscriptionWithAsync(url);
    }

    [Fact]
    public async Task Events_must_be_known_types_and_at_least_one()
    {
        foreach (var events in new[] { Array.Empty<string>(), ["order.created", "order.exploded"] })
        {
            var response = await _kit.Admin.PostAsJsonAsync(WebhookKit.Subscriptions, new { url = PublicHttps, events }, Ct);
            var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest);
            Assert.Contains("order.created", problem.GetProperty("errors").GetProperty("events")[0].GetString());
        }

        var missing = await _kit.Admin.PostAsJsonAsync(WebhookKit.Subscriptions, new { url = PublicHttps }, Ct);
        await missing.AssertProblemAsync(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task The_secret_is_shown_once_and_never_again()
    {
        var created = await WebhookKit.SubscribeAsync(_kit.Admin, PublicHttps, "order.created", "inventory.low_stock");
        Assert.StartsWith("whsec_", created.Secret);

        var get = await _kit.Admin.GetAsync($"{WebhookKit.Subscriptions}/{created.Id}", Ct);
        var body = await get.AssertJsonAsync(HttpStatusCode.OK);
        Assert.True(body.TryGetProperty("secret", out var secret) is false || secret.ValueKind == System.Text.Json.JsonValueKind.Null);
        Assert.Equal(["inventory.low_stock", "order.created"], body.GetProperty("events").EnumerateArray().Select(e => e.GetString()));
        Assert.NotNull(get.Headers.ETag);
        var raw = await get.Content.ReadAsStringAsync(Ct);
        Assert.DoesNotContain(created.Secret, raw);

        var list = await _kit.Admin.GetAsync(WebhookKit.Subscriptions, Ct);
        Assert.DoesNotContain(created.Secret, await list.Content.ReadAsStringAsync(Ct));
    }

    [Fact]
    public async Task Patch_checks_the_url_again_and_honours_if_match()
    {
        var created = await WebhookKit.SubscribeAsync(_kit.Admin, PublicHttps, "order.created");
        var bad = await _kit.Admin.PatchAsJsonAsync($"{WebhookKit.Subscriptions}/{created.Id}", new { url = "https://10.0.0.5/x" }, Ct);
        await bad.AssertProblemAsync(HttpStatusCode.BadRequest);

        using var stale = new HttpRequestMessage(HttpMethod.Patch, $"{WebhookKit.Subscriptions}/{created.Id}")
        {
            Content = JsonContent.Create(new { description = "x" }),
        };
        stale.Headers.TryAddWithoutValidation("If-Match", "\"999\"");
        await (await _kit.Admin.SendAsync(stale, Ct)).AssertProblemAsync(HttpStatusCode.PreconditionFailed);

        var good = await _kit.Admin.PatchAsJsonAsync($"{WebhookKit.Subscriptions}/{created.Id}",
            new { events = new[] { "shipment.updated" }, description = "Fulfilment system" }, Ct);
        var body = await good.AssertJsonAsync(HttpStatusCode.OK);
        Assert.Equal(PublicHttps, body.GetProperty("url").GetString());
        Assert.Equal(["shipment.updated"], body.GetProperty("events").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal("Fulfilment system", body.GetProperty("description").GetString());
    }

    [Fact]
    public async Task Machine_clients_with_the_scope_manage_only_their_own_subscriptions()
    {
        var admin = factory.CreateAdminClient();
        var first = await admin.CreateMachineClientAsync("erp-" + Guid.NewGuid().ToString("N")[..6], MachineScopes.WebhooksManage);
        var second = await admin.CreateMachineClientAsync("crm-" + Guid.NewGuid().ToString("N")[..6], MachineScopes.WebhooksManage);
        var unscoped = await admin.CreateMachineClientAsync("bi-" + Guid.NewGuid().ToString("N")[..6], MachineScopes.OrdersRead);
        var plain = factory.CreateClient();
        var firstClient = factory.CreateBearerClient(await plain.GetAccessTokenAsync(first));
        var secondClient = factory.CreateBearerClient(await plain.GetAccessTokenAsync(second));
        var unscopedClient = factory.CreateBearerClient(await plain.GetAccessTokenAsync(unscoped));

        var mine = await WebhookKit.SubscribeAsync(firstClient, PublicHttps, "order.created");

        var path = $"{WebhookKit.Subscriptions}/{mine.Id}";
        await (await secondClient.GetAsync(path, Ct)).AssertProblemAsync(HttpStatusCode.NotFound);
        await (await secondClient.DeleteAsync(path, Ct)).AssertProblemAsync(HttpStatusCode.NotFound);
        await (await secondClient.PostAsync(path + "/secret:rotate", null, Ct)).AssertProblemAsync(HttpStatusCode.NotFound);
        await (await secondClient.GetAsync(path + "/deliveries", Ct)).AssertProblemAsync(HttpStatusCode.NotFound);
        var theirs = await (await secondClient.GetAsync(WebhookKit.Subscriptions, Ct)).AssertJsonAsync(HttpStatusCode.OK);
        Assert.DoesNotContain(theirs.GetProperty("items").EnumerateArray(), s => s.GetProperty("id").GetGuid() == mine.Id);

        await (await unscopedClient.GetAsync(WebhookKit.Subscriptions, Ct)).AssertProblemAsync(HttpStatusCode.Forbidden);
        await (await factory.CreateUserClient(Roles.Customer).GetAsync(WebhookKit.Subscriptions, Ct)).AssertProblemAsync(HttpStatusCode.Forbidden);
        await (await factory.CreateUserClient(Roles.OrderManager).PostAsJsonAsync(WebhookKit.Subscriptions,
            new { url = PublicHttps, events = new[] { "order.created" } }, Ct)).AssertProblemAsync(HttpStatusCode.Forbidden);
        await (await plain.GetAsync(WebhookKit.Subscriptions, Ct)).AssertProblemAsync(HttpStatusCode.Unauthorized);

        // The admin sees every subscription; the owner can delete its own.
        await (await admin.GetAsync(path, Ct)).AssertJsonAsync(HttpStatusCode.OK);
        Assert.Equal(HttpStatusCode.NoContent, (await firstClient.DeleteAsync(path, Ct)).StatusCode);
        await (await admin.GetAsync(path, Ct)).AssertProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Delivery_log_filters_are_validated()
    {
        var created = await WebhookKit.SubscribeAsync(_kit.Admin, PublicHttps, "order.created");
        var bad = await _kit.Admin.GetAsync($"{WebhookKit.Subscriptions}/{created.Id}/deliveries?status=lost", Ct);
        await bad.AssertProblemAsync(HttpStatusCode.BadRequest);
        var empty = await _kit.Admin.GetAsync($"{WebhookKit.Subscriptions}/{created.Id}/deliveries?status=failed", Ct);
        Assert.Empty((await empty.AssertJsonAsync(HttpStatusCode.OK)).GetProperty("items").EnumerateArray());
    }

    private async Task AssertNoSubscriptionWithAsync(string url)
    {
        var list = await _kit.Admin.GetAsync(WebhookKit.Subscriptions + "?limit=100", Ct);
        Assert.DoesNotContain((await list.AssertJsonAsync(HttpStatusCode.OK)).GetProperty("items").EnumerateArray(),
            s => s.GetProperty("url").GetString() == url);
    }
}
