using System.Net;
using System.Net.Http.Json;
using Axle.Api.Features.Identity;
using Axle.Api.Platform.Data;
using Axle.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Axle.Tests.Identity;

public sealed class CleanupTests(AxleFactory factory) : IClassFixture<AxleFactory>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Cleanup_deletes_expired_refresh_tokens_and_finished_throttles_only()
    {
        var anonymous = factory.CreateClient();
        var expiring = await anonymous.RegisterAsync(IdentityTestExtensions.UniqueEmail("old"));
        var current = await anonymous.RegisterAsync(IdentityTestExtensions.UniqueEmail("new"));
        await anonymous.LoginAsync(expiring);
        var live = await anonymous.LoginAsync(current);
        var failed = await anonymous.PostAsJsonAsync("/api/v1/auth/login", new { email = expiring.Email, password = "wrong-password-123" }, Ct);
        Assert.Equal(HttpStatusCode.Unauthorized, failed.StatusCode);
        var fresh = await anonymous.PostAsJsonAsync("/api/v1/auth/login", new { email = current.Email, password = "wrong-password-123" }, Ct);
        Assert.Equal(HttpStatusCode.Unauthorized, fresh.StatusCode);

        await using (var scope = factory.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
            var past = DateTime.UtcNow.AddDays(-2);
            await db.Set<RefreshToken>().Where(t => t.UserId == expiring.Id).ExecuteUpdateAsync(s => s.SetProperty(t => t.ExpiresAt, past), Ct);
            var oldEmail = expiring.Email.ToUpperInvariant();
            await db.Set<LoginThrottle>().Where(t => t.NormalizedEmail == oldEmail)
                .ExecuteUpdateAsync(s => s.SetProperty(t => t.WindowStartedAt, past), Ct);
        }

        var removed = await factory.Services.GetRequiredService<IdentityCleanupWorker>().RunOnceAsync(Ct);

        await using var check = factory.Services.CreateAsyncScope();
        var after = check.ServiceProvider.GetRequiredService<AppDbContext>();
        Assert.True(removed >= 2);
        Assert.False(await after.Set<RefreshToken>().AnyAsync(t => t.UserId == expiring.Id, Ct));
        Assert.True(await after.Set<RefreshToken>().AnyAsync(t => t.UserId == current.Id, Ct));
        var currentEmail = current.Email.ToUpperInvariant();
        Assert.True(await after.Set<LoginThrottle>().AnyAsync(t => t.NormalizedEmail == currentEmail, Ct));
        var refreshed = await anonymous.PostAsJsonAsync("/api/v1/auth/refresh", new { refreshToken = live.RefreshToken }, Ct);
        Assert.Equal(HttpStatusCode.OK, refreshed.StatusCode);
    }
}
