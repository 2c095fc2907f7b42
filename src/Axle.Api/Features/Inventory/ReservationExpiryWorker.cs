using Axle.Api.Platform.Hosting;
using Microsoft.Extensions.Options;

namespace Axle.Api.Features.Inventory;

/// <summary>Releases held reservations past their expiry (<c>Inventory:ReservationTtl</c>), so abandoned checkouts free their stock.</summary>
internal sealed class ReservationExpiryWorker(
    IServiceScopeFactory scopes, IOptions<WorkersOptions> workers, IOptions<InventoryOptions> options, TimeProvider time,
    ILogger<ReservationExpiryWorker> logger)
    : PeriodicWorker(scopes, workers, time, logger)
{
    public const int BatchSize = 200;

    protected override TimeSpan Interval => options.Value.ExpiryInterval;

    protected override Task<int> RunAsync(IServiceProvider services, CancellationToken ct) =>
        services.GetRequiredService<InventoryReservations>().ExpireDueAsync(BatchSize, ct);
}
