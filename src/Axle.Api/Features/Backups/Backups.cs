using System.Data.Common;
using System.Diagnostics;
using Axle.Api.Features.Audit;
using Axle.Api.Features.Inventory;
using Axle.Api.Platform.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Storage;

namespace Axle.Api.Features.Backups;

public enum BackupOutcome
{
    Ok,

    /// <summary>The file is missing, damaged, from the other provider or from a newer Axle.</summary>
    Rejected,

    /// <summary>The target database holds data and the caller did not confirm replacing it.</summary>
    Refused,

    /// <summary>The backup restored but a check failed, or a tool failed.</summary>
    Failed,
}

public sealed record BackupReport(
    string Command, BackupOutcome Outcome, string File, string? Problem, BackupManifest? Manifest, double Seconds,
    IReadOnlyList<string>? Deleted = null, long? Tables = null, long? Rows = null,
    object? Audit = null, object? Stock = null, IReadOnlyList<string>? Problems = null)
{
    public bool Ok => Outcome == BackupOutcome.Ok;
}

/// <summary>
/// Backup, restore and verify for whichever provider the app runs on. A backup never blocks the app; a restore replaces the
/// whole database and then applies any migrations newer than the backup; a verify restores into a scratch database,
/// migrates it, and runs the same audit-chain and stock-ledger checks as <c>verify-audit</c> and <c>verify-stock</c>.
/// </summary>
internal sealed class Backups(
    AppDbContext db, IBackupEngine engine, BackupStore store, IServiceProvider services, TimeProvider time)
{
    private string LiveConnection => db.Database.GetConnectionString()
        ?? throw new InvalidOperationException("The database has no connection string.");

    /// <summary>Writes a backup to <paramref name="outPath"/>, or into the backup folder (then pruned to <c>Keep</c>).</summary>
    public async Task<BackupReport> CreateAsync(string? outPath, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        var createdAt = time.GetUtcNow().UtcDateTime;
        var path = outPath is null ? store.NewPath(engine.Provider, createdAt) : Path.GetFullPath(outPath);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var payload = path + ".payload";
        try
        {
            var migration = (await db.Database.GetAppliedMigrationsAsync(ct)).LastOrDefault();
            await engine.DumpAsync(LiveConnection, payload, ct);
            var manifest = await BackupArchive.WriteAsync(path, payload, engine.PayloadName, engine.Provider, createdAt, migration, ct);
            var deleted = outPath is null ? store.Prune() : [];
            return new BackupReport("backup", BackupOutcome.Ok, path, null, manifest, clock.Elapsed.TotalSeconds, deleted);
        }
        catch (Exception e) when (e is BackupToolException or DbException)
        {
            return new BackupReport("backup", BackupOutcome.Failed, path, e.Message, null, clock.Elapsed.TotalSeconds);
        }
        finally
        {
            File.Delete(payload);
        }
    }

    /// <summary>
    /// Replaces the live database with the backup's contents. Refused when the database already has tables unless
    /// <paramref name="replace"/> says the caller means it.
    /// </summary>
    public Task<BackupReport> RestoreAsync(string from, bool replace, CancellationToken ct) =>
        WithBackupAsync("restore", from, async (manifest, payload, clock) =>
        {
            var creator = db.GetService<IRelationalDatabaseCreator>();
            var exists = await creator.ExistsAsync(ct);
            if (exists && await creator.HasTablesAsync(ct) && !replace)
            {
                return new BackupReport("restore", BackupOutcome.Refused, from,
                    "The database already holds tables, and a restore replaces everything in it. Stop the app, take a backup of " +
                    "the current database if it matters, and run the restore again with --yes.", manifest, clock.Elapsed.TotalSeconds);
            }

            if (!exists)
            {
                await creator.CreateAsync(ct);
            }

            // Pooled connections (and PostgreSQL statements prepared on them) belong to the database being replaced.
            engine.ClearPools();
            await engine.LoadAsync(payload, LiveConnection, ct);
            engine.ClearPools();
            await services.MigrateDatabaseAsync(ct);
            return new BackupReport("restore", BackupOutcome.Ok, from, null, manifest, clock.Elapsed.TotalSeconds);
        }, ct);

    /// <summary>Restores into a scratch database, migrates it, checks it, and drops it.</summary>
    public Task<BackupReport> VerifyAsync(string from, CancellationToken ct) =>
        WithBackupAsync("verify", from, async (manifest, payload, clock) =>
        {
            var scratchConnection = engine.ScratchConnectionString(LiveConnection);
            await using var scratch = engine.CreateContext(scratchConnection);
            var creator = scratch.GetService<IRelationalDatabaseCreator>();
            try
            {
                await creator.CreateAsync(ct);
                await engine.LoadAsync(payload, scratchConnection, ct);
                await scratch.Database.MigrateAsync(ct);
                var counts = await CountRowsAsync(scratch, ct);
                var audit = await new AuditVerifier(scratch).VerifyAsync(ct);
                var stock = await new StockReconciliation(scratch).RunAsync(ct);
                List<string> problems = [];
                if (!audit.Intact)
                {
                    problems.Add($"Audit chain broken at entry {audit.FirstBrokenSequence}: {audit.Reason}");
                }

                if (!stock.Consistent)
                {
                    problems.Add($"{stock.DriftCount} stock level(s) differ from the ledger, first {stock.Drift[0].Sku} in warehouse {stock.Drift[0].WarehouseId}.");
                }

                return new BackupReport("verify", problems.Count == 0 ? BackupOutcome.Ok : BackupOutcome.Failed, from,
                    problems.Count == 0 ? null : string.Join(' ', problems), manifest, clock.Elapsed.TotalSeconds,
                    Tables: counts.Count, Rows: counts.Values.Sum(), Audit: audit, Stock: stock, Problems: problems);
            }
            finally
            {
                // Cleanup must run even when the caller gave up.
                await engine.DropDatabaseAsync(scratchConnection);
            }
        }, ct);

    /// <summary>
    /// Opens and checks the file (a refusal touches no database), extracts its payload to a temporary file for
    /// <paramref name="run"/>, and turns a failing pg_dump/pg_restore into a report.
    /// </summary>
    private async Task<BackupReport> WithBackupAsync(
        string command, string from, Func<BackupManifest, string, Stopwatch, Task<BackupReport>> run, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        var payload = Path.Combine(Path.GetTempPath(), $"axle-restore-{Guid.NewGuid():N}.payload");
        try
        {
            var opened = await BackupArchive.OpenAsync(Path.GetFullPath(from), engine.Provider, payload, ct);
            if (opened.Manifest is { MigrationId: { } migration } && !db.Database.GetMigrations().Contains(migration))
            {
                opened = new OpenedBackup(null,
                    $"'{from}' was taken by a newer Axle (schema migration {migration}, unknown here). Restore it with that version or later.");
            }

            return opened.Manifest is { } manifest
                ? await run(manifest, payload, clock)
                : new BackupReport(command, BackupOutcome.Rejected, from, opened.Problem, null, clock.Elapsed.TotalSeconds);
        }
        catch (Exception e) when (e is BackupToolException or DbException)
        {
            // A tool's own explanation, or the server's (no CREATEDB, database unreachable): the operator's next step.
            return new BackupReport(command, BackupOutcome.Failed, from, e.Message, null, clock.Elapsed.TotalSeconds);
        }
        finally
        {
            File.Delete(payload);
        }
    }

    /// <summary>Row counts of every table in the model, by table name.</summary>
    internal static async Task<Dictionary<string, long>> CountRowsAsync(AppDbContext context, CancellationToken ct)
    {
        var tables = context.Model.GetEntityTypes().Select(e => e.GetTableName()).OfType<string>().Distinct().Order(StringComparer.Ordinal);
        var counts = new Dictionary<string, long>();
        foreach (var table in tables)
        {
            // Table names come from the EF model, not from input.
#pragma warning disable EF1002
            counts[table] = await context.Database.SqlQueryRaw<long>($"SELECT COUNT(*) AS \"Value\" FROM \"{table}\"").SingleAsync(ct);
#pragma warning restore EF1002
        }

        return counts;
    }
}
