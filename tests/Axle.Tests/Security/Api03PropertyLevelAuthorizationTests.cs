using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Axle.Api.Features.Identity;
using Axle.Api.Features.Orders;
using Axle.Api.Features.Suppliers.Mapping;
using Axle.Api.Platform.Data;
using Axle.Api.Platform.Security;
using Axle.Tests.Carts;
using Axle.Tests.Infrastructure;
using Axle.Tests.Orders;
using Axle.Tests.Suppliers;
using Axle.Tests.Webhooks;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Axle.Tests.Security;

/// <summary>
/// OWASP API3:2023 Broken Object Property Level Authorization: no JSON body takes members it does not define (a
/// mass-assignment probe on every body of the document); a customer cannot give themselves a role or an order its status
/// or total; and no GET of the document, walked as an admin and as a customer over real data, answers a password, a hash,
/// a signing secret, a supplier credential, a refresh token or (to a customer) a cost price.
/// </summary>
public sealed partial class Api03PropertyLevelAuthorizationTests(AxleFactory factory) : IClassFixture<AxleFactory>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    // A public address literal: accepted where a URL must be https and not internal (no DNS involved, nothing is called).
    private const string Public = "https://93.184.216.34";

    [Fact]
    public async Task Every_json_body_refuses_members_it_does_not_define()
    {
        var admin = factory.CreateAdminClient();
        var failures = new List<string>();
        var walked = 0;
        foreach (var operation in (await SecurityWalk.OperationsAsync(factory)).Where(o => o.TakesJson))
        {
            walked++;
            // Members a client must never set, on an otherwise empty body.
            using var request = SecurityWalk.Request(operation,
                """{"isAdmin":true,"role":"admin","ownerId":"00000000-0000-0000-0000-000000000001","__probe":1}""");
            var response = await admin.SendAsync(request, Ct);
            var status = (int)response.StatusCode;
            var type = response.Content.Headers.ContentType?.MediaType;
            // Signed webhooks (no bearer security) authenticate the signature before they read the body: 401/403 first is right.
            var signed = operation.IsSigned && status is 401 or 403;
            if ((status != 400 && !signed) || type != "application/problem+json")
            {
                failures.Add($"{operation.Method} {operation.Path}: {status} {type}");
            }
        }

        SecurityWalk.AssertWalk(failures, walked, 40, "JSON bodies with undefined members that were not refused with a 400 problem");
    }

    [Fact]
    public async Task Patch_me_with_a_role_is_refused_and_roles_stay_unchanged()
    {
        var (client, user) = await factory.CreateCustomerAsync();
        var versionBefore = await UserAsync(user.Id);

        var singular = await client.PatchAsJsonAsync("/api/v1/users/me", new { role = "admin" }, Ct);
        var plural = await client.PatchAsJsonAsync("/api/v1/users/me", new { name = "Eve", roles = new[] { "admin" } }, Ct);
        var email = await client.PatchAsJsonAsync("/api/v1/users/me", new { email = "eve@axle.test" }, Ct);
        var verified = await client.PatchAsJsonAsync("/api/v1/users/me", new { name = "Eve", emailVerified = true }, Ct);

        foreach (var response in new[] { singular, plural, email, verified })
        {
            await response.AssertProblemAsync(HttpStatusCode.BadRequest);
        }

        var stored = await UserAsync(user.Id);
        Assert.Equal([Roles.Customer], stored.RoleNames);
        Assert.Equal(user.Name, stored.Name);
        Assert.Equal(user.Email, stored.Email);
        Assert.Equal(versionBefore.Version, stored.Version);
        // And the next sign-in still issues a customer token.
        var me = await (await (await factory.CreateClientForAsync(user)).GetAsync("/api/v1/users/me", Ct)).AssertJsonAsync(HttpStatusCode.OK);
        Assert.Equal([Roles.Customer], me.GetProperty("roles").EnumerateArray().Select(r => r.GetString()));
    }

    public static readonly TheoryData<string> OrderOverrides =
    [
        "\"status\":\"paid\"",
        "\"status\":\"delivered\"",
        "\"total\":{\"amount\":0.01,\"currency\":\"USD\"}",
        "\"totals\":{\"total\":{\"amount\":0.01,\"currency\":\"USD\"}}",
        "\"userId\":\"00000000-0000-0000-0000-000000000001\"",
        "\"items\":[{\"partId\":PART,\"quantity\":1,\"unitPrice\":{\"amount\":0.01,\"currency\":\"USD\"}}]",
    ];

    [Theory]
    [MemberData(nameof(OrderOverrides))]
    public async Task An_order_body_that_sets_status_total_owner_or_price_is_a_400_and_places_nothing(string member)
    {
        var (client, user) = await factory.CreateCustomerAsync();
        var part = await new CartKit(factory).PartAsync(priceMinor: 12_345, stock: 5);
        var items = member.StartsWith("\"items\"", StringComparison.Ordinal) ? "" : $"\"items\":[{{\"partId\":{part.Id},\"quantity\":1}}],";
        var body = "{" + items
            + "\"shippingAddress\":{\"name\":\"Ada Driver\",\"line1\":\"1 Main St\",\"city\":\"Springfield\",\"region\":\"CA\",\"postalCode\":\"90210\",\"country\":\"US\"},"
            + "\"payment\":{\"method\":\"card\",\"token\":\"tok_visa\"}," + member.Replace("PART", part.Id.ToString(), StringComparison.Ordinal) + "}";
        using var request = new HttpRequestMessage(HttpMethod.Post, OrderKit.OrdersUrl) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString());

        var response = await client.SendAsync(request, Ct);

        await response.AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.Equal(0, await new OrderKit(factory).OrderCountAsync(user.Id));
        Assert.Equal((5, 0), await new OrderKit(factory).StockAsync(part.Id));
    }

    [Fact]
    public async Task A_cart_line_or_staff_step_body_that_sets_a_price_or_a_status_is_a_400_and_changes_nothing()
    {
        var (client, user) = await factory.CreateCustomerAsync();
        var part = await new CartKit(factory).PartAsync(priceMinor: 5_000, stock: 5);
        var line = await client.PostAsJsonAsync($"{CartKit.CartUrl(user.Id)}/items",
            new { partId = part.Id, quantity = 1, price = new { amount = 0.01, currency = "USD" } }, Ct);
        await line.AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.Null((await new CartKit(factory).CartInDbAsync(user.Id))?.Items.FirstOrDefault());

        var order = await OrderKit.PlacePaidAsync(client, "CA", (part, 1));
        var id = order.GetProperty("id").GetGuid();
        var cancel = await client.PostAsJsonAsync($"{OrderKit.OrdersUrl}/{id}/cancel", new { status = "delivered", refund = 1_000_000 }, Ct);
        await cancel.AssertProblemAsync(HttpStatusCode.BadRequest);
        var stored = (await new OrderKit(factory).OrderAsync(id))!;
        Assert.Equal(OrderStatus.Paid, stored.Status);
        Assert.Equal(OrderKit.Amount(order, "total"), stored.TotalMinor / 100m);
    }

    [Fact]
    public async Task No_get_answers_an_admin_hashes_secrets_credentials_or_tokens()
    {
        var seeded = await SeedAsync();
        var admin = factory.CreateAdminClient();

        var (failures, walked) = await WalkGetsAsync(admin, seeded, Forbidden(), answeredAtLeast: 25);

        SecurityWalk.AssertWalk(failures, walked, 50, "GET answers to an admin that carried a secret");
    }

    [Fact]
    public async Task No_get_answers_a_customer_hashes_secrets_tokens_or_cost_prices()
    {
        var seeded = await SeedAsync();

        var (failures, walked) = await WalkGetsAsync(seeded.Customer, seeded, CustomerForbidden(), answeredAtLeast: 8);

        SecurityWalk.AssertWalk(failures, walked, 50, "GET answers to a customer that carried a secret or a cost");
    }

    /// <summary>What a walk must find nowhere: the literal secret values seeded, and members whose names say secret.</summary>
    private sealed record Seeded(HttpClient Customer, List<string> Secrets, Dictionary<string, List<string>> Ids);

    /// <summary>
    /// Real data behind every kind of secret: a supplier (its push secret, rotated), its feed with OAuth client
    /// credentials, a webhook subscription, a machine client, and a customer with a password, a refresh token, a garage
    /// vehicle, a cart and a paid order.
    /// </summary>
    private async Task<Seeded> SeedAsync()
    {
        var admin = factory.CreateAdminClient();
        var secrets = new List<string>();
        var ids = new Dictionary<string, List<string>>(StringComparer.Ordinal) { ["uuid"] = [], ["integer"] = [], ["string"] = [] };

        var supplier = await new SupplierKit(factory).SupplierAsync();
        secrets.Add(supplier.Secret);
        ids["integer"].Add(supplier.Id.ToString());
        ids["integer"].Add(supplier.WarehouseId.ToString());
        ids["string"].Add(supplier.Code);
        var rotated = await (await admin.PostAsync($"{SupplierKit.Suppliers}/{supplier.Id}/secret:rotate", null, Ct)).AssertJsonAsync(HttpStatusCode.OK);
        secrets.AddRange(Strings(rotated).Where(s => s.StartsWith("whsec_", StringComparison.Ordinal)));
        var feedSecret = "feed-secret-" + Guid.NewGuid().ToString("N");
        await (await admin.PutAsJsonAsync($"{SupplierKit.Suppliers}/{supplier.Id}/feed", new
        {
            settings = new
            {
                url = Public + "/feed", format = "json_cursor",
                auth = new { kind = "oauth2_client_credentials", tokenUrl = Public + "/token" },
            },
            credentials = new { clientId = "axle-at-supplier", clientSecret = feedSecret },
            mapping = SupplierMapping.Example,
        }, Ct)).AssertJsonAsync(HttpStatusCode.OK);
        secrets.Add(feedSecret);

        var subscription = await WebhookKit.SubscribeAsync(admin, Public + "/hook", "order.created");
        secrets.Add(subscription.Secret);
        ids["uuid"].Add(subscription.Id.ToString());

        var machine = await admin.CreateMachineClientAsync("owasp-" + Guid.NewGuid().ToString("N")[..8], "orders:read");
        secrets.Add(machine.ClientSecret);
        ids["string"].Add(machine.ClientId);

        var anonymous = factory.CreateClient();
        var user = await anonymous.RegisterAsync();
        var tokens = await anonymous.LoginAsync(user);
        secrets.Add(user.Password);
        secrets.Add(tokens.RefreshToken);
        var customer = factory.CreateClientWithToken(tokens.AccessToken);
        ids["uuid"].Add(user.Id.ToString());
        var kit = new CartKit(factory);
        var part = await kit.PartAsync(priceMinor: 2_500, stock: 10);
        ids["integer"].Add(part.Id.ToString());
        ids["string"].Add(part.Sku);
        var order = await OrderKit.PlacePaidAsync(customer, "CA", (part, 1));
        ids["uuid"].Add(order.GetProperty("id").GetGuid().ToString());
        await CartKit.AddOkAsync(customer, user.Id, part.Id, 1);
        var vehicle = await (await customer.PostAsJsonAsync("/api/v1/users/me/vehicles", new { year = 2018, make = "Toyota", model = "Camry" }, Ct))
            .AssertJsonAsync(HttpStatusCode.Created);
        ids["uuid"].Add(vehicle.GetProperty("id").GetGuid().ToString());

        await using var scope = factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        var stored = await db.Set<User>().AsNoTracking().SingleAsync(u => u.Id == user.Id, Ct);
        secrets.Add(stored.PasswordHash);
        secrets.Add(RefreshToken.Hash(tokens.RefreshToken));
        return new Seeded(customer, secrets, ids);
    }

    /// <summary>
    /// Every GET of the document, each path parameter tried with the seeded ids of its type until one answers 2xx, lists
    /// asked for their largest page. Every answer (errors too) is searched for the seeded secrets and for members whose
    /// names match <paramref name="forbidden"/>.
    /// </summary>
    private async Task<(List<string> Failures, int Walked)> WalkGetsAsync(HttpClient client, Seeded seeded, Regex forbidden, int answeredAtLeast)
    {
        var failures = new List<string>();
        var walked = 0;
        var answered = 0;
        foreach (var operation in (await SecurityWalk.OperationsAsync(factory)).Where(o => o.Method == "GET"))
        {
            walked++;
            foreach (var url in Candidates(operation, seeded.Ids))
            {
                var response = await client.GetAsync(url, Ct);
                var body = await response.Content.ReadAsStringAsync(Ct);
                if (seeded.Secrets.FirstOrDefault(s => body.Contains(s, StringComparison.Ordinal)) is { } secret)
                {
                    failures.Add($"GET {url}: carries the seeded secret {secret[..Math.Min(12, secret.Length)]}…");
                }

                if (response.Content.Headers.ContentType?.MediaType?.EndsWith("json", StringComparison.Ordinal) == true && body.Length > 0
                    && Names(JsonDocument.Parse(body).RootElement).Where(n => forbidden.IsMatch(n) && !NotSecrets.Contains(n)).Distinct().ToList() is { Count: > 0 } names)
                {
                    failures.Add($"GET {url}: members {string.Join(", ", names)}");
                }

                if (response.IsSuccessStatusCode)
                {
                    answered++;
                    break;
                }
            }
        }

        // The walk must have reached data, not only 404s.
        Assert.True(answered >= answeredAtLeast, $"Only {answered} GETs answered 2xx; the seeded ids are not reaching the operations.");
        return (failures, walked);
    }

    private static IEnumerable<string> Candidates(DocumentedOperation operation, Dictionary<string, List<string>> ids)
    {
        var parameters = operation.Operation.TryGetProperty("parameters", out var p) ? p.EnumerateArray().ToList() : [];
        var path = parameters.Where(x => x.GetProperty("in").GetString() == "path").ToList();
        var query = operation.HasQuery("limit") ? "?limit=100" : "";
        if (path.Count == 0)
        {
            yield return operation.Path + query;
            yield break;
        }

        string TypeOf(JsonElement parameter)
        {
            var schema = parameter.TryGetProperty("schema", out var s) ? s : default;
            var format = schema.ValueKind == JsonValueKind.Object && schema.TryGetProperty("format", out var f) ? f.GetString() : null;
            var type = schema.ValueKind == JsonValueKind.Object && schema.TryGetProperty("type", out var t) ? t.ToString() : "";
            return format == "uuid" ? "uuid" : type.Contains("integer", StringComparison.Ordinal) ? "integer" : "string";
        }

        var first = path[0];
        var candidates = ids[TypeOf(first)].Concat(TypeOf(first) == "string" ? ids["uuid"].Concat(ids["integer"]) : []).ToList();
        foreach (var candidate in candidates)
        {
            var url = operation.Path.Replace("{" + first.GetProperty("name").GetString() + "}", Uri.EscapeDataString(candidate), StringComparison.Ordinal);
            foreach (var other in path.Skip(1))
            {
                var values = ids[TypeOf(other)];
                url = url.Replace("{" + other.GetProperty("name").GetString() + "}", values.Count > 0 ? values[0] : "x", StringComparison.Ordinal);
            }

            yield return url + query;
        }
    }

    // The audit log's chain hash (tamper evidence, not a credential) and the name of a supplier's API key header.
    private static readonly string[] NotSecrets = ["hash", "apiKeyHeader"];

    /// <summary>Names of members holding a string or a number: a null member or a flag (<c>hasFeedCredentials</c>) reveals nothing.</summary>
    private static IEnumerable<string> Names(JsonElement element)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (var property in element.EnumerateObject())
                {
                    if (property.Value.ValueKind is JsonValueKind.String or JsonValueKind.Number or JsonValueKind.Object or JsonValueKind.Array
                        && !(property.Value.ValueKind == JsonValueKind.String && DateTime.TryParse(property.Value.GetString(), out _)))
                    {
                        yield return property.Name;
                    }

                    foreach (var name in Names(property.Value))
                    {
                        yield return name;
                    }
                }

                break;
            case JsonValueKind.Array:
                foreach (var name in element.EnumerateArray().SelectMany(Names))
                {
                    yield return name;
                }

                break;
        }
    }

    private static IEnumerable<string> Strings(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.String => [element.GetString()!],
        JsonValueKind.Object => element.EnumerateObject().SelectMany(p => Strings(p.Value)),
        JsonValueKind.Array => element.EnumerateArray().SelectMany(Strings),
        _ => [],
    };

    private async Task<User> UserAsync(Guid id)
    {
        await using var scope = factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        return await db.Set<User>().AsNoTracking().Include(u => u.Roles).SingleAsync(u => u.Id == id, Ct);
    }

    [GeneratedRegex("password|hash|secret|refresh_?token|api_?key|credential|private", RegexOptions.IgnoreCase)]
    private static partial Regex Forbidden();

    [GeneratedRegex("password|hash|secret|refresh_?token|api_?key|credential|private|cost(?!.*charge)|margin|supplierPrice", RegexOptions.IgnoreCase)]
    private static partial Regex CustomerForbidden();
}
