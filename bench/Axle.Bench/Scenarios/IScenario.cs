using Axle.Bench.Generate;

namespace Axle.Bench.Scenarios;

/// <summary>What a scenario may use while preparing: the client, the server's base URL and, optionally, its database.</summary>
internal sealed record ScenarioContext(HttpClient Client, Uri BaseUrl, DbProvider? Provider, string? Connection, TextWriter Log);

/// <summary>
/// A load scenario: prepared once (look up ids, sign in, build a request pool), then asked for one request per loop
/// iteration by every worker. <see cref="CreateRequest"/> runs on the hot path: build from prepared data, no I/O.
/// </summary>
internal interface IScenario
{
    string Name { get; }

    Task PrepareAsync(ScenarioContext context, CancellationToken ct);

    /// <summary>A new request (requests cannot be reused); <paramref name="random"/> belongs to the calling worker.</summary>
    HttpRequestMessage CreateRequest(Random random);
}

internal static class ScenarioCatalog
{
    /// <summary>Every scenario by name. Add new ones here.</summary>
    public static readonly IReadOnlyDictionary<string, Func<IScenario>> All = new Dictionary<string, Func<IScenario>>(StringComparer.Ordinal)
    {
        ["health"] = () => new HealthScenario(),
        ["fitment-search"] = () => new FitmentSearchScenario(),
        ["fitment-search-uncached"] = () => new FitmentSearchScenario(uncached: true),
    };

    public static IScenario Create(string name) =>
        All.TryGetValue(name, out var create)
            ? create()
            : throw new UsageException($"Unknown scenario '{name}'. Known: {string.Join(", ", All.Keys)}.");
}
