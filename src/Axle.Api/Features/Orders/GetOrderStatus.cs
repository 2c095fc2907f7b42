using System.ComponentModel.DataAnnotations;
using System.Security.Claims;
using Axle.Api.Platform.Data;
using Axle.Api.Platform.Security;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Axle.Api.Features.Orders;

public sealed record TrackingEventResponse(string Status, DateTime At, string? Location, string? Description);

/// <param name="Events">The latest 100 tracking events, in the order they happened.</param>
/// <param name="EventCount">Every tracking event the shipment has.</param>
public sealed record ShipmentStatusResponse(
    Guid Id, long WarehouseId, string Carrier, string TrackingNumber, string Status, DateTime CreatedAt,
    [property: MaxLength(OrderTracking.MaxEvents)] IReadOnlyList<TrackingEventResponse> Events, int EventCount);

/// <summary>The bounds of an order's tracking as its status shows it.</summary>
public static class OrderTracking
{
    /// <summary>Shipments an order has at most (Shipments:MaxPerOrder is held to it).</summary>
    public const int MaxShipments = 100;

    /// <summary>Tracking events listed per shipment at most: the latest ones.</summary>
    public const int MaxEvents = 100;
}

/// <summary>The shipments of an order as its status shows them. The shipments feature provides it; without it, none.</summary>
public interface IOrderTracking
{
    Task<IReadOnlyList<ShipmentStatusResponse>> ShipmentsAsync(Guid orderId, CancellationToken ct);
}

internal sealed class NoOrderTracking : IOrderTracking
{
    public Task<IReadOnlyList<ShipmentStatusResponse>> ShipmentsAsync(Guid orderId, CancellationToken ct) =>
        Task.FromResult<IReadOnlyList<ShipmentStatusResponse>>([]);
}

/// <summary>
/// <c>GET /api/v1/orders/{id}/status</c>: where the order stands — status, every step with its time and note, whether it
/// needs attention (and why), and each shipment with its carrier tracking events. Owner or staff; staff also see who
/// made each step.
/// </summary>
internal static class GetOrderStatus
{
    public sealed record HistoryItem(string Status, string? From, DateTime At, string? Note, string? Actor);

    public sealed record Response(
        Guid OrderId, string Number, string Status, DateTime UpdatedAt, bool NeedsAttention, string? AttentionNote,
        [property: MaxLength(OrderStateMachine.MaxHistory)] IReadOnlyList<HistoryItem> History,
        [property: MaxLength(OrderTracking.MaxShipments)] IReadOnlyList<ShipmentStatusResponse> Shipments);

    public static async Task<Results<Ok<Response>, ProblemHttpResult>> Handle(
        Guid id, ClaimsPrincipal principal, AppDbContext db, IOrderTracking tracking, CancellationToken ct)
    {
        var order = await db.Set<Order>().AsNoTracking()
            .Where(o => o.Id == id)
            .Select(o => new { o.Id, o.Number, o.UserId, o.Status, o.UpdatedAt, o.NeedsAttention, o.AttentionNote })
            .FirstOrDefaultAsync(ct);
        if (order is null || !OrderReads.Allowed(principal, order.UserId))
        {
            return OrderReads.NotFound();
        }

        var staff = principal.IsStaff();
        var history = await db.Set<OrderStatusChange>().AsNoTracking().Where(h => h.OrderId == id).OrderBy(h => h.Id).ToListAsync(ct);
        return TypedResults.Ok(new Response(
            order.Id,
            order.Number,
            OrderStateMachine.Name(order.Status),
            order.UpdatedAt,
            order.NeedsAttention,
            order.AttentionNote,
            [.. history.Select(h => new HistoryItem(
                OrderStateMachine.Name(h.To), h.From is { } from ? OrderStateMachine.Name(from) : null, h.At, h.Note, staff ? h.Actor : null))],
            await tracking.ShipmentsAsync(id, ct)));
    }
}
