using System.ComponentModel.DataAnnotations;

namespace Axle.Api.Features.Carts;

public sealed class CartOptions
{
    public const string Section = "Carts";
    public const int MaxLinesCeiling = 500;
    public const int MaxAlternativesCeiling = 20;

    /// <summary>Distinct parts one cart may hold (API6: a cart is not a place to park the catalog).</summary>
    [Range(1, MaxLinesCeiling)]
    public int MaxLines { get; set; } = 50;

    /// <summary>In-stock alternatives offered for a part that is short, best stocked first.</summary>
    [Range(0, MaxAlternativesCeiling)]
    public int MaxAlternatives { get; set; } = 5;

    /// <summary>How often an add without If-Match re-reads the cart after losing a race with another write.</summary>
    [Range(1, 10)]
    public int MaxWriteAttempts { get; set; } = 5;
}
