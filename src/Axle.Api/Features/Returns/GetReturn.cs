using System.Security.Claims;
using Axle.Api.Features.Orders;
using Axle.Api.Platform.Data;
using Axle.Api.Platform.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Axle.Api.Features.Returns;

/// <summary><c>GET /api/v1/returns/{id}</c>: the customer's own return or, for staff, any; anyone else 404.</summary>
internal static class GetReturn
{
    public static async Task<Results<Ok<ReturnResponse>, NotModifiedResult, ProblemHttpResult>> Handle(
        Guid id, ClaimsPrincipal principal, HttpContext http, AppDbContext db, CancellationToken ct)
    {
        if (await ReturnReads.FindAsync(db, id, ct) is not { } found || !ReturnReads.Allowed(principal, found.UserId))
        {
            return ReturnReads.NotFound();
        }

        var etag = ETags.From(found.UpdatedAt.Ticks);
        if (Conditional.CheckIfNoneMatch(http, etag) is { } notModified)
        {
            return notModified;
        }

        Conditional.SetETag(http, etag);
        return TypedResults.Ok(found);
    }
}

/// <summary><c>GET /api/v1/orders/{id}/returns</c>: every return of an order, oldest first (an order has few).</summary>
internal static class ListOrderReturns
{
    public sealed record Response(IReadOnlyList<ReturnResponse> Items, string? NextCursor);

    public static async Task<Results<Ok<Response>, ProblemHttpResult>> Handle(
        Guid id, ClaimsPrincipal principal, AppDbContext db, CancellationToken ct)
    {
        var owner = await db.Set<Order>().AsNoTracking().Where(o => o.Id == id).Select(o => (Guid?)o.UserId).FirstOrDefaultAsync(ct);
        if (owner is not { } userId || !OrderReads.Allowed(principal, userId))
        {
            return OrderReads.NotFound();
        }

        var returns = await db.Set<ReturnAuthorization>().AsNoTracking().Include(r => r.Items)
            .Where(r => r.OrderId == id).OrderBy(r => r.CreatedAt).ThenBy(r => r.Id).ToListAsync(ct);
        return TypedResults.Ok(new Response([.. returns.Select(ReturnResponse.From)], null));
    }
}
