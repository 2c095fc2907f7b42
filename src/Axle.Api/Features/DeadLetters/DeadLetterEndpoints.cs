using Axle.Api.Platform.Data;
using Axle.Api.Platform.Http;
using Axle.Api.Platform.Messaging;
using Axle.Api.Platform.Security;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace Axle.Api.Features.DeadLetters;

/// <summary>What replaying a dead letter did: applied (it is closed) or rejected again (it stays open) with why.</summary>
public sealed record ReplayOutcome(bool Applied, string Detail);

/// <summary>
/// Replays dead letters of the sources it names, through the same code path that first refused them. Features that write
/// dead letters register one (suppliers; later outbound deliveries).
/// </summary>
public interface IDeadLetterReplayer
{
    IReadOnlyCollection<string> Sources { get; }

    Task<ReplayOutcome> ReplayAsync(AppDbContext db, DeadLetter letter, CancellationToken ct);
}

public sealed record DeadLetterResponse(
    Guid Id, string Source, long? SupplierId, string Reference, long? Position, string Code, string? Field, string Reason,
    string Payload, bool PayloadTruncated, DeadLetterStatus Status, int ReplayCount, DateTime? LastReplayAt,
    string? LastReplayOutcome, DateTime CreatedAt)
{
    public static DeadLetterResponse From(DeadLetter d) => new(
        d.Id, d.Source, d.SupplierId, d.Reference, d.Position, d.Code, d.Field, d.Reason, d.Payload, d.PayloadTruncated, d.Status,
        d.ReplayCount, d.LastReplayAt, d.LastReplayOutcome, d.CreatedAt);
}

/// <summary>
/// <c>/api/v1/dead-letters</c> (admin): inbound records and outbound deliveries that failed permanently, newest first, with
/// filters; replay after a fix, or discard.
/// </summary>
public static class DeadLetterEndpoints
{
    public const string CursorPurpose = "dead-letters";

    public sealed record Query(
        [FromQuery(Name = "status")] string? Status,
        [FromQuery(Name = "source")] string? Source,
        [FromQuery(Name = "supplierId")] long? SupplierId,
        [FromQuery(Name = "code")] string? Code,
        [FromQuery(Name = "reference")] string? Reference,
        [FromQuery(Name = "limit")] string? Limit,
        [FromQuery(Name = "cursor")] string? Cursor);

    public static WebApplication MapDeadLetters(this WebApplication app)
    {
        var group = app.MapGroup("/api/v1/dead-letters").WithTags("Dead letters").RequireAuthorization(Policies.Admin);
        group.MapGet("/", ListAsync)
            .WithName("ListDeadLetters")
            .WithSummary("Dead letters, newest first")
            .WithDescription("Filters: status (open, replayed, discarded), source (supplier_push, supplier_pull, …), supplierId, code " +
                "(the rejection code, e.g. unknown_part, missing_field), reference (inbox message or sync run id). Cursor-paginated.")
            .ProducesValidationProblem();
        group.MapGet("/{id:guid}", GetAsync)
            .WithName("GetDeadLetter")
            .WithSummary("One dead letter with its payload")
            .ProducesProblem(StatusCodes.Status404NotFound);
        group.MapPost("/{id:guid}/replay", ReplayAsync)
            .WithName("ReplayDeadLetter")
            .WithSummary("Apply a dead letter again, e.g. after a mapping or part list fix")
            .WithDescription("Runs the payload through the same path that refused it (the supplier's current mapping and part list). " +
                "Applied → 200 with status replayed. Refused again → 409 still_rejected naming the reason; it stays open and the " +
                "attempt is counted. Already replayed or discarded → 409 not_open.")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);
        group.MapPost("/{id:guid}/discard", DiscardAsync)
            .WithName("DiscardDeadLetter")
            .WithSummary("Close a dead letter that will never apply")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);
        return app;
    }

    private static async Task<Results<Ok<Page<DeadLetterResponse>>, ValidationProblem, ProblemHttpResult>> ListAsync(
        [AsParameters] Query query, HttpContext http, AppDbContext db, CursorCodec cursors, CancellationToken ct)
    {
        DeadLetterStatus? status = null;
        if (query.Status is { } text)
        {
            if (!Enum.TryParse<DeadLetterStatus>(text, ignoreCase: true, out var parsed) || int.TryParse(text, out _))
            {
                return Problems.Validation("status", "One of: open, replayed, discarded.");
            }

            status = parsed;
        }

        var fingerprint = Pagination.Fingerprint("createdAt desc",
            ("status", status?.ToString()), ("source", query.Source), ("supplierId", query.SupplierId?.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            ("code", query.Code), ("reference", query.Reference));
        if (!cursors.TryOpen<SeekKey<Guid>>(CursorPurpose, fingerprint, query.Limit, query.Cursor, out var page, out var problem))
        {
            return problem;
        }

        var letters = db.Set<DeadLetter>().AsNoTracking();
        if (status is { } s)
        {
            letters = letters.Where(d => d.Status == s);
        }

        if (query.Source is { } source)
        {
            letters = letters.Where(d => d.Source == source);
        }

        if (query.SupplierId is { } supplierId)
        {
            letters = letters.Where(d => d.SupplierId == supplierId);
        }

        if (query.Code is { } code)
        {
            letters = letters.Where(d => d.Code == code);
        }

        if (query.Reference is { } reference)
        {
            letters = letters.Where(d => d.Reference == reference);
        }

        var rows = await letters.NewestFirst(d => d.CreatedAt, d => d.Id, page.After)
            .ToPageAsync(page, d => new SeekKey<Guid>(d.CreatedAt, d.Id), ct);
        return http.PageResult(rows.Select(DeadLetterResponse.From));
    }

    private static async Task<Results<Ok<DeadLetterResponse>, ProblemHttpResult>> GetAsync(Guid id, AppDbContext db, CancellationToken ct) =>
        await db.Set<DeadLetter>().AsNoTracking().FirstOrDefaultAsync(d => d.Id == id, ct) is { } letter
            ? TypedResults.Ok(DeadLetterResponse.From(letter))
            : Problems.NotFound("No dead letter has this id.");

    private static async Task<Results<Ok<DeadLetterResponse>, ProblemHttpResult>> ReplayAsync(
        Guid id, AppDbContext db, IEnumerable<IDeadLetterReplayer> replayers, TimeProvider time, CancellationToken ct)
    {
        if (await db.Set<DeadLetter>().AsNoTracking().FirstOrDefaultAsync(d => d.Id == id, ct) is not { } letter)
        {
            return Problems.NotFound("No dead letter has this id.");
        }

        if (letter.Status != DeadLetterStatus.Open)
        {
            return NotOpen(letter);
        }

        if (replayers.FirstOrDefault(r => r.Sources.Contains(letter.Source)) is not { } replayer)
        {
            return Problems.Conflict("not_replayable", "Cannot be replayed", $"Nothing replays dead letters from {letter.Source}.");
        }

        var outcome = await replayer.ReplayAsync(db, letter, ct);
        var now = time.GetUtcNow().UtcDateTime;
        var detail = DeadLetter.FitReason(outcome.Detail);
        // Record the attempt on a letter still open, or on the one this replay closed (a replayer may close it in its own
        // transaction, to win against a concurrent replay); a concurrent replay or discard that won leaves it as it is.
        var applied = outcome.Applied;
        await db.Set<DeadLetter>().Where(d => d.Id == id && (d.Status == DeadLetterStatus.Open || (applied && d.Status == DeadLetterStatus.Replayed)))
            .ExecuteUpdateAsync(s => s
                .SetProperty(d => d.ReplayCount, d => d.ReplayCount + 1)
                .SetProperty(d => d.LastReplayAt, now)
                .SetProperty(d => d.LastReplayOutcome, detail)
                .SetProperty(d => d.Status, d => applied ? DeadLetterStatus.Replayed : d.Status), ct);
        var after = await db.Set<DeadLetter>().AsNoTracking().FirstAsync(d => d.Id == id, ct);
        return applied ? TypedResults.Ok(DeadLetterResponse.From(after))
            : after.Status != DeadLetterStatus.Open ? NotOpen(after)
            : Problems.Conflict("still_rejected", "Still rejected", outcome.Detail);
    }

    private static async Task<Results<Ok<DeadLetterResponse>, ProblemHttpResult>> DiscardAsync(
        Guid id, AppDbContext db, TimeProvider time, CancellationToken ct)
    {
        if (await db.Set<DeadLetter>().FirstOrDefaultAsync(d => d.Id == id, ct) is not { } letter)
        {
            return Problems.NotFound("No dead letter has this id.");
        }

        if (letter.Status != DeadLetterStatus.Open)
        {
            return NotOpen(letter);
        }

        letter.Discard(time.GetUtcNow().UtcDateTime);
        await db.SaveChangesAsync(ct);
        return TypedResults.Ok(DeadLetterResponse.From(letter));
    }

    private static ProblemHttpResult NotOpen(DeadLetter letter) =>
        Problems.Conflict("not_open", "Dead letter closed", $"This dead letter is {letter.Status.ToString().ToLowerInvariant()}.");
}
