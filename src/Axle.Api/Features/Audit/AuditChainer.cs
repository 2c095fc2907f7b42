using Axle.Api.Platform.Data;
using Axle.Api.Platform.Hosting;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Axle.Api.Features.Audit;

/// <summary>
/// Links unchained audit rows into the hash chain, oldest id first, continuing from the last chained row. Rows are
/// written unchained by <see cref="AuditTrail"/> in their callers' transactions; chaining afterwards keeps those writers
/// from contending on the chain's tail. A row that commits late (lower id than rows already chained) simply joins at
/// the end: the chain follows the order in which rows became visible, and no row is skipped.
/// </summary>
internal sealed class AuditChainer(
    IServiceScopeFactory scopes, IOptions<WorkersOptions> workers, TimeProvider time, ILogger<AuditChainer> logger)
    : PeriodicWorker(scopes, workers, time, logger)
{
    public const int BatchSize = 500;

    // Upper bound of batches per iteration, so one tick cannot run forever under a flood of inserts.
    private const int MaxBatchesPerRun = 20;

    /// <summary>
    /// PostgreSQL: only one chainer at a time across instances, held until the transaction ends. The key is an arbitrary
    /// constant reserved for the audit chain. SQLite needs no lock: an explicit transaction begins IMMEDIATE and so already
    /// excludes every other writer.
    /// </summary>
    internal const string PostgresChainLockSql = "SELECT pg_advisory_xact_lock(4173826519340217)";

    protected override TimeSpan Interval => TimeSpan.FromSeconds(2);

    protected override async Task<int> RunAsync(IServiceProvider services, CancellationToken ct)
    {
        var db = services.GetRequiredService<AppDbContext>();
        var total = 0;
        for (var batch = 0; batch < MaxBatchesPerRun; batch++)
        {
            var linked = await LinkBatchAsync(db, ct);
            total += linked;
            if (linked < BatchSize)
            {
                break;
            }
        }

        return total;
    }

    private static async Task<int> LinkBatchAsync(AppDbContext db, CancellationToken ct)
    {
        db.ChangeTracker.Clear();
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        if (db.Database.IsNpgsql())
        {
            await db.Database.ExecuteSqlRawAsync(PostgresChainLockSql, ct);
        }

        // Read the tail inside the transaction, after the lock: another chainer may just have extended it.
        var tail = await db.Set<AuditEntry>()
            .Where(e => e.ChainSequence != null)
            .OrderByDescending(e => e.ChainSequence)
            .Select(e => new { Sequence = e.ChainSequence!.Value, e.Hash })
            .FirstOrDefaultAsync(ct);

        var pending = await db.Set<AuditEntry>()
            .Where(e => e.ChainSequence == null)
            .OrderBy(e => e.Id)
            .Take(BatchSize)
            .ToListAsync(ct);
        if (pending.Count == 0)
        {
            return 0;
        }

        var sequence = tail?.Sequence ?? 0;
        var previous = tail?.Hash ?? AuditHash.Genesis;
        foreach (var entry in pending)
        {
            sequence++;
            var hash = AuditHash.Compute(previous, sequence, entry);
            entry.Link(sequence, previous, hash);
            previous = hash;
        }

        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        return pending.Count;
    }
}
