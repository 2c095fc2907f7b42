using Axle.Api.Features.Audit;
using Axle.Api.Platform.Data;
using Axle.Api.Platform.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using OpenIddict.Abstractions;

namespace Axle.Api.Features.Clients;

internal static class DeleteClient
{
    /// <summary>
    /// Revokes a client: its next token request fails with <c>invalid_client</c>. Access tokens already issued stay
    /// valid until they expire (at most <c>Jwt:AccessTokenMinutes</c>); they are self-contained JWTs.
    /// </summary>
    public static async Task<Results<NoContent, ProblemHttpResult>> Handle(
        string clientId, IOpenIddictApplicationManager applications, AppDbContext db, AuditTrail audit, CancellationToken ct)
    {
        if (await applications.FindByClientIdAsync(clientId, ct) is not { } application)
        {
            return Problems.NotFound("No machine client has this id.");
        }

        var name = await applications.GetDisplayNameAsync(application, ct);
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        await applications.DeleteAsync(application, ct);
        audit.Record(db, "admin.client_deleted", clientId, details: new { name });
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        return TypedResults.NoContent();
    }
}
