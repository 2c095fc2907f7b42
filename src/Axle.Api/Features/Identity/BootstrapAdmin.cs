using Axle.Api.Features.Audit;
using Axle.Api.Platform.Data;
using Axle.Api.Platform.Hosting;
using Axle.Api.Platform.Security;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Axle.Api.Features.Identity;

/// <summary>
/// Creates the first admin from <c>Bootstrap:AdminEmail</c> and <c>Bootstrap:AdminPassword</c> when no admin exists.
/// A configured password that fails the password policy stops start-up: a weak admin password is worse than none.
/// </summary>
internal sealed partial class BootstrapAdmin(
    IOptions<BootstrapOptions> options, PasswordPolicy policy, Passwords passwords, AuditTrail audit, TimeProvider time,
    ILogger<BootstrapAdmin> logger) : IStartupTask
{
    public async Task RunAsync(IServiceProvider services, CancellationToken ct)
    {
        var db = services.GetRequiredService<AppDbContext>();
        if (await db.Set<UserRole>().AnyAsync(r => r.Role == Roles.Admin, ct))
        {
            return;
        }

        var (email, password) = (options.Value.AdminEmail?.Trim(), options.Value.AdminPassword);
        if (string.IsNullOrEmpty(email) || string.IsNullOrEmpty(password))
        {
            LogNoAdmin(logger);
            return;
        }

        if (policy.Check(password, email) is { } weak)
        {
            throw new InvalidOperationException(
                $"Bootstrap:AdminPassword does not meet the password policy: {weak} Set a stronger password and restart.");
        }

        var now = time.GetUtcNow().UtcDateTime;
        var normalized = User.NormalizeEmail(email);
        var user = await db.Set<User>().Include(u => u.Roles).FirstOrDefaultAsync(u => u.NormalizedEmail == normalized, ct);
        if (user is null)
        {
            user = new User(email, "Administrator", now);
            db.Add(user);
        }
        else
        {
            // Someone registered this email before the operator configured it. The configured password wins and the
            // existing sessions end, so whoever registered it cannot ride along into an admin account.
            await db.Set<RefreshToken>().Where(t => t.UserId == user.Id && t.RevokedAt == null)
                .ExecuteUpdateAsync(s => s.SetProperty(t => t.RevokedAt, now), ct);
            LogTakenOver(logger);
        }

        user.SetPasswordHash(passwords.Hash(user, password), now);
        user.ReplaceRoles([.. user.RoleNames, Roles.Admin, Roles.Customer], now);
        audit.Record(db, "admin.bootstrapped", user.Id.ToString(), AuditOutcome.Success, actorType: "system");
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException)
        {
            // Another instance bootstrapped at the same moment; anything else is a real failure.
            if (await db.Set<UserRole>().AsNoTracking().AnyAsync(r => r.Role == Roles.Admin, ct))
            {
                return;
            }

            throw;
        }

        LogCreated(logger, user.Id);
    }

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "No admin exists. Set Bootstrap:AdminEmail and Bootstrap:AdminPassword to create the first one")]
    private static partial void LogNoAdmin(ILogger logger);

    [LoggerMessage(Level = LogLevel.Information, Message = "Bootstrap admin {UserId} created")]
    private static partial void LogCreated(ILogger logger, Guid userId);

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "Bootstrap admin email was already registered; its password was reset and its sessions revoked")]
    private static partial void LogTakenOver(ILogger logger);
}
