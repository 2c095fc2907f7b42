namespace Axle.Bench.Generate;

/// <summary>One provider's bulk path into Axle's schema.</summary>
internal interface ICatalogStore : IAsyncDisposable
{
    /// <summary>Applies Axle's own migrations, so the schema is exactly the API's.</summary>
    Task MigrateAsync(CancellationToken ct);

    Task<long> CountAsync(string table, CancellationToken ct);

    /// <summary>Starts the load: drops secondary indexes and foreign keys of <paramref name="tables"/>, remembering them.</summary>
    Task BeginAsync(IReadOnlyList<string> tables, CancellationToken ct);

    Task<long> LoadAsync<T>(TableSpec<T> table, IEnumerable<T> rows, CancellationToken ct);

    /// <summary>Recreates what <see cref="BeginAsync"/> dropped and commits.</summary>
    Task RebuildIndexesAsync(CancellationToken ct);

    /// <summary>Identity sequences, full-text tables, planner statistics.</summary>
    Task FinishAsync(TextWriter log, CancellationToken ct);
}
