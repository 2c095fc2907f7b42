using System.Globalization;
using System.Text.Json;
using Axle.Api.Features.Inventory;
using Axle.Api.Features.Suppliers.Feeds;
using Axle.Api.Features.Suppliers.Mapping;
using Axle.Api.Features.Suppliers.Reconciliation;
using Axle.Api.Platform.Data;
using Axle.Api.Platform.Hosting;
using Axle.Api.Platform.Messaging;
using Microsoft.AspNetCore.OutputCaching;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Axle.Api.Features.Suppliers.Sync;

/// <summary>What became of a request to run a sync run.</summary>
internal enum SyncOutcome
{
    /// <summary>The run ended (succeeded, completed with errors, or failed).</summary>
    Finished,

    /// <summary>Another holder has the supplier's lease; the run stays as it is for later.</summary>
    Busy,

    /// <summary>The run does not exist or is no longer queued or running.</summary>
    NotOpen,

    /// <summary>The lease ran out and someone else took the supplier over; this runner stopped without finishing.</summary>
    LeaseLost,
}

/// <summary>
/// Runs one <see cref="SyncRun"/> of a supplier's pull feed under the database lease <c>supplier-sync:{id}</c>, renewed with
/// every page. Pages (cursor or page-number APIs) or file chunks are fetched with <see cref="SupplierFeedClient"/>, mapped
/// with the supplier's mapping (rejections are <c>supplier_pull</c> dead letters holding the raw record) and applied by
/// <see cref="SupplierStockApplier"/>; the run's counters and checkpoint (<see cref="SyncRun.Cursor"/>) are saved in the same
/// transaction as the stock they changed. So a runner that dies after a commit is continued from the next page by whoever
/// takes the lease next (the worker picks up running runs whose lease ran out), and a committed page is never applied twice.
/// </summary>
/// <remarks>
/// <para>A failed run keeps its checkpoint: the next run of the same mode, when the failed one is the supplier's latest run,
/// starts from it (<see cref="QueueAsync"/>), so pages committed before a supplier outage are not fetched again.</para>
/// <para>Full runs send the validators of the last full run's first response (304 → nothing to do); incremental runs ask for
/// records updated since the last successful run's high-water mark, less <see cref="IncrementalOverlap"/>.</para>
/// <para>Reconcile runs fetch the whole feed like full runs but compare instead of applying (suppliers with <c>autoCorrect</c>:
/// compare, then apply), see <see cref="SupplierReconciler"/>; they never continue a failed run's checkpoint.</para>
/// <para>Incremental runs of feeds that can filter by part number (<see cref="FeedPagination.PartNumbersParam"/>) start with a
/// priority pass: the parts with open orders and the fast movers (<see cref="SyncPriorities"/>) are fetched and applied
/// first, then the listing runs as usual, skipping the records the priority pass already applied. Other feeds decide their
/// own order (and a file is streamed in constant memory, so reordering it would mean holding it whole).</para>
/// </remarks>
internal sealed partial class SupplierSync(
    AppDbContext db, SupplierFeedClient feeds, SupplierStockApplier applier, SupplierSecrets secrets, SupplierMetrics metrics,
    InstanceIdentity instance, IOptions<SupplierOptions> options, TimeProvider time, IOutputCacheStore cache, ILogger<SupplierSync> log)
{
    public const string DeadLetterSource = SupplierDeadLetterReplayer.PullSource;

    /// <summary>Dead-letter code of a feed record that could not even be read (a bad CSV row, a non-object array item).</summary>
    public const string UnreadableRecord = "unreadable_record";

    /// <summary>Feed times are often whole seconds: the next incremental run starts this much before the high-water mark.</summary>
    public static readonly TimeSpan IncrementalOverlap = TimeSpan.FromSeconds(1);

    /// <summary>PostgreSQL: one start per supplier at a time, so two requests cannot both queue a run.</summary>
    internal const string PostgresStartLock = "SELECT pg_advisory_xact_lock(7412094, {0})";

    // A feed that expires every cursor we get would otherwise be restarted for ever.
    private const int MaxListingRestarts = 3;

    // The priority list fits in one page of any sane feed; this only bounds a feed that keeps answering "more".
    private const int MaxPriorityPages = 20;

    public static string LeaseName(long supplierId) => "supplier-sync:" + supplierId.ToString(CultureInfo.InvariantCulture);

    /// <summary>
    /// Queues a run unless the supplier has an open one (null then). The caller has begun a transaction; this takes the
    /// supplier's start lock in it. A run of the same mode as the supplier's latest run, when that one failed with a
    /// checkpoint, continues from that checkpoint.
    /// </summary>
    public static async Task<SyncRun?> QueueAsync(
        AppDbContext db, long supplierId, SyncMode mode, string trigger, DateTime now, CancellationToken ct)
    {
        if (db.Database.IsNpgsql())
        {
            // SQLite needs nothing: its transactions begin IMMEDIATE and exclude every other writer.
            await db.Database.ExecuteSqlRawAsync(PostgresStartLock, [(int)supplierId], ct);
        }

        if (await db.Set<SyncRun>().AnyAsync(r => r.SupplierId == supplierId
                && (r.Status == SyncRunStatus.Queued || r.Status == SyncRunStatus.Running), ct))
        {
            return null;
        }

        var state = await db.Set<SupplierSyncState>().AsNoTracking().FirstOrDefaultAsync(s => s.SupplierId == supplierId, ct);
        var run = new SyncRun(supplierId, mode, trigger, mode == SyncMode.Incremental ? state?.IncrementalSince : null, now);
        var latest = await db.Set<SyncRun>().AsNoTracking().Where(r => r.SupplierId == supplierId)
            .OrderByDescending(r => r.CreatedAt).ThenByDescending(r => r.Id).FirstOrDefaultAsync(ct);
        // Not a reconciliation: what it saw is marked with its own run id, so it always compares the whole feed.
        if (latest is { Status: SyncRunStatus.Failed, Cursor: not null } && latest.Mode == mode && mode != SyncMode.Reconcile)
        {
            run.ContinueFrom(latest);
        }

        db.Add(run);
        return run;
    }

    /// <summary>Runs (or continues) the run as this instance.</summary>
    public Task<SyncOutcome> RunAsync(Guid runId, CancellationToken ct) => RunAsync(runId, instance.Id, ct);

    /// <summary>Runs (or continues) the run holding the supplier's lease as <paramref name="owner"/>.</summary>
    public async Task<SyncOutcome> RunAsync(Guid runId, string owner, CancellationToken ct)
    {
        db.ChangeTracker.Clear();
        var supplierId = await db.Set<SyncRun>().AsNoTracking().Where(r => r.Id == runId).Select(r => (long?)r.SupplierId).FirstOrDefaultAsync(ct);
        if (supplierId is not { } id)
        {
            return SyncOutcome.NotOpen;
        }

        var lease = LeaseName(id);
        if (!await Leases.TryAcquireAsync(db, lease, owner, options.Value.SyncLease, Now, ct))
        {
            return SyncOutcome.Busy;
        }

        var outcome = SyncOutcome.NotOpen;
        try
        {
            // Read under the lease: whoever held it before may have finished the run meanwhile.
            var run = await db.Set<SyncRun>().FirstOrDefaultAsync(r => r.Id == runId, ct);
            if (run is null || !run.IsOpen)
            {
                return SyncOutcome.NotOpen;
            }

            outcome = await ExecuteAsync(run, owner, ct);
            return outcome;
        }
        catch (LeaseLostException)
        {
            outcome = SyncOutcome.LeaseLost;
            return outcome;
        }
        catch (Exception e) when (!ct.IsCancellationRequested)
        {
            // A bug or a database fault, not a feed failure: the run fails with its checkpoint kept.
            LogRunFailed(log, e, runId);
            await FailUnexpectedlyAsync(runId, owner, e, ct);
            outcome = SyncOutcome.Finished;
            return outcome;
        }
        finally
        {
            if (outcome != SyncOutcome.LeaseLost)
            {
                await ReleaseAsync(lease, owner);
            }
        }
    }

    private DateTime Now => time.GetUtcNow().UtcDateTime;

    private async Task<SyncOutcome> ExecuteAsync(SyncRun run, string owner, CancellationToken ct)
    {
        var supplier = await db.Set<Supplier>().AsNoTracking().FirstOrDefaultAsync(s => s.Id == run.SupplierId, ct);
        var state = await db.Set<SupplierSyncState>().FirstOrDefaultAsync(s => s.SupplierId == run.SupplierId, ct);
        if (state is null)
        {
            state = new SupplierSyncState(run.SupplierId);
            db.Add(state);
        }

        if (supplier is null || supplier.Feed is null || !supplier.Active)
        {
            run.Start(Now);
            run.Finish(Now, supplier is { Active: false } ? "inactive: the supplier is inactive." : "no_feed: the supplier has no feed configured.", failed: true);
            state.LastRunAt = Now;
            await db.SaveChangesAsync(ct);
            metrics.RunFinished(run);
            return SyncOutcome.Finished;
        }

        var settings = JsonSerializer.Deserialize<FeedSettings>(supplier.Feed, SupplierResponse.Json)!;
        var credentials = supplier.FeedCredentials is { } protectedJson
            ? JsonSerializer.Deserialize<FeedCredentials>(secrets.UnprotectCredentials(protectedJson), SupplierResponse.Json)
            : null;
        var mapping = supplier.Mapping is { } mappingJson
            ? JsonSerializer.Deserialize<SupplierMapping>(mappingJson, SupplierResponse.Json)!
            : SupplierMapping.Standard;
        var o = options.Value;
        var job = new Job(run, state, settings, credentials, SupplierMapper.Create(mapping, o.StoreCurrency, o.CurrencyRates),
            new ApplyContext(supplier.Id, supplier.Code, supplier.ApplyPrices, MovementReference.SyncRun, run.Id.ToString(),
                DeadLetterSource, run.Mode is SyncMode.Full or SyncMode.Reconcile ? run.Id : null,
                run.Mode != SyncMode.Reconcile ? ApplyMode.Apply : supplier.AutoCorrect ? ApplyMode.CompareAndCorrect : ApplyMode.Compare),
            owner, LeaseName(supplier.Id), supplier.Code);

        run.Start(Now);
        await db.SaveChangesAsync(ct);
        if (settings.IsFile)
        {
            await FileAsync(job, ct);
        }
        else
        {
            await PagesAsync(job, ct);
        }

        return SyncOutcome.Finished;
    }

    private async Task PagesAsync(Job job, CancellationToken ct)
    {
        var run = job.Run;
        if (run.Mode == SyncMode.Incremental && run.Cursor is null && run.Pages == 0 && job.Settings.Pagination.PartNumbersParam is not null)
        {
            await PriorityPassAsync(job, ct);
        }

        // Only a run starting from the top may ask "changed since the last full fetch?".
        var conditional = run.Mode == SyncMode.Full && run.Cursor is null && run.Pages == 0;
        var restarts = 0;
        Task<(FeedPageResult Result, MappedPage? Mapped)>? prefetched = null;
        try
        {
            while (true)
            {
                ct.ThrowIfCancellationRequested();
                var (result, mapped) = prefetched is null
                    ? (await feeds.FetchPageAsync(PageRequest(job, run.Cursor, conditional), ct), (MappedPage?)null)
                    : await prefetched;
                prefetched = null;
                CountCall(result.Stats);
                if (result.NotModified)
                {
                    await CommitAsync(job, [], [], 0, run.Cursor, result.Stats, notModified: true, finish: true, ct);
                    return;
                }

                if (result.Failure is { } failure)
                {
                    if (failure.Code == FeedFailureCodes.CursorExpired && restarts++ < MaxListingRestarts)
                    {
                        // Start the listing again from the run's window: records already applied come again as unchanged.
                        await RestartListingAsync(job, result.Stats, ct);
                        conditional = false;
                        continue;
                    }

                    await FailAsync(job, failure, result.Stats, (long)run.Pages * job.Settings.EffectivePageSize, ct);
                    return;
                }

                if (conditional)
                {
                    job.Validators = (result.ETag, result.LastModified);
                    conditional = false;
                }

                var next = NextPosition(job, result);
                var basePosition = (long)run.Pages * job.Settings.EffectivePageSize;
                if (result.HasMore && next is not null)
                {
                    // The next page is fetched, parsed and mapped while this one is applied: the feed, the mapping and the
                    // database work at once. Its records are numbered as the page after this one, which it is once this commits.
                    prefetched = FetchAndMapAsync(job, PageRequest(job, next, conditional: false), basePosition + job.Settings.EffectivePageSize, ct);
                }

                await CommitAsync(job, result.Records, result.RecordFailures, basePosition, next ?? run.Cursor, result.Stats,
                    notModified: false, finish: !result.HasMore, ct, mapped: mapped);
                if (!result.HasMore)
                {
                    return;
                }
            }
        }
        finally
        {
            if (prefetched is not null)
            {
                // The run stopped (failed, lease lost, cancelled) with a fetch under way: let it end, its page is not applied.
                await prefetched.ContinueWith(static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default);
            }
        }
    }

    /// <summary>
    /// Fetches a page and maps its records (on the thread pool, while the caller applies the page before it). The mapping is
    /// pure: a page that is then not applied (the run stopped) leaves nothing behind.
    /// </summary>
    private async Task<(FeedPageResult Result, MappedPage? Mapped)> FetchAndMapAsync(Job job, FeedRequest request, long basePosition, CancellationToken ct)
    {
        var result = await feeds.FetchPageAsync(request, ct);
        if (result.NotModified || result.Failure is not null)
        {
            return (result, null);
        }

        var (items, rejected) = SupplierStockApplier.Map(job.Mapper, result.Records, job.Context, basePosition, Now);
        return (result, new MappedPage(items, rejected));
    }

    /// <summary>Where the page after <paramref name="result"/> starts: the feed's cursor, or the next page number.</summary>
    private static string? NextPosition(Job job, FeedPageResult result) =>
        job.Settings.Format == FeedFormat.JsonCursor ? result.NextCursor : result.NextPage?.ToString(CultureInfo.InvariantCulture);

    private static FeedRequest PageRequest(Job job, string? position, bool conditional)
    {
        var cursorFormat = job.Settings.Format == FeedFormat.JsonCursor;
        return new FeedRequest(job.SupplierKey, job.Settings, job.Credentials)
        {
            Cursor = cursorFormat ? position : null,
            Page = cursorFormat ? null : position is null ? 1 : int.Parse(position, CultureInfo.InvariantCulture),
            UpdatedSince = job.Run.Mode == SyncMode.Incremental ? job.Run.UpdatedSince : null,
            ETag = conditional ? job.State.ETag : null,
            LastModified = conditional ? job.State.LastModified : null,
        };
    }

    /// <summary>
    /// Fetches and applies the parts selling now before the listing. Best effort: a feed that refuses the filter costs the
    /// run nothing but this pass (the listing brings every change anyway). Pages count as the run's pages, so a run resumed
    /// after a crash does not repeat the pass.
    /// </summary>
    private async Task PriorityPassAsync(Job job, CancellationToken ct)
    {
        var o = options.Value;
        var numbers = await SyncPriorities.PartNumbersAsync(db, job.Run.SupplierId, o.PriorityParts, Now - o.FastMoverWindow, ct);
        if (numbers.Count == 0)
        {
            return;
        }

        job.PrioritySeen = [];
        string? position = null;
        for (var i = 0; i < MaxPriorityPages; i++)
        {
            var result = await feeds.FetchPageAsync(PageRequest(job, position, conditional: false) with { PartNumbers = numbers }, ct);
            CountCall(result.Stats);
            if (result.Failure is { } failure)
            {
                LogPriorityPassFailed(log, job.Run.Id, failure.Code);
                job.Run.CountRetries(result.Stats.Retries, (long)result.Stats.ThrottleWait.TotalMilliseconds);
                return;
            }

            if (result.NotModified)
            {
                return;
            }

            await CommitAsync(job, result.Records, result.RecordFailures, 0, job.Run.Cursor, result.Stats, notModified: false,
                finish: false, ct, priority: true);
            position = NextPosition(job, result);
            if (!result.HasMore || position is null)
            {
                return;
            }
        }
    }

    private async Task FileAsync(Job job, CancellationToken ct)
    {
        var run = job.Run;
        var conditional = run.Mode == SyncMode.Full && run.Cursor is null && run.Pages == 0;
        var request = new FeedRequest(job.SupplierKey, job.Settings, job.Credentials)
        {
            SkipThroughPosition = run.Cursor is { } position ? long.Parse(position, CultureInfo.InvariantCulture) : null,
            ETag = conditional ? job.State.ETag : null,
            LastModified = conditional ? job.State.LastModified : null,
        };
        await using var file = await feeds.OpenFileAsync(request, ct);
        CountCall(file.Stats);
        if (file.NotModified)
        {
            await CommitAsync(job, [], [], 0, run.Cursor, file.Stats, notModified: true, finish: true, ct);
            return;
        }

        if (file.Failure is { } openFailure)
        {
            await FailAsync(job, openFailure, file.Stats, run.Cursor is null ? null : long.Parse(run.Cursor, CultureInfo.InvariantCulture) + 1, ct);
            return;
        }

        if (conditional)
        {
            job.Validators = (file.ETag, file.LastModified);
        }

        // One chunk behind, so the last one commits together with the end of the run.
        var stats = file.Stats;
        FeedFileChunk? pending = null;
        await foreach (var chunk in file.ReadChunksAsync(ct))
        {
            if (pending is not null)
            {
                await CommitAsync(job, pending.Records, pending.RecordFailures, 0, Checkpoint(pending), stats, false, finish: false, ct);
                stats = FeedCallStats.None;
            }

            if (chunk.Failure is { } failure)
            {
                if (chunk.Records.Count + chunk.RecordFailures.Count > 0)
                {
                    await CommitAsync(job, chunk.Records, chunk.RecordFailures, 0, Checkpoint(chunk), stats, false, finish: false, ct);
                    stats = FeedCallStats.None;
                }

                await FailAsync(job, failure, stats, chunk.LastPosition, ct);
                return;
            }

            pending = chunk;
        }

        await CommitAsync(job, pending?.Records ?? [], pending?.RecordFailures ?? [], 0,
            pending is null ? run.Cursor : Checkpoint(pending), stats, false, finish: true, ct);
    }

    private static (string Part, string Warehouse, DateTime At) PriorityKey(SupplierStockRecord r) =>
        (r.Sku is { } sku ? "sku:" + sku : "spn:" + r.SupplierPartNumber, r.WarehouseCode.ToUpperInvariant(), r.OccurredAt);

    private static string Checkpoint(FeedFileChunk chunk) => chunk.LastPosition.ToString(CultureInfo.InvariantCulture);

    /// <summary>
    /// Maps and applies one page or chunk, and saves the run's counters and checkpoint (and, with <paramref name="finish"/>,
    /// its end) in the same transaction, after renewing the lease in it: a runner that lost its lease commits nothing.
    /// </summary>
    private async Task CommitAsync(
        Job job, IReadOnlyList<RawRecord> records, IReadOnlyList<FeedRecordFailure> failures, long basePosition, string? checkpoint,
        FeedCallStats stats, bool notModified, bool finish, CancellationToken ct, bool priority = false, MappedPage? mapped = null)
    {
        var run = job.Run;
        var now = Now;
        var (items, rejected) = mapped is { } page ? (page.Items, page.Rejected) : SupplierStockApplier.Map(job.Mapper, records, job.Context, basePosition, now);
        var repeated = 0;
        if (job.PrioritySeen is { } seen)
        {
            if (priority)
            {
                seen.UnionWith(items.Select(i => PriorityKey(i.Record)));
            }
            else
            {
                // The same record again (same part, warehouse and time): the priority pass applied it.
                repeated = items.RemoveAll(i => seen.Contains(PriorityKey(i.Record)));
            }
        }

        foreach (var failure in failures)
        {
            rejected.Add(new DeadLetter(DeadLetterSource, run.SupplierId, job.Context.ReferenceId, basePosition + failure.Position,
                UnreadableRecord, null, failure.Reason, failure.RawSnippet, now));
        }

        ApplyResult result;
        await using (var transaction = await db.Database.BeginTransactionAsync(ct))
        {
            await RenewLeaseAsync(job, now, ct);
            result = await applier.ApplyAsync(db, job.Context, items, rejected, now, ct);
            if (repeated > 0)
            {
                result = result with { Tally = result.Tally with { Received = result.Tally.Received + repeated, Ignored = result.Tally.Ignored + repeated } };
            }

            run.PageDone(checkpoint, result.Tally, stats.Retries, (long)stats.ThrottleWait.TotalMilliseconds, notModified);
            if (finish)
            {
                if (run.Mode == SyncMode.Reconcile)
                {
                    await db.SaveChangesAsync(ct);
                    run.CountDiscrepancies(await SupplierReconciler.FinishAsync(db, run.SupplierId, run.Id, now, ct));
                }

                // Now, not when the page began: the run's duration includes its last apply.
                Finish(job, null, failed: false, Now);
            }

            await db.SaveChangesAsync(ct);
            await transaction.CommitAsync(ct);
        }

        Forget(job);
        metrics.Record("pull", DeadLetterSource, result);
        await SupplierStockApplier.EvictCachesAsync(cache, result, ct);
        if (finish)
        {
            Finished(run);
        }
    }

    private async Task RestartListingAsync(Job job, FeedCallStats stats, CancellationToken ct)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        await RenewLeaseAsync(job, Now, ct);
        job.Run.CountRetries(stats.Retries + 1, (long)stats.ThrottleWait.TotalMilliseconds);
        job.Run.RestartListing();
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        LogListingRestarted(log, job.Run.Id);
    }

    /// <summary>
    /// The feed failed beyond what the client retries: a permanent failure (malformed page, 4xx) is dead-lettered with the
    /// start of the body; either way the run fails and keeps its checkpoint for the next run of its mode.
    /// </summary>
    private async Task FailAsync(Job job, FeedFailure failure, FeedCallStats stats, long? position, CancellationToken ct)
    {
        var run = job.Run;
        var now = Now;
        await using (var transaction = await db.Database.BeginTransactionAsync(ct))
        {
            await RenewLeaseAsync(job, now, ct);
            run.CountRetries(stats.Retries, (long)stats.ThrottleWait.TotalMilliseconds);
            if (failure.Kind == FeedFailureKind.Permanent)
            {
                db.Add(new DeadLetter(DeadLetterSource, run.SupplierId, job.Context.ReferenceId, position, failure.Code, null,
                    failure.Message, failure.PayloadSnippet ?? "", now));
                metrics.DeadLetters.Add(1, new("source", DeadLetterSource), new("code", failure.Code));
            }

            var status = failure.StatusCode is { } code ? $" (HTTP {code})" : "";
            Finish(job, $"{failure.Code}: {failure.Message}{status}", failed: true, now);
            await db.SaveChangesAsync(ct);
            await transaction.CommitAsync(ct);
        }

        Forget(job);
        LogFeedFailed(log, run.Id, failure.Code, failure.Kind);
        Finished(run);
    }

    private void Finish(Job job, string? error, bool failed, DateTime now)
    {
        var run = job.Run;
        var state = job.State;
        run.Finish(now, error, failed);
        state.LastRunAt = now;
        if (failed)
        {
            return;
        }

        if (run.Mode == SyncMode.Reconcile)
        {
            state.LastReconciledAt = now;
            state.LastReconcileRunId = run.Id;
            return;
        }

        if (run.HighWatermark is { } mark)
        {
            var since = mark - IncrementalOverlap;
            if (state.IncrementalSince is null || since > state.IncrementalSince)
            {
                state.IncrementalSince = since;
            }
        }

        if (run.Mode == SyncMode.Full && job.Validators is { } validators)
        {
            state.ETag = validators.ETag is { Length: <= 200 } etag ? etag : null;
            state.LastModified = validators.LastModified;
        }
    }

    private void Finished(SyncRun run)
    {
        metrics.RunFinished(run);
        LogFinished(log, run.Id, run.Mode, run.Status, run.Pages, run.Received, run.Applied, run.Rejected);
    }

    private void CountCall(FeedCallStats stats)
    {
        if (stats.Retries > 0)
        {
            metrics.SyncRetries.Add(stats.Retries);
        }

        if (stats.ThrottleWait > TimeSpan.Zero)
        {
            metrics.ThrottleWait.Add(stats.ThrottleWait.TotalSeconds);
        }
    }

    private async Task RenewLeaseAsync(Job job, DateTime now, CancellationToken ct)
    {
        if (!await Leases.TryAcquireAsync(db, job.LeaseName, job.Owner, options.Value.SyncLease, now, ct))
        {
            throw new LeaseLostException();
        }
    }

    /// <summary>Keeps only the run and the sync state tracked: dead letters and part matches of committed pages are done with.</summary>
    private void Forget(Job job)
    {
        foreach (var entry in db.ChangeTracker.Entries().ToList())
        {
            if (!ReferenceEquals(entry.Entity, job.Run) && !ReferenceEquals(entry.Entity, job.State))
            {
                entry.State = EntityState.Detached;
            }
        }
    }

    private async Task FailUnexpectedlyAsync(Guid runId, string owner, Exception e, CancellationToken ct)
    {
        db.ChangeTracker.Clear();
        var run = await db.Set<SyncRun>().FirstOrDefaultAsync(r => r.Id == runId, ct);
        if (run is null || !run.IsOpen)
        {
            return;
        }

        var now = Now;
        if (!await Leases.TryAcquireAsync(db, LeaseName(run.SupplierId), owner, options.Value.SyncLease, now, ct))
        {
            return;
        }

        run.Start(now);
        run.Finish(now, "internal_error: the run stopped on an unexpected " + e.GetType().Name + "; it continues from its checkpoint next time.", failed: true);
        if (await db.Set<SupplierSyncState>().FirstOrDefaultAsync(s => s.SupplierId == run.SupplierId, ct) is { } state)
        {
            state.LastRunAt = now;
        }

        await db.SaveChangesAsync(ct);
        Finished(run);
    }

    private async Task ReleaseAsync(string lease, string owner)
    {
        try
        {
            // Even when the run was cancelled (shutdown): another instance may continue it at once instead of after the TTL.
            db.ChangeTracker.Clear();
            await Leases.ReleaseAsync(db, lease, owner, CancellationToken.None);
        }
        catch (Exception e) when (e is DbUpdateException or InvalidOperationException or System.Data.Common.DbException)
        {
            LogReleaseFailed(log, e, lease);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Sync run {RunId} ({Mode}) ended {Status}: {Pages} pages, {Received} received, {Applied} applied, {Rejected} rejected")]
    private static partial void LogFinished(ILogger logger, Guid runId, SyncMode mode, SyncRunStatus status, int pages, long received, long applied, long rejected);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Sync run {RunId}: the feed failed with {Code} ({Kind})")]
    private static partial void LogFeedFailed(ILogger logger, Guid runId, string code, FeedFailureKind kind);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Sync run {RunId}: the priority pass failed with {Code}; the listing continues")]
    private static partial void LogPriorityPassFailed(ILogger logger, Guid runId, string code);

    [LoggerMessage(Level = LogLevel.Information, Message = "Sync run {RunId}: the cursor expired; the listing restarts from the run's window")]
    private static partial void LogListingRestarted(ILogger logger, Guid runId);

    [LoggerMessage(Level = LogLevel.Error, Message = "Sync run {RunId} stopped on an unexpected error")]
    private static partial void LogRunFailed(ILogger logger, Exception exception, Guid runId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Releasing the sync lease {Lease} failed; it runs out on its own")]
    private static partial void LogReleaseFailed(ILogger logger, Exception exception, string lease);

    /// <summary>A page's records mapped ahead of its apply.</summary>
    private sealed record MappedPage(List<ApplyItem> Items, List<DeadLetter> Rejected);

    private sealed class LeaseLostException() : Exception("The supplier's sync lease was taken over.");

    private sealed record Job(
        SyncRun Run, SupplierSyncState State, FeedSettings Settings, FeedCredentials? Credentials, SupplierMapper Mapper,
        ApplyContext Context, string Owner, string LeaseName, string SupplierKey)
    {
        /// <summary>ETag and Last-Modified of a full run's first response, kept for the next full run once this one ends well.</summary>
        public (string? ETag, DateTimeOffset? LastModified)? Validators { get; set; }

        /// <summary>Records the priority pass applied, so the listing does not count them twice.</summary>
        public HashSet<(string Part, string Warehouse, DateTime At)>? PrioritySeen { get; set; }
    }
}
