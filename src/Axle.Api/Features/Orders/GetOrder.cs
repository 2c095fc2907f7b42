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

    public static async Task<OrderResponse?> FindAsync(AppDbContext db, Guid id, CancellationToken ct)
    {
        var order = await db.Set<Order>().AsNoTracking().Include(o => o.Items).FirstOrDefaultAsync(o => o.Id == id, ct);
        if (order is null)
        {
            return null;
        }

        var payment = await db.Set<Payment>().AsNoTracking().FirstOrDefaultAsync(p => p.OrderId == id, ct);
        return OrderResponse.From(order, payment);
    }

    public static string ETag(OrderResponse order) => ETags.From(order.UpdatedAt.Ticks ^ order.Items.Count);
}

/// <summary><c>GET /api/v1/orders/{id}</c>: the owner's or, for staff, any order; ETag with If-None-Match → 304.</summary>
internal static class GetOrder
{
    public static async Task<Results<Ok<OrderResponse>, NotModifiedResult, ProblemHttpResult>> Handle(
        Guid id, ClaimsPrincipal principal, HttpContext http, AppDbContext db, CancellationToken ct)
    {
        if (await OrderReads.FindAsync(db, id, ct) is not { } order || !OrderReads.Allowed(principal, order.UserId))
        {
            return OrderReads.NotFound();
        }

        var etag = OrderReads.ETag(order);
        if (Conditional.CheckIfNoneMatch(http, etag) is { } notModified)
        {
            return notModified;
        }

        Conditional.SetETag(http, etag);
        return TypedResults.Ok(order);
    }
}
