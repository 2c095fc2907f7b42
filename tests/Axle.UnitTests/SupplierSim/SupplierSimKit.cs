using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Nodes;
using Axle.SupplierSim;

namespace Axle.UnitTests.SupplierSim;

/// <summary>Shared helpers: an HTTP client for a simulator and a reader that walks the cursor feed to its end.</summary>
internal static class SupplierSimKit
{
    public static readonly DateTimeOffset Now = new(2026, 11, 23, 10, 0, 0, TimeSpan.Zero);

    public static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static HttpClient Client(SupplierSimulator sim, TimeSpan? timeout = null) =>
        new(new SocketsHttpHandler { AutomaticDecompression = System.Net.DecompressionMethods.None })
        {
            BaseAddress = sim.BaseUrl,
            Timeout = timeout ?? TimeSpan.FromSeconds(30),
        };

    public static async Task<JsonNode> GetJson(HttpClient http, string url)
    {
        using var response = await http.GetAsync(url, Ct);
        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        return JsonNode.Parse(await response.Content.ReadAsStringAsync(Ct))!;
    }

    /// <summary>Every item of every page, following nextCursor; <paramref name="betweenPages"/> runs after each page.</summary>
    public static async Task<List<JsonObject>> ReadAll(HttpClient http, string firstUrl, Action<int>? betweenPages = null)
    {
        var items = new List<JsonObject>();
        var url = firstUrl;
        for (var page = 0; ; page++)
        {
            var body = await GetJson(http, url);
            items.AddRange(body["items"]!.AsArray().Select(i => i!.AsObject()));
            var next = body["nextCursor"]?.GetValue<string>();
            if (next is null)
            {
                return items;
            }

            betweenPages?.Invoke(page);
            url = $"feed/stock?limit=500&cursor={Uri.EscapeDataString(next)}";
        }
    }

    public static string PartNo(JsonNode item) => item["partNo"]!.GetValue<string>();

    public static HttpRequestMessage Get(string url, Action<HttpRequestHeaders>? headers = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, url);
        headers?.Invoke(request.Headers);
        return request;
    }

    public static StringContent Json(object body) =>
        new(JsonSerializer.Serialize(body), System.Text.Encoding.UTF8, "application/json");
}
