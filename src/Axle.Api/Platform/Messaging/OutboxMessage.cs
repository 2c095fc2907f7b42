using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Axle.Api.Platform.Messaging;

/// <summary>
/// An event waiting to leave the system (a webhook delivery, later a message bus). It is written in the same transaction
/// as the business change it describes, so an event exists if and only if the change committed. Delivery (a relay worker
/// with retries) sets <see cref="DeliveredAt"/> and counts <see cref="Attempts"/>.
/// </summary>
public sealed class OutboxMessage
{
    public const int TypeMaxLength = 100;

    private OutboxMessage()
    {
    }

    internal OutboxMessage(Guid id, string type, string payload, DateTime occurredAt)
    {
        Id = id;
        Type = type;
        Payload = payload;
        OccurredAt = occurredAt;
    }

    /// <summary>Version 7 (time-ordered), so ids sort roughly by occurrence.</summary>
    public Guid Id { get; private set; }

    /// <summary>Dot-separated event type from <c>[a-zA-Z0-9_]</c>, e.g. <c>inventory.low_stock</c>.</summary>
    public string Type { get; private set; } = "";

    /// <summary>The event's <c>data</c> as JSON text (camelCase); the relay wraps it in the delivery envelope.</summary>
    public string Payload { get; private set; } = "";

    public DateTime OccurredAt { get; private set; }
    public DateTime? DeliveredAt { get; private set; }
    public int Attempts { get; private set; }
}

internal sealed class OutboxMessageConfiguration : IEntityTypeConfiguration<OutboxMessage>
{
    public void Configure(EntityTypeBuilder<OutboxMessage> b)
    {
        b.ToTable("outbox_messages");
        b.HasKey(m => m.Id);
        b.Property(m => m.Id).ValueGeneratedNever();
        b.Property(m => m.Type).HasMaxLength(OutboxMessage.TypeMaxLength).IsRequired();
        b.Property(m => m.Payload).IsRequired();
        // The relay claims undelivered messages oldest first: an index in exactly that order over just those rows, so a claim
        // reads its batch and stops (with a backlog, the (DeliveredAt, OccurredAt) index left every claim sorting all of it,
        // ~240 ms per 500 of a 100k backlog, because IS NULL does not make the planner treat DeliveredAt as one value).
        b.HasIndex(m => new { m.OccurredAt, m.Id }).HasDatabaseName("IX_outbox_messages_undelivered").HasFilter("\"DeliveredAt\" IS NULL");
        // The purge of relayed messages past retention. (No index by type: nothing reads messages by type, and the full
        // indexes are written twice per event, by the insert and by the relay's mark, which cannot be a HOT update.)
        b.HasIndex(m => new { m.DeliveredAt, m.OccurredAt });
    }
}
