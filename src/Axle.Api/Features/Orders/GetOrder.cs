using System.Security.Claims;
using Axle.Api.Features.Payments;
using Axle.Api.Platform.Data;
using Axle.Api.Platform.Http;
using Axle.Api.Platform.Security;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Axle.Api.Features.Orders;

/// <summary>Reading orders, and who may: the customer who placed it and staff; anyone else is told it does not exist.</summary>
internal static class OrderReads
{
    public static bool Allowed(ClaimsPrincipal principal, Guid orderUserId) => principal.UserId() == orderUserId || principal.IsStaff();

    public static ProblemHttpResult NotFound() => Problems.NotFound("No such order.");

    public static async Task<OrderResponse?> FindAsync(AppDbContext db, Guid id, CancellationToken ct) =>
        (await FindVersionedAsync(db, id, ct))?.Order;

    /// <summary>The order as the API shows it and its version, which every change of the order bumps.</summary>
    public static async Task<(OrderResponse Order, long Version)?> FindVersionedAsync(AppDbContext db, Guid id, CancellationToken ct)
    {
        var order = await db.Set<Order>().AsNoTracking().Include(o => o.Items).FirstOrDefaultAsync(o => o.Id == id, ct);
        if (order is null)
        {
            return null;
        }

        var payment = await db.Set<Payment>().AsNoTracking().FirstOrDefaultAsync(p => p.OrderId == id, ct);
        return (OrderResponse.From(order, payment), order.Version);
    }

    /// <summary>The order's validator: the same value <c>If-Match</c> on its writes is checked against.</summary>
    public static string ETag(long version) => ETags.From(version);
}

/// <summary><c>GET /api/v1/orders/{id}</c>: the owner's or, for staff, any order; ETag with If-None-Match → 304.</summary>
internal static class GetOrder
{
    public static async Task<Results<Ok<OrderResponse>, NotModifiedResult, ProblemHttpResult>> Handle(
        Guid id, ClaimsPrincipal principal, HttpContext http, AppDbContext db, CancellationToken ct)
    {
        if (await OrderReads.FindVersionedAsync(db, id, ct) is not var (order, version) || !OrderReads.Allowed(principal, order.UserId))
        {
            return OrderReads.NotFound();
        }

        var etag = OrderReads.ETag(version);
        if (Conditional.CheckIfNoneMatch(http, etag) is { } notModified)
        {
            return notModified;
        }

        Conditional.SetETag(http, etag);
        return TypedResults.Ok(order);
    }
}
