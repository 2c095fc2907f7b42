using System.ComponentModel.DataAnnotations;
using Axle.Api.Features.Audit;
using Axle.Api.Platform.Data;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Axle.Api.Features.Returns;

/// <summary>
/// <c>POST /api/v1/returns/{id}/approve</c> and <c>/reject</c> (order manager, admin): the decision on a requested return.
/// Only from <c>requested</c>; anything else → 409. A rejected return frees its quantities for another request.
/// </summary>
internal static class ReviewReturn
{
    public sealed record Request([property: StringLength(ReturnAuthorization.NoteMaxLength)] string? Note);

    public static Task<Results<Ok<ReturnResponse>, ProblemHttpResult>> Approve(
        Guid id, Request? request, AppDbContext db, AuditTrail audit, TimeProvider time, CancellationToken ct) =>
        DecideAsync(id, ReturnStatus.Approved, request?.Note, db, audit, time, ct);

    public static Task<Results<Ok<ReturnResponse>, ProblemHttpResult>> Reject(
        Guid id, Request? request, AppDbContext db, AuditTrail audit, TimeProvider time, CancellationToken ct) =>
        DecideAsync(id, ReturnStatus.Rejected, request?.Note, db, audit, time, ct);

    private static async Task<Results<Ok<ReturnResponse>, ProblemHttpResult>> DecideAsync(
        Guid id, ReturnStatus to, string? note, AppDbContext db, AuditTrail audit, TimeProvider time, CancellationToken ct)
    {
        var rma = await db.Set<ReturnAuthorization>().Include(r => r.Items).FirstOrDefaultAsync(r => r.Id == id, ct);
        if (rma is null)
        {
            return ReturnReads.NotFound();
        }

        if (!ReturnStateMachine.CanTransition(rma.Status, to))
        {
            return ReturnProblems.IllegalTransition(rma.Status, to);
        }

        var now = time.GetUtcNow().UtcDateTime;
        if (to == ReturnStatus.Approved)
        {
            rma.Approve(note, now);
        }
        else
        {
            rma.Reject(note, now);
        }

        ReturnEvents.RecordUpdated(db, rma, now);
        audit.Record(db, "return." + ReturnStateMachine.Name(to), $"return/{rma.Id}", details: new { rma.Number, rma.OrderId, note = rma.Note });
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            return ReturnProblems.Changed();
        }

        return TypedResults.Ok(ReturnResponse.From(rma));
    }
}
