using Axle.Api.Features.Inventory;

namespace Axle.UnitTests.Inventory;

public sealed class StockLevelTests
{
    [Theory]
    [InlineData(10, 4, 20, 0)]
    [InlineData(4, 4, 20, 20)]
    [InlineData(1, 4, 20, 23)]
    [InlineData(0, 0, 0, 0)]
    [InlineData(0, 0, 12, 12)]
    public void Suggested_purchase_refills_to_reorder_point_plus_reorder_quantity(int available, int point, int quantity, int expected) =>
        Assert.Equal(expected, StockLevel.SuggestedPurchase(available, point, quantity));

    [Theory]
    [InlineData(1, 4, 20, 3, 20)]
    [InlineData(1, 4, 20, 10, 0)]
    [InlineData(0, 4, 10, 4, 10)]
    public void Units_on_open_purchase_orders_count_against_the_suggestion(int available, int point, int quantity, int onOrder, int expected) =>
        Assert.Equal(expected, StockLevel.SuggestedPurchase(available, point, quantity, onOrder));

    [Theory]
    [InlineData(5, 4, 4, true)]
    [InlineData(5, 2, 4, true)]
    [InlineData(4, 3, 4, false)]
    [InlineData(3, 5, 4, false)]
    [InlineData(6, 5, 4, false)]
    public void Low_stock_is_the_crossing_from_above_the_reorder_point_to_at_or_below(int before, int after, int point, bool crossed) =>
        Assert.Equal(crossed, StockLevel.CrossedReorderPoint(before, after, point));

    [Fact]
    public void Closing_a_reservation_writes_the_matching_movement()
    {
        Assert.Equal((-3, -3, MovementReason.Shipped), Reservation.Closing(ReservationStatus.Committed, 3));
        Assert.Equal((0, -3, MovementReason.Released), Reservation.Closing(ReservationStatus.Released, 3));
        Assert.Equal((0, -3, MovementReason.Expired), Reservation.Closing(ReservationStatus.Expired, 3));
        Assert.Throws<ArgumentOutOfRangeException>(() => Reservation.Closing(ReservationStatus.Held, 3));
    }

    [Theory]
    [InlineData(2, 2, PurchaseOrderStatus.Received)]
    [InlineData(2, 1, PurchaseOrderStatus.PartiallyReceived)]
    [InlineData(2, 0, PurchaseOrderStatus.Open)]
    public void Purchase_order_status_follows_its_lines(int ordered, int received, PurchaseOrderStatus expected) =>
        Assert.Equal(expected, PurchaseOrder.StatusFor([(ordered, received), (3, ordered == received ? 3 : 0)]));
}
