using System.Globalization;
using System.Security.Claims;
using Axle.Api.Features.Pricing;
using Axle.Api.Platform.Data;
using Axle.Api.Platform.Http;
using Axle.Api.Platform.Security;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace Axle.Api.Features.Orders;

/// <summary>
/// <c>GET /api/v1/orders</c>: newest first. Customers see their own orders; staff see everyone's and may filter by
/// customer. Filters: <c>status</c>, <c>from</c>/<c>to</c> (placed at, UTC, to exclusive), <c>needsAttention</c>.
/// </summary>
internal static class ListOrders
{
    public const string CursorPurpose = "orders";

    public sealed record Query(
        [FromQuery(Name = "status")] string? Status,
        [FromQuery(Name = "from")] DateTime? From,
        [FromQuery(Name = "to")] DateTime? To,
        [FromQuery(Name = "userId")] Guid? UserId,
        [FromQuery(Name = "needsAttention")] bool? NeedsAttention,
        [FromQuery(Name = "limit")] string? Limit,
        [FromQuery(Name = "cursor")] string? Cursor);

    public sealed record Item(
        Guid Id, string Number, Guid UserId, string Status, Money Total, int ItemCount, bool NeedsAttention, DateTime CreatedAt,
        DateTime UpdatedAt);

    private sealed record Row(
        Guid Id, string Number, Guid UserId, OrderStatus Status, long TotalMinor, string Currency, int ItemCount, bool NeedsAttention,
        DateTime CreatedAt, DateTime UpdatedAt);

    public static async Task<Results<Ok<Page<Item>>, ValidationProblem, ProblemHttpResult>> Handle(
        [AsParameters] Query query, ClaimsPrincipal principal, HttpContext http, AppDbContext db, CursorCodec cursors, CancellationToken ct)
    {
        OrderStatus? status = null;
        if (query.Status is { } raw)
        {
            if (!OrderStateMachine.TryParse(raw, out var parsed))
            {
                return OrderProblems.UnknownStatus();
            }

            status = parsed;
        }

        if (query.From is { } from && query.To is { } to && to <= from)
        {
            return Problems.Validation("to", "to must be after from.");
        }

        // Customers list their own orders only; a userId filter naming someone else is simply ignored for them.
        var owner = principal.IsStaff() ? query.UserId : principal.UserId();
        if (owner is null && !principal.IsStaff())
        {
            return Problems.Forbidden("Orders are listed for customers' own accounts and for staff.");
        }

        var fingerprint = Pagination.Fingerprint("createdAt desc,number desc",
            ("status", query.Status), ("from", query.From?.ToString("O", CultureInfo.InvariantCulture)),
            ("to", query.To?.ToString("O", CultureInfo.InvariantCulture)), ("userId", owner?.ToString()),
            ("needsAttention", query.NeedsAttention?.ToString()));
        if (!cursors.TryOpen<SeekKey<string>>(CursorPurpose, fingerprint, query.Limit, query.Cursor, out var page, out var problem))
        {
            return problem;
        }

        var orders = db.Set<Order>().AsNoTracking();
        if (owner is { } userId)
        {
            orders = orders.Where(o => o.UserId == userId);
        }

        if (status is { } s)
        {
            orders = orders.Where(o => o.Status == s);
        }

        if (query.From is { } after)
        {
            var utc = after.ToUniversalTime();
            orders = orders.Where(o => o.CreatedAt >= utc);
        }

        if (query.To is { } before)
        {
            var utc = before.ToUniversalTime();
            orders = orders.Where(o => o.CreatedAt < utc);
        }

        if (query.NeedsAttention is { } attention)
        {
            orders = orders.Where(o => o.NeedsAttention == attention);
        }

        var rows = await orders
            .NewestFirst(o => o.CreatedAt, o => o.Number, page.After)
            .Select(o => new Row(o.Id, o.Number, o.UserId, o.Status, o.TotalMinor, o.Currency,
                o.Items.Count(i => i.Kind == OrderItemKind.Part), o.NeedsAttention, o.CreatedAt, o.UpdatedAt))
            .ToPageAsync(page, o => new SeekKey<string>(o.CreatedAt, o.Number), ct);
        return http.PageResult(rows.Select(r => new Item(r.Id, r.Number, r.UserId, OrderStateMachine.Name(r.Status),
            Money.FromMinor(r.TotalMinor, r.Currency), r.ItemCount, r.NeedsAttention, r.CreatedAt, r.UpdatedAt)));
    }
}
