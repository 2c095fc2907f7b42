using System.Diagnostics;
using System.Globalization;

namespace Axle.Bench.Generate;

/// <summary>The <c>generate</c> command: migrate, bulk-load a synthetic catalog, rebuild indexes, analyze.</summary>
internal static class CatalogGenerator
{
    public static async Task RunAsync(GenerateSettings settings, TextWriter log, CancellationToken ct)
    {
        var catalog = new SyntheticCatalog(settings);
        if (catalog.VehicleCount < settings.Vehicles)
        {
            await log.WriteLineAsync($"note: the vocabulary describes {catalog.VehicleCount} vehicles at most; generating that many.");
        }

        if (catalog.FitmentTotal < settings.Fitments)
        {
            await log.WriteLineAsync(
                $"note: {catalog.FitmentTotal} fitments fit without duplicate (part, vehicle) pairs under the skew; generating that many.");
        }

        await using ICatalogStore store = settings.Provider switch
        {
            DbProvider.Sqlite => new SqliteCatalogStore(settings.Connection),
            _ => new PostgresCatalogStore(settings.Connection),
        };

        var total = Stopwatch.StartNew();
        await Step(log, "migrate", () => store.MigrateAsync(ct));
        foreach (var table in Tables.All)
        {
            if (await store.CountAsync(table, ct) > 0)
            {
                throw new UsageException(
                    $"Table {table} already has rows. Generate into an empty database (a new SQLite file or a dropped/created PostgreSQL database).");
            }
        }

        await store.BeginAsync(Tables.Deferred, ct);
        await Load(log, store, Tables.Brands, catalog.Brands, ct);
        await Load(log, store, Tables.Categories, catalog.Categories, ct);
        await Load(log, store, Tables.Vehicles, catalog.Vehicles(), ct);
        await Load(log, store, Tables.Parts, catalog.Parts(), ct);
        await Load(log, store, Tables.Fitments, catalog.Fitments(), ct);
        await Load(log, store, Tables.Interchanges, catalog.Interchanges(), ct);
        await Step(log, "indexes", () => store.RebuildIndexesAsync(ct));
        await Step(log, "analyze", () => store.FinishAsync(log, ct));
        await log.WriteLineAsync($"done in {total.Elapsed.TotalSeconds:F1} s");
    }

    private static async Task Load<T>(TextWriter log, ICatalogStore store, TableSpec<T> table, IEnumerable<T> rows, CancellationToken ct)
    {
        var watch = Stopwatch.StartNew();
        var count = await store.LoadAsync(table, rows, ct);
        var seconds = Math.Max(watch.Elapsed.TotalSeconds, 1e-6);
        await log.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"  {table.Name,-18} {count,12:N0} rows {seconds,8:F2} s {count / seconds,12:N0} rows/s"));
    }

    private static async Task Step(TextWriter log, string name, Func<Task> action)
    {
        var watch = Stopwatch.StartNew();
        await action();
        await log.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"  {name,-18} {watch.Elapsed.TotalSeconds,34:F2} s"));
    }
}
