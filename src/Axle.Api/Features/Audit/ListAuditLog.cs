using System.Globalization;
using System.Text.Json;
using Axle.Api.Platform.Data;
using Axle.Api.Platform.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace Axle.Api.Features.Audit;

/// <summary><c>GET /api/v1/admin/audit-log</c>: the log newest first, filtered by action, actor and time window.</summary>
internal static class ListAuditLog
{
    public const string CursorPurpose = "audit-log";
    private const string Sort = "occurredAt desc,id desc";

    /// <param name="Action">Exact action, e.g. <c>auth.login</c>.</param>
    /// <param name="ActorId">Exact actor id (user id or client id).</param>
    /// <param name="From">ISO 8601; entries at or after this instant. Without an offset, UTC.</param>
    /// <param name="To">ISO 8601; entries before this instant. Without an offset, UTC.</param>
    /// <param name="Limit">Page size, default 25, at most 100.</param>
    /// <param name="Cursor">The <c>nextCursor</c> of the previous page.</param>
    public sealed record Query(
        [FromQuery(Name = "action")] string? Action,
        [FromQuery(Name = "actorId")] string? ActorId,
        [FromQuery(Name = "from")] string? From,
        [FromQuery(Name = "to")] string? To,
        [FromQuery(Name = "limit")] string? Limit,
        [FromQuery(Name = "cursor")] string? Cursor);

    public sealed record Item(
        long Id, DateTime OccurredAt, string ActorType, string? ActorId, string Action, string? Target, string? Ip,
        AuditOutcome Outcome, JsonElement? Details, string? TraceId, long? Sequence, string? Hash);

    private sealed record Row(
        long Id, DateTime OccurredAt, string ActorType, string? ActorId, string Action, string? Target, string? Ip,
        AuditOutcome Outcome, string? Details, string? TraceId, long? Sequence, string? Hash);

    public static async Task<Results<Ok<Page<Item>>, ValidationProblem, ProblemHttpResult>> Handle(
        [AsParameters] Query query, HttpContext http, AppDbContext db, CursorCodec cursors, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        var from = QueryInstants.Parse(query.From, "from", errors);
        var to = QueryInstants.Parse(query.To, "to", errors);
        if (from is not null && to is not null && from > to)
        {
            errors["to"] = ["to must not be earlier than from."];
        }

        if (errors.Count > 0)
        {
            return Problems.Validation(errors);
        }

        var fingerprint = Pagination.Fingerprint(
            Sort, ("action", query.Action), ("actorId", query.ActorId), ("from", Normalize(from)), ("to", Normalize(to)));
        if (!cursors.TryOpen<SeekKey<long>>(CursorPurpose, fingerprint, query.Limit, query.Cursor, out var page, out var problem))
        {
            return problem;
        }

        var entries = db.Set<AuditEntry>().AsNoTracking();
        if (!string.IsNullOrEmpty(query.Action))
        {
            entries = entries.Where(e => e.Action == query.Action);
        }

        if (!string.IsNullOrEmpty(query.ActorId))
        {
            entries = entries.Where(e => e.ActorId == query.ActorId);
        }

        if (from is { } fromUtc)
        {
            entries = entries.Where(e => e.OccurredAt >= fromUtc);
        }

        if (to is { } toUtc)
        {
            entries = entries.Where(e => e.OccurredAt < toUtc);
        }

        var rows = await entries
            .NewestFirst(e => e.OccurredAt, e => e.Id, page.After)
            .Select(e => new Row(
                e.Id, e.OccurredAt, e.ActorType, e.ActorId, e.Action, e.Target, e.Ip, e.Outcome, e.Details, e.TraceId,
                e.ChainSequence, e.Hash))
            .ToPageAsync(page, r => new SeekKey<long>(r.OccurredAt, r.Id), ct);

        return http.PageResult(rows.Select(r => new Item(
            r.Id, r.OccurredAt, r.ActorType, r.ActorId, r.Action, r.Target, r.Ip, r.Outcome, ParseDetails(r.Details),
            r.TraceId, r.Sequence, r.Hash)));
    }

    private static string? Normalize(DateTime? instant) => instant?.ToString("O", CultureInfo.InvariantCulture);

    // Details are written as JSON by AuditTrail; a row edited behind our back may not be, and is shown as a string.
    private static JsonElement? ParseDetails(string? details)
    {
        if (details is null)
        {
            return null;
        }

        try
        {
            using var document = JsonDocument.Parse(details);
            return document.RootElement.Clone();
        }
        catch (JsonException)
        {
            return JsonSerializer.SerializeToElement(details);
        }
    }
}
