using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Axle.Api.Features.Audit;

public enum AuditOutcome
{
    Success,
    Failure,
    Denied,
}

/// <summary>
/// One row of the append-only audit log: who did what to which target, from where, and how it ended.
/// Rows are inserted in the same transaction as the change they describe and never updated by application code,
/// except that the chaining worker fills <see cref="ChainSequence"/>, <see cref="PreviousHash"/> and <see cref="Hash"/> once.
/// </summary>
public sealed class AuditEntry
{
    private AuditEntry()
    {
    }

    public AuditEntry(
        DateTime occurredAt, string actorType, string? actorId, string action, string? target,
        string? ip, AuditOutcome outcome, string? details, string? traceId)
    {
        OccurredAt = occurredAt;
        ActorType = actorType;
        ActorId = actorId;
        Action = action;
        Target = target;
        Ip = ip;
        Outcome = outcome;
        Details = details;
        TraceId = traceId;
    }

    public long Id { get; private set; }
    public DateTime OccurredAt { get; private set; }

    /// <summary><c>user</c>, <c>client</c>, <c>system</c> or <c>anonymous</c>.</summary>
    public string ActorType { get; private set; } = "";
    public string? ActorId { get; private set; }

    /// <summary>Dotted verb, e.g. <c>auth.login</c>, <c>admin.roles_assigned</c>, <c>inventory.adjusted</c>.</summary>
    public string Action { get; private set; } = "";
    public string? Target { get; private set; }
    public string? Ip { get; private set; }
    public AuditOutcome Outcome { get; private set; }

    /// <summary>Small JSON object with action-specific facts. Never secrets, passwords or tokens.</summary>
    public string? Details { get; private set; }
    public string? TraceId { get; private set; }

    /// <summary>Position in the hash chain; null until the chaining worker has linked the row.</summary>
    public long? ChainSequence { get; private set; }
    public string? PreviousHash { get; private set; }
    public string? Hash { get; private set; }

    public void Link(long sequence, string previousHash, string hash)
    {
        if (ChainSequence is not null)
        {
            throw new InvalidOperationException("An audit entry is linked into the chain only once.");
        }

        ChainSequence = sequence;
        PreviousHash = previousHash;
        Hash = hash;
    }
}

internal sealed class AuditEntryConfiguration : IEntityTypeConfiguration<AuditEntry>
{
    public void Configure(EntityTypeBuilder<AuditEntry> b)
    {
        b.ToTable("audit_log");
        b.HasKey(e => e.Id);
        b.Property(e => e.ActorType).HasMaxLength(16).IsRequired();
        b.Property(e => e.ActorId).HasMaxLength(128);
        b.Property(e => e.Action).HasMaxLength(64).IsRequired();
        b.Property(e => e.Target).HasMaxLength(256);
        b.Property(e => e.Ip).HasMaxLength(64);
        b.Property(e => e.Outcome).HasConversion<string>().HasMaxLength(16);
        b.Property(e => e.Details).HasMaxLength(4000);
        b.Property(e => e.TraceId).HasMaxLength(64);
        b.Property(e => e.PreviousHash).HasMaxLength(64);
        b.Property(e => e.Hash).HasMaxLength(64);
        b.HasIndex(e => e.ChainSequence).IsUnique();
        b.HasIndex(e => new { e.OccurredAt, e.Id });
    }
}
