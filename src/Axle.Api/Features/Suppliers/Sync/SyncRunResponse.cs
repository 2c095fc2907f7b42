namespace Axle.Api.Features.Suppliers.Sync;

/// <summary>A sync run as staff see it: what was fetched and applied, retries and throttling, and how it ended.</summary>
public sealed record SyncRunResponse(
    Guid Id,
    long SupplierId,
    SyncMode Mode,
    string Trigger,
    SyncRunStatus Status,
    int Pages,
    int PagesNotModified,
    long Received,
    long Applied,
    long Unchanged,
    long Rejected,
    long Ignored,
    long Discrepancies,
    int Retries,
    long ThrottledMs,
    long? DurationMs,
    string? Error,
    DateTime? UpdatedSince,
    DateTime? HighWatermark,
    DateTime CreatedAt,
    DateTime? StartedAt,
    DateTime? FinishedAt)
{
    internal static SyncRunResponse From(SyncRun r, DateTime now) => new(
        r.Id, r.SupplierId, r.Mode, r.Trigger, r.Status, r.Pages, r.PagesNotModified, r.Received, r.Applied, r.Unchanged, r.Rejected,
        r.Ignored, r.Discrepancies, r.Retries, r.ThrottledMs,
        r.StartedAt is { } started ? (long)((r.FinishedAt ?? now) - started).TotalMilliseconds : null,
        r.Error, r.UpdatedSince, r.HighWatermark, r.CreatedAt, r.StartedAt, r.FinishedAt);

    internal static string Location(Guid id) => $"/api/v1/sync-runs/{id}";
}
