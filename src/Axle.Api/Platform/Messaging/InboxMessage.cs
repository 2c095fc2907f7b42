using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Axle.Api.Platform.Messaging;

/// <summary>
/// A verified inbound message (a supplier's push, later carriers and payment gateways) stored before it is acknowledged
/// and applied afterwards by a worker (STYLE.md §9). <see cref="Source"/> + <see cref="MessageId"/> (the sender's
/// <c>webhook-id</c>) is unique, so a retried delivery is stored once. Applying it marks <see cref="ProcessedAt"/> in the
/// same transaction as its effects: a message is applied exactly once even when a worker dies half way.
/// </summary>
public sealed class InboxMessage
{
    public const int SourceMaxLength = 64;
    public const int MessageIdMaxLength = 128;
    public const int ErrorMaxLength = 1000;

    private InboxMessage()
    {
    }

    public InboxMessage(string source, string messageId, byte[] payload, DateTime receivedAt)
    {
        Id = Guid.CreateVersion7(new DateTimeOffset(receivedAt, TimeSpan.Zero));
        Source = source;
        MessageId = messageId;
        Payload = payload;
        ReceivedAt = receivedAt;
    }

    /// <summary>Version 7 (time-ordered): workers apply messages in arrival order.</summary>
    public Guid Id { get; private set; }

    /// <summary>Who sent it and which handler applies it, e.g. <c>supplier:12</c>.</summary>
    public string Source { get; private set; } = "";

    /// <summary>The sender's message id (<c>webhook-id</c>), unchanged across its retries.</summary>
    public string MessageId { get; private set; } = "";

    /// <summary>The raw body exactly as received and verified.</summary>
    public byte[] Payload { get; private set; } = [];

    public DateTime ReceivedAt { get; private set; }
    public DateTime? ProcessedAt { get; private set; }

    /// <summary>A worker holds the message until then; a crashed worker's claim simply runs out.</summary>
    public DateTime? LockedUntil { get; private set; }
    public int Attempts { get; private set; }
    public string? LastError { get; private set; }

    /// <summary>What applying it did, for operators: e.g. "applied 98, rejected 2".</summary>
    public string? Outcome { get; private set; }
}

internal sealed class InboxMessageConfiguration : IEntityTypeConfiguration<InboxMessage>
{
    public void Configure(EntityTypeBuilder<InboxMessage> b)
    {
        b.ToTable("inbox_messages");
        b.HasKey(m => m.Id);
        b.Property(m => m.Id).ValueGeneratedNever();
        b.Property(m => m.Source).HasMaxLength(InboxMessage.SourceMaxLength).IsRequired();
        b.Property(m => m.MessageId).HasMaxLength(InboxMessage.MessageIdMaxLength).IsRequired();
        b.Property(m => m.Payload).IsRequired();
        b.Property(m => m.LastError).HasMaxLength(InboxMessage.ErrorMaxLength);
        b.Property(m => m.Outcome).HasMaxLength(InboxMessage.ErrorMaxLength);
        b.HasIndex(m => new { m.Source, m.MessageId }).IsUnique();
        // Workers look for unprocessed messages oldest first (a partial index stays small however long the history);
        // the purge looks for old processed ones.
        b.HasIndex(m => m.ReceivedAt).HasFilter("\"ProcessedAt\" IS NULL").HasDatabaseName("IX_inbox_messages_pending");
        b.HasIndex(m => m.ProcessedAt);
    }
}
