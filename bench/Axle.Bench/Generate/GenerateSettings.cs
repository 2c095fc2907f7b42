namespace Axle.Bench.Generate;

internal enum DbProvider
{
    Sqlite,
    Postgres,
}

internal sealed record GenerateSettings(DbProvider Provider, string Connection, int Parts, int Vehicles, long Fitments, int Seed)
{
    public static GenerateSettings From(CommandLine line)
    {
        var settings = new GenerateSettings(
            ParseProvider(line.Required("provider")),
            line.Required("connection"),
            (int)line.Long("parts", null, 1, 50_000_000),
            (int)line.Long("vehicles", null, 1, 2_000_000),
            line.Long("fitments", null, 0, 2_000_000_000),
            (int)line.Long("seed", 1, 0, int.MaxValue));
        line.RejectUnknown();
        return settings;
    }

    public static DbProvider ParseProvider(string text) => text.ToLowerInvariant() switch
    {
        "sqlite" => DbProvider.Sqlite,
        "postgres" or "postgresql" => DbProvider.Postgres,
        _ => throw new UsageException($"--provider must be sqlite or postgres, got '{text}'."),
    };
}
