using Axle.Api.Platform.Data;
using Axle.Api.Platform.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace Axle.Api.Features.Webhooks;

/// <summary><c>GET /api/v1/webhook-subscriptions</c>: the caller's subscriptions (all of them for admins), newest first.</summary>
internal static class ListSubscriptions
{
    public const string CursorPurpose = "webhook-subscriptions";

    public static async Task<Results<Ok<Page<SubscriptionResponse>>, ProblemHttpResult>> Handle(
        [FromQuery] bool? active, [FromQuery] string? limit, [FromQuery] string? cursor, HttpContext http, AppDbContext db,
        CursorCodec cursors, CancellationToken ct)
    {
        var fingerprint = Pagination.Fingerprint("createdAt desc", ("active", active?.ToString()));
        if (!cursors.TryOpen<SeekKey<Guid>>(CursorPurpose, fingerprint, limit, cursor, out var page, out var problem))
        {
            return problem;
        }

        var subscriptions = db.Set<WebhookSubscription>().AsNoTracking().Visible(http.User);
        if (active is { } a)
        {
            subscriptions = subscriptions.Where(s => s.Active == a);
        }

        var rows = await subscriptions.NewestFirst(s => s.CreatedAt, s => s.Id, page.After)
            .ToPageAsync(page, s => new SeekKey<Guid>(s.CreatedAt, s.Id), ct);
        return http.PageResult(rows.Select(s => SubscriptionResponse.From(s)));
    }
}
