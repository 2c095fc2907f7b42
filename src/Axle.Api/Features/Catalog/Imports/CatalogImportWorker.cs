using System.Threading.Channels;
using System.Xml;
using Axle.Api.Platform.Data;
using Axle.Api.Platform.Hosting;
using CsvHelper;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Axle.Api.Features.Catalog.Imports;

/// <summary>Applies one batch of valid rows inside the transaction the worker opened; records rejects in <c>errors</c>.</summary>
internal interface IBatchApplier<T> where T : class
{
    Task ApplyAsync(IReadOnlyList<ImportRow<T>> rows, ImportCounts counts, List<RowError> errors, CancellationToken ct);
}

/// <summary>
/// Runs queued import jobs. A job is claimed with a conditional UPDATE (queued → running), so two instances never run
/// the same one. The file is read as a stream and applied in batches, each in its own transaction; counts and row
/// errors are saved after every batch so GET shows progress. A batch the database refuses is retried row by row, so
/// one bad row never takes good ones down with it.
/// </summary>
public sealed partial class CatalogImportWorker(
    IServiceScopeFactory scopes, IOptions<WorkersOptions> workers, IOptions<CatalogImportOptions> options,
    AppPaths paths, TimeProvider time, ILogger<CatalogImportWorker> logger)
    : PeriodicWorker(scopes, workers, time, logger)
{
    protected override TimeSpan Interval => options.Value.PollInterval;

    /// <summary>Runs every job queued now, oldest first. Returns how many it ran.</summary>
    protected override async Task<int> RunAsync(IServiceProvider services, CancellationToken ct)
    {
        var db = services.GetRequiredService<AppDbContext>();
        var time = services.GetRequiredService<TimeProvider>();
        await RequeueOrphansAsync(db, time, ct);
        var ran = 0;
        var skipped = new List<Guid>();
        while (true)
        {
            var next = await db.Set<ImportJob>().AsNoTracking()
                .Where(j => j.Status == ImportStatus.Queued && !skipped.Contains(j.Id))
                .OrderBy(j => j.CreatedAt).Select(j => new { j.Id, j.Format }).FirstOrDefaultAsync(ct);
            if (next is null)
            {
                return ran;
            }

            var claimed = await db.Set<ImportJob>()
                .Where(j => j.Id == next.Id && j.Status == ImportStatus.Queued)
                .ExecuteUpdateAsync(s => s
                    .SetProperty(j => j.Status, ImportStatus.Running)
                    .SetProperty(j => j.StartedAt, time.GetUtcNow().UtcDateTime)
                    .SetProperty(j => j.HeartbeatAt, time.GetUtcNow().UtcDateTime), ct);
            if (claimed == 0)
            {
                skipped.Add(next.Id);
                continue;
            }

            await RunJobAsync(db, time, next.Id, next.Format, ct);
            ran++;
        }
    }

    /// <summary>Jobs left running by an instance that died go back to the queue with their counts and errors cleared.</summary>
    private async Task RequeueOrphansAsync(AppDbContext db, TimeProvider time, CancellationToken ct)
    {
        var cutoff = time.GetUtcNow().UtcDateTime - options.Value.StaleAfter;
        var orphans = await db.Set<ImportJob>()
            .Where(j => j.Status == ImportStatus.Running && (j.HeartbeatAt == null || j.HeartbeatAt < cutoff))
            .Select(j => j.Id).ToListAsync(ct);
        foreach (var id in orphans)
        {
            await using var transaction = await db.Database.BeginTransactionAsync(ct);
            var requeued = await db.Set<ImportJob>()
                .Where(j => j.Id == id && j.Status == ImportStatus.Running && (j.HeartbeatAt == null || j.HeartbeatAt < cutoff))
                .ExecuteUpdateAsync(s => s
                    .SetProperty(j => j.Status, ImportStatus.Queued)
                    .SetProperty(j => j.RowsRead, 0).SetProperty(j => j.Inserted, 0).SetProperty(j => j.Updated, 0)
                    .SetProperty(j => j.Unchanged, 0).SetProperty(j => j.Deleted, 0).SetProperty(j => j.Rejected, 0), ct);
            if (requeued > 0)
            {
                await db.Set<ImportError>().Where(e => e.JobId == id).ExecuteDeleteAsync(ct);
                LogRequeued(logger, id);
            }

            await transaction.CommitAsync(ct);
        }
    }

    private async Task RunJobAsync(AppDbContext db, TimeProvider time, Guid id, ImportFormat format, CancellationToken ct)
    {
        var file = ImportFiles.PathOf(paths, id);
        string? error = null;
        var started = time.GetTimestamp();
        try
        {
            await using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.Read, 64 * 1024, FileOptions.SequentialScan);
            var now = time.GetUtcNow().UtcDateTime;
            switch (format)
            {
                case ImportFormat.Csv:
                    await RunRowsAsync(db, time, id, CsvPartReader.Read(stream), new PartUpserter(db, now), ct);
                    break;
                case ImportFormat.Jsonl:
                    await RunRowsAsync(db, time, id, JsonLinesPartReader.Read(stream), new PartUpserter(db, now), ct);
                    break;
                case ImportFormat.Aces:
                    await RunRowsAsync(db, time, id, AcesReader.Read(stream), new FitmentApplier(db), ct);
                    break;
                case ImportFormat.Pies:
                    await RunRowsAsync(db, time, id, PiesReader.Read(stream), new PartUpserter(db, now), ct);
                    break;
            }
        }
        catch (Exception ex) when (ex is ImportFileException or XmlException or CsvHelperException or FileNotFoundException)
        {
            error = ex switch
            {
                XmlException xml => "Malformed XML: " + xml.Message,
                CsvHelperException => "Malformed CSV near line " + CsvLine(ex) + ".",
                FileNotFoundException => "The uploaded file is missing.",
                _ => ex.Message,
            };
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // Shutting down: hand the job back so the next start runs it again (its batches are idempotent).
            await db.Set<ImportJob>().Where(j => j.Id == id).ExecuteUpdateAsync(
                s => s.SetProperty(j => j.Status, ImportStatus.Queued), CancellationToken.None);
            throw;
        }
        catch (Exception ex)
        {
            LogJobCrashed(logger, ex, id);
            error = "The import stopped on an unexpected error; the rows counted so far were applied.";
        }

        db.ChangeTracker.Clear();
        var job = await db.Set<ImportJob>().SingleAsync(j => j.Id == id, CancellationToken.None);
        job.Finish(time.GetUtcNow().UtcDateTime, error);
        await db.SaveChangesAsync(CancellationToken.None);

        // The job row keeps the outcome; the file has served its purpose.
        File.Delete(file);
        LogJobFinished(logger, id, format, job.Status, job.RowsRead, job.Rejected, (long)time.GetElapsedTime(started).TotalMilliseconds);
    }

    private static string CsvLine(Exception ex) =>
        ex is CsvHelperException { Context.Parser: { } parser } ? parser.RawRow.ToString(System.Globalization.CultureInfo.InvariantCulture) : "?";

    /// <summary>
    /// Reads (parses and validates) the next batch on another thread while this one applies the current one, so the
    /// parse overlaps the database's work; the channel holds one batch, so memory stays at three batches whatever the
    /// file size. A file that turns out malformed part way still has every batch before the fault applied, as when
    /// reading and applying took turns.
    /// </summary>
    private async Task RunRowsAsync<T>(AppDbContext db, TimeProvider time, Guid id, IEnumerable<ImportRow<T>> rows, IBatchApplier<T> applier, CancellationToken ct)
        where T : class
    {
        var size = options.Value.BatchSize;
        var batches = Channel.CreateBounded<List<ImportRow<T>>>(new BoundedChannelOptions(1) { SingleReader = true, SingleWriter = true });
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var reader = Task.Run(async () =>
        {
            try
            {
                var batch = new List<ImportRow<T>>(size);
                foreach (var row in rows)
                {
                    batch.Add(row);
                    if (batch.Count >= size)
                    {
                        await batches.Writer.WriteAsync(batch, stop.Token);
                        batch = new List<ImportRow<T>>(size);
                    }
                }

                if (batch.Count > 0)
                {
                    await batches.Writer.WriteAsync(batch, stop.Token);
                }
            }
            finally
            {
                batches.Writer.Complete();
            }
        });

        try
        {
            await foreach (var batch in batches.Reader.ReadAllAsync(ct))
            {
                await ApplyBatchAsync(db, time, id, batch, applier, ct);
            }
        }
        catch
        {
            // The reader must be done with the stream before the caller closes it; its own outcome no longer matters.
            await stop.CancelAsync();
            await Task.WhenAny(reader);
            throw;
        }

        // Rethrows the reader's fault (malformed XML, a bad CSV) after the batches read before it were applied.
        await reader;
    }

    private static async Task ApplyBatchAsync<T>(
        AppDbContext db, TimeProvider time, Guid id, List<ImportRow<T>> batch, IBatchApplier<T> applier, CancellationToken ct) where T : class
    {
        var counts = new ImportCounts { Read = batch.Count };
        var errors = new List<RowError>();
        foreach (var bad in batch.Where(r => r.Value is null))
        {
            errors.AddRange(bad.Errors);
            counts.Rejected++;
        }

        var good = batch.Where(r => r.Value is not null).ToList();
        if (good.Count > 0 && !await TryApplyAsync(db, good, applier, counts, errors, ct))
        {
            // The database refused the batch (a race on a unique key, a value it would not store): apply row by row
            // so only the rows at fault are rejected.
            foreach (var row in good)
            {
                if (!await TryApplyAsync(db, [row], applier, counts, errors, ct))
                {
                    errors.Add(new RowError(row.Line, null, "The row conflicts with existing data and was not saved."));
                    counts.Rejected++;
                }
            }
        }

        db.ChangeTracker.Clear();
        db.AddRange(errors.Select(e => new ImportError(id, e.Line, e.Field, e.Message)));
        await db.SaveChangesAsync(ct);
        await db.Set<ImportJob>().Where(j => j.Id == id).ExecuteUpdateAsync(s => s
            .SetProperty(j => j.RowsRead, j => j.RowsRead + counts.Read)
            .SetProperty(j => j.Inserted, j => j.Inserted + counts.Inserted)
            .SetProperty(j => j.Updated, j => j.Updated + counts.Updated)
            .SetProperty(j => j.Unchanged, j => j.Unchanged + counts.Unchanged)
            .SetProperty(j => j.Deleted, j => j.Deleted + counts.Deleted)
            .SetProperty(j => j.Rejected, j => j.Rejected + counts.Rejected)
            .SetProperty(j => j.HeartbeatAt, time.GetUtcNow().UtcDateTime), ct);
        db.ChangeTracker.Clear();
    }

    /// <summary>One transaction: either every row's change commits (and its counts and errors count), or nothing does.</summary>
    private static async Task<bool> TryApplyAsync<T>(
        AppDbContext db, List<ImportRow<T>> rows, IBatchApplier<T> applier, ImportCounts counts, List<RowError> errors, CancellationToken ct)
        where T : class
    {
        var attemptCounts = new ImportCounts();
        var attemptErrors = new List<RowError>();
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        try
        {
            await applier.ApplyAsync(rows, attemptCounts, attemptErrors, ct);
            await transaction.CommitAsync(ct);
        }
        catch (Exception ex) when (ex is DbUpdateException or System.Data.Common.DbException)
        {
            // DbException: a set-based statement sent outside the change tracker (FitmentBulkSql) was refused.
            await transaction.RollbackAsync(ct);
            db.ChangeTracker.Clear();
            return false;
        }

        db.ChangeTracker.Clear();
        counts.Inserted += attemptCounts.Inserted;
        counts.Updated += attemptCounts.Updated;
        counts.Unchanged += attemptCounts.Unchanged;
        counts.Deleted += attemptCounts.Deleted;
        counts.Rejected += attemptCounts.Rejected;
        errors.AddRange(attemptErrors);
        return true;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Import {JobId} ({Format}) finished {Status}: {Rows} rows, {Rejected} rejected, {ElapsedMs} ms")]
    private static partial void LogJobFinished(ILogger logger, Guid jobId, ImportFormat format, ImportStatus status, int rows, int rejected, long elapsedMs);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Import {JobId} was left running by a stopped instance; queued again")]
    private static partial void LogRequeued(ILogger logger, Guid jobId);

    [LoggerMessage(Level = LogLevel.Error, Message = "Import {JobId} stopped on an unexpected error")]
    private static partial void LogJobCrashed(ILogger logger, Exception exception, Guid jobId);
}
