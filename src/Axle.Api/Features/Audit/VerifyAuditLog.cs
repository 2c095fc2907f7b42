using Axle.Api.Platform.Data;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Axle.Api.Features.Audit;

/// <summary>
/// <c>GET /api/v1/admin/audit-log/verify</c>: chains whatever is pending, then checks the whole chain. A broken chain is
/// still a 200: the report is the answer. The check itself is recorded as <c>audit.verified</c>.
/// </summary>
internal static class VerifyAuditLog
{
    public const string Action = "audit.verified";

    internal static async Task<Ok<AuditVerification>> Handle(
        AuditChainer chainer, AuditVerifier verifier, AuditTrail trail, AppDbContext db, CancellationToken ct)
    {
        await chainer.RunOnceAsync(ct);
        var report = await verifier.VerifyAsync(ct);
        trail.Record(
            db, Action, "audit-log", report.Intact ? AuditOutcome.Success : AuditOutcome.Failure,
            new { report.Intact, report.CheckedEntries, report.UnchainedEntries, report.FirstBrokenSequence });
        await db.SaveChangesAsync(ct);
        return TypedResults.Ok(report);
    }
}
