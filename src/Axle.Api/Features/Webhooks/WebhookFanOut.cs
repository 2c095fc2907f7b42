using Axle.Api.Platform.Data;
using Axle.Api.Platform.Messaging;
using Microsoft.EntityFrameworkCore;

namespace Axle.Api.Features.Webhooks;

/// <summary>
/// The relay's webhook sink: one pending <see cref="WebhookDelivery"/> per relayed event and active subscription that takes
/// its type, written in the relay's transaction: the deliveries exist exactly when the event is marked relayed (a failed batch rolls both
/// back), and the unique (subscription, event) index backs that up.
/// </summary>
internal sealed class WebhookFanOut(TimeProvider time) : IOutboxSink
{
    public async Task HandleAsync(AppDbContext db, IReadOnlyList<OutboxEvent> events, CancellationToken ct)
    {
        var subscriptions = await db.Set<WebhookSubscription>().AsNoTracking()
            .Where(s => s.Active)
            .Select(s => new { s.Id, s.Events })
            .ToListAsync(ct);
        if (subscriptions.Count == 0)
        {
            return;
        }

        var takers = subscriptions.Select(s => (s.Id, Types: WebhookSubscription.ParseEvents(s.Events).ToHashSet(StringComparer.Ordinal))).ToList();
        var now = time.GetUtcNow().UtcDateTime;
        var deliveries = new List<WebhookDelivery>();
        foreach (var e in events)
        {
            foreach (var (subscriptionId, types) in takers)
            {
                if (types.Contains(e.Type))
                {
                    deliveries.Add(new WebhookDelivery(subscriptionId, e.Id, e.Type, e.OccurredAt, e.Payload, now));
                }
            }
        }

        if (deliveries.Count == 0)
        {
            return;
        }

        await BulkInsert.AddAsync(db, deliveries, ct);
        await db.SaveChangesAsync(ct);
        db.ChangeTracker.Clear();
    }
}
