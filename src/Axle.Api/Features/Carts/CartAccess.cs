using System.Security.Claims;
using Axle.Api.Platform.Data;
using Axle.Api.Platform.Http;
using Axle.Api.Platform.Security;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Axle.Api.Features.Carts;

/// <summary>Who may see a cart, finding (or starting) it, and saving a change to it.</summary>
internal static class CartAccess
{
    /// <summary>The owner and staff. Anyone else is answered exactly as a user without a cart (BOLA: 404, not 403).</summary>
    public static bool Allowed(ClaimsPrincipal principal, Guid userId) => principal.UserId() == userId || principal.IsStaff();

    public static ProblemHttpResult NotFound() => Problems.NotFound("No cart for this user.");

    public static string ETag(Cart cart) => ETags.From(cart.Version);

    /// <summary>The user's active cart with its lines, tracked.</summary>
    public static Task<Cart?> FindAsync(AppDbContext db, Guid userId, CancellationToken ct) =>
        db.Set<Cart>().Include(c => c.Items).FirstOrDefaultAsync(c => c.UserId == userId && c.Status == CartStatus.Active, ct);

    /// <summary>
    /// The active cart, started on the owner's first use. Staff never start one for someone else (null: 404). Two first
    /// requests racing both insert; the unique index lets one win and the other reads the winner's cart.
    /// </summary>
    public static async Task<Cart?> FindOrStartAsync(
        AppDbContext db, ClaimsPrincipal principal, Guid userId, TimeProvider time, CancellationToken ct)
    {
        if (await FindAsync(db, userId, ct) is { } cart)
        {
            return cart;
        }

        if (principal.UserId() != userId)
        {
            return null;
        }

        var started = new Cart(userId, time.GetUtcNow().UtcDateTime);
        db.Add(started);
        try
        {
            await db.SaveChangesAsync(ct);
            return started;
        }
        catch (DbUpdateException e) when (DbErrors.IsUniqueViolation(e))
        {
            db.ChangeTracker.Clear();
            return await FindAsync(db, userId, ct);
        }
    }

    /// <summary>Saves a change; null on success, else 412 when another write to the cart got there first.</summary>
    public static async Task<ProblemHttpResult?> SaveAsync(AppDbContext db, CancellationToken ct)
    {
        try
        {
            await db.SaveChangesAsync(ct);
            return null;
        }
        catch (DbUpdateConcurrencyException)
        {
            return Changed();
        }
        catch (DbUpdateException e) when (DbErrors.IsUniqueViolation(e))
        {
            // Two adds of a new part raced for the (cart, part) line.
            return Changed();
        }
    }

    public static ProblemHttpResult Changed() =>
        Problems.Create(StatusCodes.Status412PreconditionFailed, "precondition_failed", "Precondition failed",
            "The cart changed while this request ran. GET it again for the current ETag and retry.");

    public static bool IsChanged(ProblemHttpResult problem) => problem.StatusCode == StatusCodes.Status412PreconditionFailed;
}
