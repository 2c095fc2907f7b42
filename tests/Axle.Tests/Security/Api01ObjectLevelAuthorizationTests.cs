using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Axle.Api.Features.Orders;
using Axle.Tests.Carts;
using Axle.Tests.Infrastructure;
using Axle.Tests.Orders;
using Axle.Tests.Returns;

namespace Axle.Tests.Security;

/// <summary>
/// OWASP API1:2023 Broken Object Level Authorization, walked over the OpenAPI document: every customer operation with a path
/// parameter is called by customer B with customer A's ids (A's cart, cart line, order, return, garage vehicle). B must
/// learn nothing: the answer is a 4xx problem and the same status as for an id nobody has; and A's things are unchanged.
/// </summary>
public sealed partial class Api01ObjectLevelAuthorizationTests(OrderFactory factory) : IClassFixture<OrderFactory>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Another_customers_ids_answer_exactly_like_ids_nobody_has_and_change_nothing()
    {
        var (clientA, userA) = await factory.CreateCustomerAsync();
        var (clientB, _) = await factory.CreateCustomerAsync();
        var returns = new ReturnKit(factory);
        var part = await returns.Carts.PartAsync(stock: 20);

        var delivered = await returns.DeliveredAsync(clientA, 1, (part, 2));
        var rma = await (await ReturnKit.RequestAsync(clientA, ReturnKit.Id(delivered), (ReturnKit.Line(delivered, part.Id), 1, "not_needed")))
            .AssertJsonAsync(HttpStatusCode.Created);
        var paid = await OrderKit.PlacePaidAsync(clientA, "TX", (part, 1));
        var cart = await CartKit.AddOkAsync(clientA, userA.Id, part.Id, 1);
        var vehicle = await (await clientA.PostAsJsonAsync("/api/v1/users/me/vehicles",
            new { year = 2018, make = "Toyota", model = "Camry" }, Ct)).AssertJsonAsync(HttpStatusCode.Created);
        var ids = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["/api/v1/carts/{userId}"] = userA.Id.ToString(),
            ["/api/v1/orders/{id}"] = ReturnKit.Id(paid).ToString(),
            ["/api/v1/returns/{id}"] = ReturnKit.Id(rma).ToString(),
            ["/api/v1/users/me/vehicles/{id}"] = vehicle.GetProperty("id").GetGuid().ToString(),
            ["{itemId}"] = cart.GetProperty("items")[0].GetProperty("id").ToString(),
        };

        using var doc = JsonDocument.Parse(await factory.CreateClient().GetStringAsync("/openapi/v1.json", Ct));
        var failures = new List<string>();
        var walked = 0;
        foreach (var path in doc.RootElement.GetProperty("paths").EnumerateObject())
        {
            if (Concrete(path.Name, ids, random: false) is not { } theirs)
            {
                continue; // no parameter that names one of A's things
            }

            var nobodys = Concrete(path.Name, ids, random: true)!;
            foreach (var operation in path.Value.EnumerateObject().Where(o => o.Name is "get" or "post" or "put" or "patch" or "delete"))
            {
                var method = operation.Name.ToUpperInvariant();
                var toTheirs = await SendAsync(clientB, method, theirs);
                var toNobodys = await SendAsync(clientB, method, nobodys);
                walked++;
                if (toTheirs.Status is < 400 or >= 500 || toTheirs.Status != toNobodys.Status || toTheirs.Type != "application/problem+json")
                {
                    failures.Add($"{method} {path.Name}: A's id → {toTheirs.Status} {toTheirs.Type}; an unknown id → {toNobodys.Status}");
                }
            }
        }

        Assert.True(failures.Count == 0, "Operations that told customer B something about customer A's things:\n" + string.Join('\n', failures));
        Assert.True(walked >= 20, $"Only {walked} operations walked.");

        // Nothing of A's changed, and A still sees all of it (so the ids above were real).
        var order = await (await clientA.GetAsync($"/api/v1/orders/{ReturnKit.Id(paid)}", Ct)).AssertJsonAsync(HttpStatusCode.OK);
        Assert.Equal(OrderStateMachine.Name(OrderStatus.Paid), order.GetProperty("status").GetString());
        var rmaNow = await (await clientA.GetAsync($"/api/v1/returns/{ReturnKit.Id(rma)}", Ct)).AssertJsonAsync(HttpStatusCode.OK);
        Assert.Equal(rma.GetProperty("status").GetString(), rmaNow.GetProperty("status").GetString());
        var (cartNow, _) = await CartKit.GetAsync(clientA, userA.Id);
        Assert.Equal(1, cartNow.GetProperty("items").GetArrayLength());
        Assert.Equal(1, cartNow.GetProperty("items")[0].GetProperty("quantity").GetInt32());
        await (await clientA.GetAsync($"/api/v1/users/me/vehicles/{vehicle.GetProperty("id").GetGuid()}", Ct)).AssertJsonAsync(HttpStatusCode.OK);
    }

    private static async Task<(int Status, string? Type)> SendAsync(HttpClient client, string method, string url)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), url);
        if (method is "POST" or "PUT" or "PATCH")
        {
            request.Content = new StringContent("{}", Encoding.UTF8, "application/json");
        }

        request.Headers.TryAddWithoutValidation("If-Match", "*");
        request.Headers.TryAddWithoutValidation("Idempotency-Key", Guid.NewGuid().ToString());
        var response = await client.SendAsync(request, Ct);
        return ((int)response.StatusCode, response.Content.Headers.ContentType?.MediaType);
    }

    /// <summary>
    /// The path with A's ids (or fresh ones nobody has) for the parameters that name A's things, or null when the template
    /// names none of them. Other parameters get a placeholder.
    /// </summary>
    private static string? Concrete(string template, Dictionary<string, string> ids, bool random)
    {
        var prefix = ids.Keys.Where(k => k.StartsWith('/') && template.StartsWith(k, StringComparison.Ordinal)).MaxBy(k => k.Length);
        if (prefix is null)
        {
            return null;
        }

        var url = prefix.Replace(Parameter().Match(prefix).Value, random ? Guid.NewGuid().ToString() : ids[prefix], StringComparison.Ordinal)
            + template[prefix.Length..];
        return Parameter().Replace(url, m => m.Value == "{itemId}"
            ? random ? Guid.NewGuid().ToString() : ids["{itemId}"]
            : "x");
    }

    [GeneratedRegex(@"\{[A-Za-z0-9_]+\}")]
    private static partial Regex Parameter();
}
