using System.ComponentModel.DataAnnotations;
using Axle.Api.Features.Identity;
using Axle.Api.Features.Payments;
using Axle.Api.Features.Pricing;

namespace Axle.Api.Features.Orders;

public sealed record OrderItemResponse(
    Guid Id, string Kind, long PartId, string Sku, string PartNumber, string Name, int Quantity, Money UnitPrice, Money LineTotal,
    bool Hazmat, string Fit, bool FitAcknowledged, Guid? CoreForItemId);

public sealed record OrderTotalsResponse(Money Subtotal, Money Discount, Money Tax, Money Shipping, Money CoreCharges, Money Total);

public sealed record OrderPaymentResponse(string Method, string Gateway, string Status, Money Amount, Money Refunded, string? FailureCode);

public sealed record OrderResponse(
    Guid Id, string Number, Guid UserId, string Status, string Currency,
    [property: MaxLength(OrderResponse.MaxItems)] IReadOnlyList<OrderItemResponse> Items,
    OrderTotalsResponse Totals, decimal TaxRatePercent, string? TaxJurisdiction, string ShippingMethod, AddressDto ShippingAddress,
    string? PromotionCode, OrderPaymentResponse? Payment, bool NeedsAttention, string? AttentionNote, DateTime CreatedAt,
    DateTime UpdatedAt, DateTime? PaidAt)
{
    /// <summary>A part line per cart line at most, and a core-charge line beside each.</summary>
    public const int MaxItems = 2 * Carts.CartOptions.MaxLinesCeiling;

    internal static OrderResponse From(Order order, Payment? payment)
    {
        var c = order.Currency;
        return new OrderResponse(
            order.Id,
            order.Number,
            order.UserId,
            OrderStateMachine.Name(order.Status),
            c,
            [.. order.Items.OrderBy(i => i.Kind).ThenBy(i => i.Id).Select(i => new OrderItemResponse(
                i.Id, i.Kind == OrderItemKind.Part ? "part" : "core_charge", i.PartId, i.Sku, i.PartNumber, i.Name, i.Quantity,
                Money.FromMinor(i.UnitPriceMinor, c), Money.FromMinor(i.LineTotalMinor, c), i.Hazmat, i.Fit, i.FitAcknowledged,
                i.CoreForItemId))],
            new OrderTotalsResponse(
                Money.FromMinor(order.SubtotalMinor, c), Money.FromMinor(order.DiscountMinor, c), Money.FromMinor(order.TaxMinor, c),
                Money.FromMinor(order.ShippingMinor, c), Money.FromMinor(order.CoreChargesMinor, c), Money.FromMinor(order.TotalMinor, c)),
            order.TaxRatePercent,
            order.TaxJurisdiction,
            order.ShippingMethod,
            AddressDto.From(order.ShippingAddress)!,
            order.PromotionCode,
            payment is null ? null : new OrderPaymentResponse(
                payment.Method, payment.Gateway, PaymentStatusName(payment.Status), Money.FromMinor(payment.AmountMinor, payment.Currency),
                Money.FromMinor(payment.RefundedMinor, payment.Currency), payment.FailureCode),
            order.NeedsAttention,
            order.AttentionNote,
            order.CreatedAt,
            order.UpdatedAt,
            order.PaidAt);
    }

    public static string PaymentStatusName(PaymentStatus status) => status switch
    {
        PaymentStatus.PartiallyRefunded => "partially_refunded",
        _ => status.ToString().ToLowerInvariant(),
    };
}
