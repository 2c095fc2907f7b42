namespace Axle.Bench.Scenarios;

/// <summary><c>GET /health/live</c>: no database, no auth; the floor of what the API's pipeline costs.</summary>
internal sealed class HealthScenario : IScenario
{
    private Uri? _uri;

    public string Name => "health";

    public Task PrepareAsync(ScenarioContext context, CancellationToken ct)
    {
        _uri = new Uri(context.BaseUrl, "/health/live");
        return Task.CompletedTask;
    }

    public HttpRequestMessage CreateRequest(Random random) => new(HttpMethod.Get, _uri);
}
