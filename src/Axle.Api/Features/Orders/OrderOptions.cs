using System.ComponentModel.DataAnnotations;

namespace Axle.Api.Features.Orders;

public sealed class OrderOptions
{
    public const string Section = "Orders";

    /// <summary>An order still pending payment this long after it was placed is looked up at the gateway by the reconciliation.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan PaymentCheckAfter { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>
    /// Without a final answer from the gateway by then (or once its stock hold has lapsed), the order is cancelled and the
    /// authorization voided. Keep it no longer than <c>Inventory:ReservationTtl</c>.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:10", "7.00:00:00")]
    public TimeSpan PaymentTimeout { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>
    /// Orders one customer may have waiting for payment at once. Each holds its stock until it settles or times out, so
    /// without a cap a script could keep a scarce part reserved with checkouts that never pay (OWASP API6).
    /// </summary>
    [Range(1, 1000)]
    public int MaxPendingPerCustomer { get; set; } = 3;

    /// <summary>How often the pending-payment reconciliation and the refund retries run.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan ReconcileInterval { get; set; } = TimeSpan.FromMinutes(1);
}
