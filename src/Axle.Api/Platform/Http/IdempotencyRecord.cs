using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Axle.Api.Platform.Http;

/// <summary>
/// One claimed <c>Idempotency-Key</c>: in flight while <see cref="ResponseStatus"/> is null, finished once the response
/// is stored. The scope (caller, method, route template, key) is unique, which is what makes claiming atomic.
/// Rows are written only by <see cref="IdempotencyFilter"/> and purged by <see cref="IdempotencyPurgeWorker"/>.
/// </summary>
public sealed class IdempotencyRecord
{
    public const int MaxKeyLength = 255;

    private IdempotencyRecord()
    {
    }

    public long Id { get; private set; }

    /// <summary>User id or <c>client:...</c> of the caller that owns the key.</summary>
    public string CallerKey { get; private set; } = "";
    public string Method { get; private set; } = "";

    /// <summary>The route template (<c>/api/v1/orders/{id}/cancel</c>), not the concrete path.</summary>
    public string Route { get; private set; } = "";
    public string Key { get; private set; } = "";

    /// <summary>Lower-case hex SHA-256 of method, path and raw body.</summary>
    public string Fingerprint { get; private set; } = "";

    /// <summary>Changes with every claim, so a request that lost its claim (abandoned, taken over) cannot touch the row.</summary>
    public Guid ClaimToken { get; private set; }
    public DateTime ClaimedAt { get; private set; }
    public DateTime ExpiresAt { get; private set; }
    public DateTime? CompletedAt { get; private set; }

    public int? ResponseStatus { get; private set; }
    public string? ResponseContentType { get; private set; }
    public string? ResponseLocation { get; private set; }
    public string? ResponseETag { get; private set; }
    public byte[]? ResponseBody { get; private set; }
}

/// <summary>What makes two requests "the same request" for idempotency purposes.</summary>
internal sealed record IdempotencyScope(string CallerKey, string Method, string Route, string Key);

internal sealed class IdempotencyRecordConfiguration : IEntityTypeConfiguration<IdempotencyRecord>
{
    public void Configure(EntityTypeBuilder<IdempotencyRecord> b)
    {
        b.ToTable("idempotency_keys");
        b.HasKey(r => r.Id);
        b.Property(r => r.CallerKey).HasMaxLength(200).IsRequired();
        b.Property(r => r.Method).HasMaxLength(16).IsRequired();
        b.Property(r => r.Route).HasMaxLength(400).IsRequired();
        b.Property(r => r.Key).HasMaxLength(IdempotencyRecord.MaxKeyLength).IsRequired();
        b.Property(r => r.Fingerprint).HasMaxLength(64).IsRequired();
        b.Property(r => r.ResponseContentType).HasMaxLength(200);
        b.Property(r => r.ResponseLocation).HasMaxLength(2000);
        b.Property(r => r.ResponseETag).HasMaxLength(200);
        b.HasIndex(r => new { r.CallerKey, r.Method, r.Route, r.Key }).IsUnique();
        b.HasIndex(r => r.ExpiresAt);
    }
}
