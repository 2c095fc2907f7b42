namespace Axle.Api.Features.Returns;

/// <summary>
/// What a return refunds, in minor units. Part units: their price, less their proportional share of the order's discount,
/// plus their share of its tax (tax was computed once on subtotal − discount). Shares are computed on the <em>cumulative</em>
/// value of part units refunded so far on the order, each rounded half away from zero, and a return gets the difference
/// between the cumulative share after it and before it: partial returns never drift by a cent, and once every part unit is
/// back the refunds add up to exactly subtotal − discount + tax. Core deposits are refunded at their price (never taxed,
/// never discounted). Shipping is not refunded.
/// </summary>
public static class ReturnRefunds
{
    public static long PartsRefund(long subtotal, long discount, long tax, long refundedBefore, long value)
    {
        if (subtotal <= 0 || value <= 0)
        {
            return Math.Max(0, value);
        }

        var after = Math.Min(subtotal, refundedBefore + value);
        return Net(subtotal, discount, tax, after) - Net(subtotal, discount, tax, Math.Min(subtotal, refundedBefore));
    }

    /// <summary>Price less discount share plus tax share of <paramref name="cumulative"/> worth of part units.</summary>
    private static long Net(long subtotal, long discount, long tax, long cumulative) =>
        cumulative - Share(discount, cumulative, subtotal) + Share(tax, cumulative, subtotal);

    private static long Share(long amount, long part, long whole) =>
        (long)Math.Round((decimal)amount * part / whole, MidpointRounding.AwayFromZero);
}
