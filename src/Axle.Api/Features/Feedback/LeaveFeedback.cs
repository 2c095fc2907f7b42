using System.ComponentModel.DataAnnotations;
using System.Security.Claims;
using Axle.Api.Features.Audit;
using Axle.Api.Features.Catalog;
using Axle.Api.Features.Orders;
using Axle.Api.Platform.Data;
using Axle.Api.Platform.Http;
using Axle.Api.Platform.Security;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Axle.Api.Features.Feedback;

/// <summary>
/// <c>POST /api/v1/orders/{id}/feedback</c> (the order's customer, once, after delivery; rate limited per user):
/// a 1–5 rating, an optional comment and per-part ratings with "did it fit". Every "no" flags the fitment behind it
/// (<see cref="FitmentFlags"/>) for a catalog manager, in the same transaction.
/// </summary>
internal static class LeaveFeedback
{
    public const int MaxItems = 50;

    public sealed record Item([property: Required] Guid? OrderItemId, [property: Required, Range(1, 5)] int? Rating, [property: Required] FitAnswer? Fit);

    public sealed record Request(
        [property: Required, Range(1, 5)] int? Rating,
        [property: StringLength(OrderFeedback.CommentMaxLength)] string? Comment,
        [property: MaxLength(MaxItems)] IReadOnlyList<Item>? Items);

    public sealed record ItemResponse(Guid OrderItemId, long PartId, int Rating, FitAnswer Fit);

    public sealed record Response(
        Guid Id, Guid OrderId, int Rating, string? Comment, [property: MaxLength(MaxItems)] IReadOnlyList<ItemResponse> Items, DateTime CreatedAt);

    public static async Task<Results<Created<Response>, ValidationProblem, ProblemHttpResult>> Handle(
        Guid id, Request request, ClaimsPrincipal principal, AppDbContext db, AuditTrail audit, TimeProvider time, CancellationToken ct)
    {
        var order = await db.Set<Order>().AsNoTracking().Include(o => o.Items).FirstOrDefaultAsync(o => o.Id == id, ct);
        if (order is null || !OrderReads.Allowed(principal, order.UserId))
        {
            return OrderReads.NotFound();
        }

        if (principal.UserId() != order.UserId)
        {
            return Problems.Forbidden("Only the customer who placed the order can rate it.");
        }

        var items = request.Items ?? [];
        var lines = order.Items.ToDictionary(l => l.Id);
        var errors = new Dictionary<string, string[]>();
        for (var i = 0; i < items.Count; i++)
        {
            var itemId = items[i].OrderItemId!.Value;
            if (!lines.TryGetValue(itemId, out var line) || line.Kind != OrderItemKind.Part)
            {
                errors[$"items[{i}].orderItemId"] = ["Not a part line of this order."];
            }
            else if (items.Take(i).Any(earlier => earlier.OrderItemId == itemId))
            {
                errors[$"items[{i}].orderItemId"] = ["Listed more than once."];
            }
        }

        if (errors.Count > 0)
        {
            return Problems.Validation(errors);
        }

        if (order.Status is not (OrderStatus.Delivered or OrderStatus.PartiallyReturned or OrderStatus.Returned))
        {
            return Problems.Conflict("order_not_delivered", "Order not delivered",
                $"Feedback opens once the order is delivered; this one is {OrderStateMachine.Name(order.Status)}.");
        }

        if (await db.Set<OrderFeedback>().AnyAsync(f => f.OrderId == id, ct))
        {
            return AlreadyGiven();
        }

        var partIds = items.Select(i => lines[i.OrderItemId!.Value].PartId).Distinct().ToList();
        var brands = await db.Set<Part>().AsNoTracking().Where(p => partIds.Contains(p.Id)).ToDictionaryAsync(p => p.Id, p => p.BrandId, ct);
        var now = time.GetUtcNow().UtcDateTime;
        var feedback = new OrderFeedback(order.Id, order.UserId, request.Rating!.Value, request.Comment, now);
        foreach (var item in items)
        {
            var line = lines[item.OrderItemId!.Value];
            feedback.Rate(line.Id, line.PartId, brands[line.PartId], item.Rating!.Value, item.Fit!.Value);
        }

        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        db.Add(feedback);
        audit.Record(db, "feedback.created", $"order/{order.Id}", details: new
        {
            order.Number,
            feedback.Rating,
            items = feedback.Items.Select(i => new { i.OrderItemId, i.Rating, i.Fit }),
        });
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException e) when (DbErrors.IsUniqueViolation(e))
        {
            await transaction.RollbackAsync(ct);
            return AlreadyGiven();
        }

        var misfits = feedback.Items.Where(i => i.Fit == FitAnswer.No).Select(i => i.PartId).Distinct().ToList();
        if (misfits.Count > 0)
        {
            await FitmentFlags.RecordAsync(db, order, misfits, now, ct);
        }

        await transaction.CommitAsync(ct);
        return TypedResults.Created($"/api/v1/orders/{order.Id}/feedback", new Response(
            feedback.Id, feedback.OrderId, feedback.Rating, feedback.Comment,
            [.. feedback.Items.Select(i => new ItemResponse(i.OrderItemId, i.PartId, i.Rating, i.Fit))], feedback.CreatedAt));
    }

    private static ProblemHttpResult AlreadyGiven() =>
        Problems.Conflict("feedback_exists", "Feedback already given", "An order can be rated once.");
}
