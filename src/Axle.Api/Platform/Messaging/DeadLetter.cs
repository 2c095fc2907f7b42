using Axle.Api.Platform.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Axle.Api.Platform.Messaging;

public enum DeadLetterStatus
{
    /// <summary>Waiting for someone to fix the cause and replay it.</summary>
    Open,

    /// <summary>A replay applied it.</summary>
    Replayed,

    /// <summary>Someone decided it will never apply.</summary>
    Discarded,
}

/// <summary>
/// Something that could not be applied or delivered and will not be retried on its own: an inbound record a mapping
/// rejected, a permanently failing feed page, an outbound delivery that ran out of retries. It keeps the payload and the
/// reason, so that after a fix (a mapping, a part number) it can be replayed through the same code path.
/// </summary>
public sealed class DeadLetter
{
    public const int SourceMaxLength = 32;
    public const int CodeMaxLength = 64;
    public const int ReasonMaxLength = 1000;
    public const int ReferenceMaxLength = 100;

    /// <summary>Payloads are kept up to this size; longer ones are cut (and flagged by <see cref="PayloadTruncated"/>).</summary>
    public const int PayloadMaxLength = 64 * 1024;

    private DeadLetter()
    {
    }

    public DeadLetter(
        string source, long? supplierId, string reference, long? position, string code, string? field, string reason, string payload,
        DateTime now)
    {
        Id = Guid.CreateVersion7(new DateTimeOffset(now, TimeSpan.Zero));
        Source = source;
        SupplierId = supplierId;
        Reference = Cut(reference, ReferenceMaxLength);
        Position = position;
        Code = Cut(code, CodeMaxLength);
        Field = field is null ? null : Cut(field, CodeMaxLength);
        Reason = Cut(reason, ReasonMaxLength);
        PayloadTruncated = payload.Length > PayloadMaxLength;
        Payload = Cut(payload, PayloadMaxLength);
        CreatedAt = now;
        Status = DeadLetterStatus.Open;
    }

    public Guid Id { get; private set; }

    /// <summary>Where it came from and so which code replays it, e.g. <c>supplier_push</c>, <c>supplier_pull</c>.</summary>
    public string Source { get; private set; } = "";
    public long? SupplierId { get; private set; }

    /// <summary>What it belonged to: an inbox message id, a sync run id, a delivery id.</summary>
    public string Reference { get; private set; } = "";

    /// <summary>Where in that thing: the event's index in a push, the record's line or index in a feed.</summary>
    public long? Position { get; private set; }
    public string Code { get; private set; } = "";
    public string? Field { get; private set; }
    public string Reason { get; private set; } = "";
    public string Payload { get; private set; } = "";
    public bool PayloadTruncated { get; private set; }
    public DateTime CreatedAt { get; private set; }
    public DeadLetterStatus Status { get; private set; }
    public int ReplayCount { get; private set; }
    public DateTime? LastReplayAt { get; private set; }
    public string? LastReplayOutcome { get; private set; }

    /// <summary>A reason or replay outcome cut to what the column holds.</summary>
    public static string FitReason(string text) => Cut(text, ReasonMaxLength);

    public void Discard(DateTime now)
    {
        Status = DeadLetterStatus.Discarded;
        LastReplayAt = now;
    }

    /// <summary>
    /// Closes the open dead letters of <paramref name="reference"/> (from <paramref name="source"/>) as replayed, counting the
    /// replay: the thing they stood for was sent again from its own endpoint (a delivery replay, a supplier order retry).
    /// </summary>
    public static Task<int> CloseReplayedAsync(
        AppDbContext db, string source, string reference, string outcome, DateTime now, CancellationToken ct) =>
        db.Set<DeadLetter>()
            .Where(d => d.Source == source && d.Reference == reference && d.Status == DeadLetterStatus.Open)
            .ExecuteUpdateAsync(s => s
                .SetProperty(d => d.Status, DeadLetterStatus.Replayed)
                .SetProperty(d => d.ReplayCount, d => d.ReplayCount + 1)
                .SetProperty(d => d.LastReplayAt, now)
                .SetProperty(d => d.LastReplayOutcome, DeadLetter.FitReason(outcome)), ct);

    private static string Cut(string text, int max) => text.Length <= max ? text : text[..max];
}

internal sealed class DeadLetterConfiguration : IEntityTypeConfiguration<DeadLetter>
{
    public void Configure(EntityTypeBuilder<DeadLetter> b)
    {
        b.ToTable("dead_letters");
        b.HasKey(d => d.Id);
        b.Property(d => d.Id).ValueGeneratedNever();
        b.Property(d => d.Source).HasMaxLength(DeadLetter.SourceMaxLength).IsRequired();
        b.Property(d => d.Reference).HasMaxLength(DeadLetter.ReferenceMaxLength).IsRequired();
        b.Property(d => d.Code).HasMaxLength(DeadLetter.CodeMaxLength).IsRequired();
        b.Property(d => d.Field).HasMaxLength(DeadLetter.CodeMaxLength);
        b.Property(d => d.Reason).HasMaxLength(DeadLetter.ReasonMaxLength).IsRequired();
        b.Property(d => d.Payload).IsRequired();
        b.Property(d => d.Status).HasConversion<string>().HasMaxLength(16);
        b.Property(d => d.LastReplayOutcome).HasMaxLength(DeadLetter.ReasonMaxLength);
        // The list is newest first, filtered by status, source, supplier or code.
        b.HasIndex(d => new { d.Status, d.CreatedAt });
        b.HasIndex(d => new { d.SupplierId, d.CreatedAt });
        b.HasIndex(d => new { d.Source, d.CreatedAt });
    }
}
