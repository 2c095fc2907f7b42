using Axle.Api.Platform.Data;
using Axle.Api.Platform.Hosting;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Axle.Api.Features.Identity;

/// <summary>
/// Keeps the sign-in tables small: deletes refresh tokens past their expiry (a replay of one is refused as expired
/// either way) and login-throttle rows whose failure window and lockout are both over.
/// </summary>
internal sealed class IdentityCleanupWorker(
    IServiceScopeFactory scopes, IOptions<WorkersOptions> workers, TimeProvider time, ILogger<IdentityCleanupWorker> logger)
    : PeriodicWorker(scopes, workers, time, logger)
{
    protected override TimeSpan Interval => TimeSpan.FromHours(1);

    protected override async Task<int> RunAsync(IServiceProvider services, CancellationToken ct)
    {
        var now = services.GetRequiredService<TimeProvider>().GetUtcNow().UtcDateTime;
        var options = services.GetRequiredService<IOptions<IdentityOptions>>().Value;
        var db = services.GetRequiredService<AppDbContext>();
        var windowStart = now.AddMinutes(-options.FailureWindowMinutes);

        var tokens = await db.Set<RefreshToken>().Where(t => t.ExpiresAt < now).ExecuteDeleteAsync(ct);
        var throttles = await db.Set<LoginThrottle>()
            .Where(t => t.WindowStartedAt < windowStart && (t.LockedUntil == null || t.LockedUntil < now))
            .ExecuteDeleteAsync(ct);
        return tokens + throttles;
    }
}
