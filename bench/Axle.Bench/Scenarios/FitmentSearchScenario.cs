using System.Globalization;
using System.Text.Json;
using Axle.Bench.Generate;
using Axle.Bench.Load;

namespace Axle.Bench.Scenarios;

/// <summary>
/// <c>GET /api/v1/parts?make=&amp;model=&amp;year=&amp;limit=50</c> for (make, model, year) triples drawn uniformly from what
/// the catalog holds. Triples come from the API's vehicle endpoints, or from the database when those are not there.
/// Uncached (<c>fitment-search-uncached</c>): every request carries a query parameter the API ignores but the output
/// cache varies by, with a value never sent before, so each one runs the query: the cost of a cache miss.
/// </summary>
internal sealed class FitmentSearchScenario(bool uncached = false) : IScenario
{
    private long _sequence;

    private const int MaxMakes = 40;
    private const int MaxModelsPerMake = 12;
    private const int MaxTriples = 20_000;

    private Uri[] _requests = [];

    public string Name => uncached ? "fitment-search-uncached" : "fitment-search";

    public async Task PrepareAsync(ScenarioContext context, CancellationToken ct)
    {
        List<(string Make, string Model, int Year)> triples;
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(TimeSpan.FromSeconds(30));
            triples = await FromApiAsync(context.Client, context.BaseUrl, timeout.Token);
            await context.Log.WriteLineAsync($"fitment-search: {triples.Count} (make, model, year) triples from /api/v1/vehicles");
        }
        catch (Exception ex) when (ex is HttpRequestException or JsonException or InvalidOperationException or OperationCanceledException
                                   && !ct.IsCancellationRequested)
        {
            if (context.Provider is not { } provider || context.Connection is null)
            {
                throw new UsageException(
                    $"The vehicle endpoints did not answer ({ex.Message}); pass --provider and --connection to read vehicles from the database.");
            }

            await context.Log.WriteLineAsync($"fitment-search: vehicle endpoints unavailable ({ex.Message}); reading vehicles from the database");
            triples = await FromDatabaseAsync(provider, context.Connection, ct);
        }

        if (triples.Count == 0)
        {
            throw new UsageException("No vehicles found: generate a catalog first.");
        }

        _requests = triples
            .Select(t => new Uri(context.BaseUrl,
                $"/api/v1/parts?make={Uri.EscapeDataString(t.Make)}&model={Uri.EscapeDataString(t.Model)}&year={t.Year.ToString(CultureInfo.InvariantCulture)}&limit=50"))
            .ToArray();
    }

    public HttpRequestMessage CreateRequest(Random random)
    {
        var uri = _requests[random.Next(_requests.Length)];
        return new HttpRequestMessage(HttpMethod.Get, uncached
            ? new Uri(uri + "&bench=" + Interlocked.Increment(ref _sequence).ToString(CultureInfo.InvariantCulture))
            : uri);
    }

    private static async Task<List<(string, string, int)>> FromApiAsync(HttpClient client, Uri baseUrl, CancellationToken ct)
    {
        var triples = new List<(string, string, int)>();
        foreach (var make in (await GetValuesAsync(client, new Uri(baseUrl, "/api/v1/vehicles/makes"), ct)).Take(MaxMakes))
        {
            var models = await GetValuesAsync(client, new Uri(baseUrl, $"/api/v1/vehicles/models?make={Uri.EscapeDataString(make)}"), ct);
            foreach (var model in models.Take(MaxModelsPerMake))
            {
                var years = await GetValuesAsync(client,
                    new Uri(baseUrl, $"/api/v1/vehicles/years?make={Uri.EscapeDataString(make)}&model={Uri.EscapeDataString(model)}"), ct);
                foreach (var year in years)
                {
                    if (int.TryParse(year, NumberStyles.Integer, CultureInfo.InvariantCulture, out var y) && triples.Count < MaxTriples)
                    {
                        triples.Add((make, model, y));
                    }
                }
            }
        }

        return triples.Count > 0 ? triples : throw new InvalidOperationException("the vehicle endpoints returned no vehicles");
    }

    /// <summary>
    /// The vehicle endpoints are young; accept a bare array or an object wrapping one (<c>items</c>, <c>data</c>, ...), of
    /// strings, numbers or objects with a name-like property.
    /// </summary>
    private static async Task<List<string>> GetValuesAsync(HttpClient client, Uri uri, CancellationToken ct)
    {
        using var response = await client.GetAsync(uri, ct);
        if (!response.IsSuccessStatusCode)
        {
            throw new HttpRequestException($"GET {uri.PathAndQuery} answered {(int)response.StatusCode}");
        }

        await using var body = await response.Content.ReadAsStreamAsync(ct);
        using var json = await JsonDocument.ParseAsync(body, cancellationToken: ct);
        return Values(json.RootElement);
    }

    internal static List<string> Values(JsonElement element)
    {
        if (element.ValueKind == JsonValueKind.Object)
        {
            foreach (var key in (string[])["items", "data", "results", "values", "makes", "models", "years"])
            {
                if (element.TryGetProperty(key, out var inner) && inner.ValueKind == JsonValueKind.Array)
                {
                    return Values(inner);
                }
            }

            return [];
        }

        var values = new List<string>();
        if (element.ValueKind != JsonValueKind.Array)
        {
            return values;
        }

        foreach (var item in element.EnumerateArray())
        {
            var value = item.ValueKind switch
            {
                JsonValueKind.String => item.GetString(),
                JsonValueKind.Number => item.GetRawText(),
                JsonValueKind.Object => NameOf(item),
                _ => null,
            };
            if (!string.IsNullOrWhiteSpace(value))
            {
                values.Add(value);
            }
        }

        return values;
    }

    private static string? NameOf(JsonElement item)
    {
        foreach (var key in (string[])["name", "make", "model", "year", "value"])
        {
            foreach (var property in item.EnumerateObject())
            {
                if (string.Equals(property.Name, key, StringComparison.OrdinalIgnoreCase))
                {
                    return property.Value.ValueKind == JsonValueKind.String ? property.Value.GetString() : property.Value.GetRawText();
                }
            }
        }

        return null;
    }

    private static async Task<List<(string, string, int)>> FromDatabaseAsync(DbProvider provider, string connectionString, CancellationToken ct)
    {
        await using var connection = BenchDatabase.Create(provider, connectionString);
        await connection.OpenAsync(ct);
        return await BenchDatabase.ListAsync(connection,
            $"""SELECT DISTINCT "Make", "Model", "Year" FROM vehicles ORDER BY "Make", "Model", "Year" LIMIT {MaxTriples}""",
            r => (r.GetString(0), r.GetString(1), r.GetInt32(2)), ct);
    }
}
