using System.ComponentModel.DataAnnotations;
using System.Security.Claims;
using Axle.Api.Features.Audit;
using Axle.Api.Features.Orders;
using Axle.Api.Platform.Data;
using Axle.Api.Platform.Http;
using Axle.Api.Platform.Security;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Axle.Api.Features.Returns;

/// <summary>
/// <c>POST /api/v1/orders/{id}/returns</c> (the order's customer; Idempotency-Key honoured): asks to return delivered units.
/// The order must be delivered or partially returned; each line within its window from delivery (<c>Returns:Window</c>,
/// or <c>Returns:CoreWindow</c> for core deposits); at most what was delivered less what other (not rejected) returns
/// already ask for.
/// </summary>
internal static class RequestReturn
{
    public const int MaxItems = 50;

    public sealed record Item([property: Required] Guid? OrderItemId, [property: Required, Range(1, 10_000)] int? Quantity, [property: Required] ReturnReason? Reason);

    public sealed record Request([property: Required, MinLength(1), MaxLength(MaxItems)] IReadOnlyList<Item>? Items);

    public static async Task<Results<Created<ReturnResponse>, ValidationProblem, ProblemHttpResult>> Handle(
        Guid id, Request request, ClaimsPrincipal principal, AppDbContext db, AuditTrail audit, IOptions<ReturnOptions> options,
        TimeProvider time, CancellationToken ct)
    {
        var order = await db.Set<Order>().AsNoTracking().Include(o => o.Items).Include(o => o.History)
            .FirstOrDefaultAsync(o => o.Id == id, ct);
        if (order is null || !OrderReads.Allowed(principal, order.UserId))
        {
            return OrderReads.NotFound();
        }

        if (principal.UserId() != order.UserId)
        {
            return Problems.Forbidden("Only the customer who placed the order can ask to return it.");
        }

        var items = request.Items!;
        if (items.Any(i => i is null))
        {
            return Problems.Validation("items", "An entry cannot be null.");
        }

        if (items.GroupBy(i => i.OrderItemId).FirstOrDefault(g => g.Count() > 1) is { } duplicate)
        {
            return Problems.Validation("items", $"Order item {duplicate.Key} is listed more than once.");
        }

        var errors = new Dictionary<string, string[]>();
        for (var i = 0; i < items.Count; i++)
        {
            if (order.Items.All(line => line.Id != items[i].OrderItemId))
            {
                errors[$"items[{i}].orderItemId"] = ["Not a line of this order."];
            }
        }

        if (errors.Count > 0)
        {
            return Problems.Validation(errors);
        }

        if (order.Status is not (OrderStatus.Delivered or OrderStatus.PartiallyReturned))
        {
            return Problems.Conflict("order_not_returnable", "Order not returnable",
                $"Only delivered orders can be returned; this one is {OrderStateMachine.Name(order.Status)}.",
                new Dictionary<string, object?> { ["orderStatus"] = OrderStateMachine.Name(order.Status) });
        }

        var now = time.GetUtcNow().UtcDateTime;
        var deliveredAt = order.History.Where(h => h.To == OrderStatus.Delivered).Select(h => (DateTime?)h.At).LastOrDefault() ?? order.UpdatedAt;
        var lines = order.Items.ToDictionary(l => l.Id);
        foreach (var item in items)
        {
            var line = lines[item.OrderItemId!.Value];
            var window = line.Kind == OrderItemKind.CoreCharge ? options.Value.CoreWindow : options.Value.Window;
            if (now > deliveredAt + window)
            {
                return Problems.Conflict("return_window_closed", "Return window closed",
                    $"{line.Sku} could be returned until {deliveredAt + window:O}.",
                    new Dictionary<string, object?> { ["orderItemId"] = line.Id, ["deliveredAt"] = deliveredAt, ["windowDays"] = window.TotalDays });
            }
        }

        var ids = items.Select(i => i.OrderItemId!.Value).ToList();
        var claimed = await db.Set<ReturnItem>().AsNoTracking()
            .Where(i => ids.Contains(i.OrderItemId)
                && db.Set<ReturnAuthorization>().Any(r => r.Id == i.ReturnId && r.Status != ReturnStatus.Rejected))
            .GroupBy(i => i.OrderItemId)
            .Select(g => new { g.Key, Quantity = g.Sum(i => i.Quantity) })
            .ToDictionaryAsync(g => g.Key, g => g.Quantity, ct);
        foreach (var item in items)
        {
            var line = lines[item.OrderItemId!.Value];
            var left = line.Quantity - claimed.GetValueOrDefault(line.Id);
            if (item.Quantity > left)
            {
                return Problems.Conflict("return_quantity_exceeded", "Too many units",
                    $"{left} of {line.Quantity} × {line.Sku} can still be returned.",
                    new Dictionary<string, object?> { ["orderItemId"] = line.Id, ["returnable"] = left });
            }
        }

        var rma = new ReturnAuthorization(Guid.CreateVersion7(time.GetUtcNow()), ReturnNumbers.Next(), order.Id, order.UserId, order.Currency, now);
        foreach (var item in items)
        {
            rma.AddItem(lines[item.OrderItemId!.Value], item.Quantity!.Value, item.Reason!.Value);
        }

        await using var transaction = await db.Database.BeginTransactionAsync(ct);

        // Two requests for the same order must not both take the last returnable units: bumping the order's version
        // (a conditional update on the version read above) lets one of them through and turns the other into a 409.
        var claimedOrder = await db.Set<Order>().Where(o => o.Id == order.Id && o.Version == order.Version)
            .ExecuteUpdateAsync(s => s.SetProperty(o => o.Version, o => o.Version + 1), ct);
        if (claimedOrder == 0)
        {
            await transaction.RollbackAsync(ct);
            return ReturnProblems.Changed();
        }

        db.Add(rma);
        ReturnEvents.RecordUpdated(db, rma, now);
        audit.Record(db, "return.requested", $"return/{rma.Id}", details: new
        {
            rma.Number,
            orderId = order.Id,
            items = items.Select(i => new { i.OrderItemId, i.Quantity, i.Reason }),
        });
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        return TypedResults.Created($"/api/v1/returns/{rma.Id}", ReturnResponse.From(rma));
    }
}
