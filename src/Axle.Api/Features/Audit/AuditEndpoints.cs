using Axle.Api.Platform.Security;

namespace Axle.Api.Features.Audit;

public static class AuditEndpoints
{
    public static IEndpointRouteBuilder MapAudit(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/admin/audit-log")
            .WithTags("Administration")
            .RequireAuthorization(Policies.Admin);

        group.MapGet("/", ListAuditLog.Handle)
            .WithName("ListAuditLog")
            .WithSummary("Audit log, newest first")
            .WithDescription("Who did what, when and from where. Cursor-paginated (limit ≤ 100). Filters: action, actorId, " +
                "from (inclusive), to (exclusive), ISO 8601. Each entry carries its chain sequence and hash once chained.");
        group.MapGet("/verify", VerifyAuditLog.Handle)
            .WithName("VerifyAuditLog")
            .WithSummary("Verify the audit hash chain")
            .WithDescription("Links pending entries, then recomputes every hash. 200 with the report whether or not the chain is intact.");
        return app;
    }
}
