namespace Axle.Bench.Scenarios;

/// <summary>The ceiling's request: one fixed URL on the in-process plain Kestrel server.</summary>
internal sealed class FixedResponseScenario(Uri uri) : IScenario
{
    public string Name => "ceiling";

    public Task PrepareAsync(ScenarioContext context, CancellationToken ct) => Task.CompletedTask;

    public HttpRequestMessage CreateRequest(Random random) => new(HttpMethod.Get, uri);
}
