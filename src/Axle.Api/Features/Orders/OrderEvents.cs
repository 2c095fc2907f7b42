using System.Security.Claims;
using Axle.Api.Platform.Data;
using Axle.Api.Platform.Messaging;
using Axle.Api.Platform.Security;

namespace Axle.Api.Features.Orders;

/// <summary>The order events written to the outbox with the change they describe, and who the actor of a change is.</summary>
public static class OrderEvents
{
    public const string Created = "order.created";
    public const string StatusChanged = "order.status_changed";
    public const string NeedsAttention = "order.needs_attention";

    public static void RecordCreated(AppDbContext db, Order order, DateTime now) =>
        Outbox.Add(db, Created, new
        {
            orderId = order.Id,
            number = order.Number,
            userId = order.UserId,
            status = OrderStateMachine.Name(order.Status),
            total = MinorAmount(order.TotalMinor),
            currency = order.Currency,
        }, now);

    public static void RecordStatusChanged(AppDbContext db, Order order, OrderStatusChange change) =>
        Outbox.Add(db, StatusChanged, new
        {
            orderId = order.Id,
            number = order.Number,
            from = change.From is { } from ? OrderStateMachine.Name(from) : null,
            to = OrderStateMachine.Name(change.To),
            note = change.Note,
            at = change.At,
        }, change.At);

    public static void RecordNeedsAttention(AppDbContext db, Order order, string reason, DateTime now) =>
        Outbox.Add(db, NeedsAttention, new { orderId = order.Id, number = order.Number, reason }, now);

    /// <summary><c>user:{id}</c>, <c>client:{id}</c>, or <c>system</c> for workers and webhooks.</summary>
    public static string Actor(ClaimsPrincipal? principal) =>
        principal?.MachineClientId() is { } client ? AxleClaims.ClientSubjectPrefix + client
        : principal?.UserId() is { } user ? "user:" + user
        : System;

    public const string System = "system";

    private static decimal MinorAmount(long minor) => Pricing.MinorUnits.ToAmount(minor);
}
