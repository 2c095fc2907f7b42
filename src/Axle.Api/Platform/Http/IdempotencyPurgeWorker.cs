using Axle.Api.Platform.Data;
using Axle.Api.Platform.Hosting;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Axle.Api.Platform.Http;

/// <summary>Deletes idempotency keys past their 24-hour retention. Expired rows are already ignored; this keeps the table small.</summary>
internal sealed class IdempotencyPurgeWorker(
    IServiceScopeFactory scopes, IOptions<WorkersOptions> workers, TimeProvider time, ILogger<IdempotencyPurgeWorker> logger)
    : PeriodicWorker(scopes, workers, time, logger)
{
    protected override TimeSpan Interval => TimeSpan.FromMinutes(15);

    protected override Task<int> RunAsync(IServiceProvider services, CancellationToken ct)
    {
        var now = services.GetRequiredService<TimeProvider>().GetUtcNow().UtcDateTime;
        return services.GetRequiredService<AppDbContext>().Set<IdempotencyRecord>()
            .Where(r => r.ExpiresAt <= now)
            .ExecuteDeleteAsync(ct);
    }
}
