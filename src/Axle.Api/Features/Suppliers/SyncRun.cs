using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Axle.Api.Features.Suppliers;

public enum SyncMode
{
    /// <summary>Every record of the feed; also refreshes the supplier snapshot the reconciliation reads.</summary>
    Full,

    /// <summary>Records changed since the last checkpoint.</summary>
    Incremental,

    /// <summary>Every record, compared with Axle's levels; differences reported (and corrected when the supplier says so).</summary>
    Reconcile,
}

public enum SyncRunStatus
{
    Queued,
    Running,
    Succeeded,

    /// <summary>Finished, but some records or pages were dead-lettered.</summary>
    CompletedWithErrors,
    Failed,
}

/// <summary>
/// One pull of a supplier's feed. Its counters grow page by page, each page committed with the stock it changed and the
/// <see cref="Cursor"/> to continue from, so a run cut off by a crash resumes where it stopped (the next worker that takes
/// the supplier's lease continues the running run) and never applies a committed page twice.
/// </summary>
public sealed class SyncRun
{
    public const int CursorMaxLength = 2000;
    public const int ErrorMaxLength = 2000;

    private SyncRun()
    {
    }

    public SyncRun(long supplierId, SyncMode mode, string trigger, DateTime? updatedSince, DateTime now)
    {
        Id = Guid.CreateVersion7(new DateTimeOffset(now, TimeSpan.Zero));
        SupplierId = supplierId;
        Mode = mode;
        Trigger = trigger;
        UpdatedSince = updatedSince;
        Status = SyncRunStatus.Queued;
        CreatedAt = now;
    }

    public Guid Id { get; private set; }
    public long SupplierId { get; private set; }
    public SyncMode Mode { get; private set; }

    /// <summary><c>manual</c>, <c>schedule</c> or <c>resume</c>.</summary>
    public string Trigger { get; private set; } = "";
    public SyncRunStatus Status { get; private set; }

    /// <summary>Incremental runs ask for records changed at or after this time (the previous run's high-water mark).</summary>
    public DateTime? UpdatedSince { get; private set; }

    /// <summary>Where the next page starts: the feed's cursor, a page number, or a record position in a file.</summary>
    public string? Cursor { get; private set; }

    /// <summary>The newest record time seen; the next incremental run starts there.</summary>
    public DateTime? HighWatermark { get; private set; }

    public DateTime CreatedAt { get; private set; }
    public DateTime? StartedAt { get; private set; }
    public DateTime? FinishedAt { get; private set; }
    public int Pages { get; private set; }
    public int PagesNotModified { get; private set; }
    public long Received { get; private set; }
    public long Applied { get; private set; }
    public long Unchanged { get; private set; }
    public long Rejected { get; private set; }

    /// <summary>Records older than what was already applied for their level (out of order) or repeated.</summary>
    public long Ignored { get; private set; }
    public int Retries { get; private set; }

    /// <summary>Reconcile runs: levels found disagreeing with the supplier (corrected too when the supplier corrects).</summary>
    public long Discrepancies { get; private set; }
    public long ThrottledMs { get; private set; }
    public string? Error { get; private set; }

    public void Start(DateTime now)
    {
        Status = SyncRunStatus.Running;
        StartedAt ??= now;
    }

    public void PageDone(string? cursor, PageTally tally, int retries, long throttledMs, bool notModified)
    {
        Cursor = cursor;
        Pages++;
        if (notModified)
        {
            PagesNotModified++;
        }

        Received += tally.Received;
        Applied += tally.Applied;
        Unchanged += tally.Unchanged;
        Rejected += tally.Rejected;
        Ignored += tally.Ignored;
        Discrepancies += tally.Discrepancies;
        Retries += retries;
        ThrottledMs += throttledMs;
        if (tally.Newest is { } newest && (HighWatermark is null || newest > HighWatermark))
        {
            HighWatermark = newest;
        }
    }

    /// <summary>Continues where <paramref name="failed"/> (same supplier and mode) stopped: its checkpoint, window and high-water mark.</summary>
    public void ContinueFrom(SyncRun failed)
    {
        Cursor = failed.Cursor;
        UpdatedSince = failed.UpdatedSince;
        if (failed.HighWatermark is { } mark && (HighWatermark is null || mark > HighWatermark))
        {
            HighWatermark = mark;
        }
    }

    /// <summary>The feed refused the checkpoint (cursor expired): the listing starts again from <see cref="UpdatedSince"/>.</summary>
    public void RestartListing() => Cursor = null;

    public void CountDiscrepancies(int count) => Discrepancies += count;

    public void CountRetries(int retries, long throttledMs)
    {
        Retries += retries;
        ThrottledMs += throttledMs;
    }

    public void Finish(DateTime now, string? error, bool failed)
    {
        FinishedAt = now;
        Error = error is { Length: > ErrorMaxLength } ? error[..ErrorMaxLength] : error;
        Status = failed ? SyncRunStatus.Failed
            : Rejected > 0 || error is not null ? SyncRunStatus.CompletedWithErrors
            : SyncRunStatus.Succeeded;
    }

    public bool IsOpen => Status is SyncRunStatus.Queued or SyncRunStatus.Running;
}

/// <summary>What one page (or one push) did.</summary>
public sealed record PageTally(int Received, int Applied, int Unchanged, int Rejected, int Ignored, DateTime? Newest, int Discrepancies = 0)
{
    public static readonly PageTally Empty = new(0, 0, 0, 0, 0, null);
}

/// <summary>Per-supplier sync bookkeeping that must not move the supplier's ETag: checkpoints and conditional-request validators.</summary>
public sealed class SupplierSyncState
{
    private SupplierSyncState()
    {
    }

    public SupplierSyncState(long supplierId) => SupplierId = supplierId;

    public long SupplierId { get; private set; }

    /// <summary>The next incremental run asks for records changed since then (the last successful run's high-water mark).</summary>
    public DateTime? IncrementalSince { get; set; }

    /// <summary>Validators of the last full fetch of a file feed or first page: If-None-Match / If-Modified-Since next time.</summary>
    public string? ETag { get; set; }
    public DateTimeOffset? LastModified { get; set; }
    public DateTime? LastRunAt { get; set; }
    public DateTime? LastReconciledAt { get; set; }
    public Guid? LastReconcileRunId { get; set; }
}

internal sealed class SyncRunConfiguration : IEntityTypeConfiguration<SyncRun>
{
    public void Configure(EntityTypeBuilder<SyncRun> b)
    {
        b.ToTable("sync_runs");
        b.HasKey(r => r.Id);
        b.Property(r => r.Id).ValueGeneratedNever();
        b.Property(r => r.Mode).HasConversion<string>().HasMaxLength(16);
        b.Property(r => r.Status).HasConversion<string>().HasMaxLength(24);
        b.Property(r => r.Trigger).HasMaxLength(16).IsRequired();
        b.Property(r => r.Cursor).HasMaxLength(SyncRun.CursorMaxLength);
        b.Property(r => r.Error).HasMaxLength(SyncRun.ErrorMaxLength);
        b.HasIndex(r => new { r.SupplierId, r.CreatedAt });
        b.HasIndex(r => r.Status);
        b.Ignore(r => r.IsOpen);
        b.HasOne<Supplier>().WithMany().HasForeignKey(r => r.SupplierId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class SupplierSyncStateConfiguration : IEntityTypeConfiguration<SupplierSyncState>
{
    public void Configure(EntityTypeBuilder<SupplierSyncState> b)
    {
        b.ToTable("supplier_sync_state");
        b.HasKey(s => s.SupplierId);
        b.Property(s => s.SupplierId).ValueGeneratedNever();
        b.Property(s => s.ETag).HasMaxLength(200);
        b.HasOne<Supplier>().WithMany().HasForeignKey(s => s.SupplierId).OnDelete(DeleteBehavior.Cascade);
    }
}
