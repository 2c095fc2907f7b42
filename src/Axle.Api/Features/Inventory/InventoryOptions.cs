using System.ComponentModel.DataAnnotations;

namespace Axle.Api.Features.Inventory;

public sealed class InventoryOptions
{
    public const string Section = "Inventory";

    /// <summary>How long a reservation stays held before the expiry worker releases it.</summary>
    [Range(typeof(TimeSpan), "00:00:10", "7.00:00:00")]
    public TimeSpan ReservationTtl { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>How often the expiry worker looks for held reservations past their expiry.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan ExpiryInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How many times a reservation re-reads stock and allocates again after a conditional update found a level
    /// emptied by a concurrent reservation, before answering insufficient_stock.
    /// </summary>
    [Range(1, 20)]
    public int MaxAllocationAttempts { get; set; } = 4;

    /// <summary><c>most_available</c> (default) or <c>nearest_region</c> (needs the destination's country and region).</summary>
    [AllowedValues(MostAvailableStrategy.StrategyName, NearestRegionStrategy.StrategyName)]
    public string Allocation { get; set; } = MostAvailableStrategy.StrategyName;
}
