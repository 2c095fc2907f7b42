using Axle.Api.Features.Orders;

namespace Axle.Api.Features.Returns;

/// <summary><c>RMA-</c> and 8 Crockford base-32 characters in two groups (<c>RMA-7K3Q-9D2M</c>), like order numbers.</summary>
public static class ReturnNumbers
{
    public static string Next() => OrderNumbers.Next("RMA");
}
