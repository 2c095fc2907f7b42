using Axle.Api.Features.Audit;
using Axle.Api.Platform.Data;
using Axle.Api.Platform.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Axle.Api.Features.Suppliers;

/// <summary>
/// <c>POST /api/v1/suppliers/{id}/secret:rotate</c>: a new signing secret, shown once; the old one keeps verifying for
/// <see cref="SupplierOptions.SecretRotationGrace"/> so the supplier can switch without losing pushes. Rotating again
/// inside the grace ends the older secret at once (only the secret just replaced stays valid).
/// </summary>
internal static class RotateSupplierSecret
{
    public sealed record Response(string WebhookSecret, DateTime PreviousSecretValidUntil);

    public static async Task<Results<Ok<Response>, ProblemHttpResult>> Handle(
        long id, AppDbContext db, SupplierSecrets secrets, AuditTrail audit, IOptions<SupplierOptions> options, TimeProvider time,
        CancellationToken ct)
    {
        if (await db.Set<Supplier>().FirstOrDefaultAsync(s => s.Id == id, ct) is not { } supplier)
        {
            return Problems.NotFound("No supplier has this id.");
        }

        var now = time.GetUtcNow().UtcDateTime;
        var secret = StandardWebhookSignature.NewSecret();
        supplier.RotateSecret(secrets.ProtectWebhookSecret(secret), options.Value.SecretRotationGrace, now);
        supplier.Touch(now);
        audit.Record(db, "suppliers.secret_rotated", $"supplier/{supplier.Id}", details: new { supplier.PreviousSecretExpiresAt });
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            return Problems.Conflict("concurrent_change", "Supplier changed", "The supplier changed while rotating; try again.");
        }

        return TypedResults.Ok(new Response(secret, supplier.PreviousSecretExpiresAt!.Value));
    }
}
