using Axle.Api.Platform.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Axle.Api.Platform.Hosting;

/// <summary>
/// A named lease in the database: at most one holder at a time, until it expires. Instances coordinate work that must
/// not run twice at once (one supplier's sync) through it, without depending on any process's memory.
/// </summary>
public sealed class Lease
{
    public const int NameMaxLength = 200;
    public const int OwnerMaxLength = 200;

    private Lease()
    {
    }

    public string Name { get; private set; } = "";
    public string Owner { get; private set; } = "";
    public DateTime AcquiredAt { get; private set; }
    public DateTime ExpiresAt { get; private set; }
}

internal sealed class LeaseConfiguration : IEntityTypeConfiguration<Lease>
{
    public void Configure(EntityTypeBuilder<Lease> b)
    {
        b.ToTable("leases");
        b.HasKey(l => l.Name);
        b.Property(l => l.Name).HasMaxLength(Lease.NameMaxLength);
        b.Property(l => l.Owner).HasMaxLength(Lease.OwnerMaxLength).IsRequired();
    }
}

/// <summary>This process's name as a lease holder: host, process id and a random part (a restarted process is someone else).</summary>
public sealed class InstanceIdentity
{
    public string Id { get; } = Truncate($"{Environment.MachineName}:{Environment.ProcessId}:{Guid.NewGuid():N}", Math.Min(Lease.OwnerMaxLength, 80));

    // Short host names make the id shorter than the cap; a long one is cut from the left so the random part stays.
    private static string Truncate(string id, int max) => id.Length <= max ? id : id[^max..];
}

public static class Leases
{
    // One statement on both databases: take the lease when nobody has it, it ran out, or we already hold it (renewal).
    internal const string AcquireSql = """
        INSERT INTO leases ("Name", "Owner", "AcquiredAt", "ExpiresAt") VALUES ({0}, {1}, {2}, {3})
        ON CONFLICT ("Name") DO UPDATE SET "Owner" = excluded."Owner", "AcquiredAt" = excluded."AcquiredAt", "ExpiresAt" = excluded."ExpiresAt"
        WHERE leases."ExpiresAt" < {2} OR leases."Owner" = {1}
        """;

    /// <summary>Takes or renews the lease for <paramref name="ttl"/>; false when someone else holds it.</summary>
    public static async Task<bool> TryAcquireAsync(
        AppDbContext db, string name, string owner, TimeSpan ttl, DateTime now, CancellationToken ct) =>
        await db.Database.ExecuteSqlRawAsync(AcquireSql, [name, owner, now, now + ttl], ct) == 1;

    /// <summary>Gives the lease up if we hold it.</summary>
    public static Task ReleaseAsync(AppDbContext db, string name, string owner, CancellationToken ct) =>
        db.Set<Lease>().Where(l => l.Name == name && l.Owner == owner).ExecuteDeleteAsync(ct);
}
