using Axle.Api.Platform.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Axle.Api.Features.Identity;

/// <summary>
/// Failed sign-ins per normalized email, whether or not such a user exists, so an unknown email locks exactly like a
/// real one and lockout reveals nothing about who is registered.
/// </summary>
internal sealed class LoginThrottle
{
    private LoginThrottle()
    {
    }

    public LoginThrottle(string normalizedEmail, DateTime now)
    {
        NormalizedEmail = normalizedEmail;
        FailureCount = 1;
        WindowStartedAt = now;
    }

    public string NormalizedEmail { get; private set; } = "";
    public int FailureCount { get; private set; }
    public DateTime WindowStartedAt { get; private set; }
    public DateTime? LockedUntil { get; private set; }

    public bool IsLocked(DateTime now) => LockedUntil > now;
}

/// <summary>
/// Counting is done with conditional UPDATEs rather than read-modify-write, so parallel guesses cannot lose increments.
/// </summary>
internal static class LoginThrottling
{
    /// <summary>Counts one failure; returns true when this failure locked the account.</summary>
    public static async Task<bool> RecordFailureAsync(
        AppDbContext db, string key, DateTime now, IdentityOptions options, CancellationToken ct)
    {
        var throttles = db.Set<LoginThrottle>();
        var windowFloor = now - TimeSpan.FromMinutes(options.FailureWindowMinutes);
        for (var attempt = 0; ; attempt++)
        {
            var counted = await throttles
                .Where(t => t.NormalizedEmail == key && t.WindowStartedAt > windowFloor)
                .ExecuteUpdateAsync(s => s.SetProperty(t => t.FailureCount, t => t.FailureCount + 1), ct);
            if (counted == 0)
            {
                counted = await throttles
                    .Where(t => t.NormalizedEmail == key && t.WindowStartedAt <= windowFloor)
                    .ExecuteUpdateAsync(s => s.SetProperty(t => t.FailureCount, 1).SetProperty(t => t.WindowStartedAt, now), ct);
            }

            if (counted > 0 || await TryInsertAsync(db, key, now, ct) || attempt > 0)
            {
                break;
            }
        }

        var lockedUntil = now + TimeSpan.FromMinutes(options.LockoutMinutes);
        var locked = await throttles
            .Where(t => t.NormalizedEmail == key && t.FailureCount >= options.MaxFailedAttempts)
            .ExecuteUpdateAsync(s => s
                .SetProperty(t => t.LockedUntil, lockedUntil)
                .SetProperty(t => t.FailureCount, 0)
                .SetProperty(t => t.WindowStartedAt, now), ct);
        return locked > 0;
    }

    public static Task ResetAsync(AppDbContext db, string key, CancellationToken ct) =>
        db.Set<LoginThrottle>().Where(t => t.NormalizedEmail == key).ExecuteDeleteAsync(ct);

    private static async Task<bool> TryInsertAsync(AppDbContext db, string key, DateTime now, CancellationToken ct)
    {
        var entry = db.Add(new LoginThrottle(key, now));
        try
        {
            await db.SaveChangesAsync(ct);
            return true;
        }
        catch (DbUpdateException)
        {
            // A parallel request inserted the row first; count on it instead.
            return false;
        }
        finally
        {
            entry.State = EntityState.Detached;
        }
    }
}

internal sealed class LoginThrottleConfiguration : IEntityTypeConfiguration<LoginThrottle>
{
    public void Configure(EntityTypeBuilder<LoginThrottle> b)
    {
        b.ToTable("login_throttles");
        b.HasKey(t => t.NormalizedEmail);
        b.Property(t => t.NormalizedEmail).HasMaxLength(User.EmailMaxLength);
        b.HasIndex(t => t.WindowStartedAt);
    }
}
