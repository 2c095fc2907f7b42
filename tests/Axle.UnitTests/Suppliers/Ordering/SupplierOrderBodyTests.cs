using System.Text.Json;
using Axle.Api.Features.Suppliers.Ordering;

namespace Axle.UnitTests.Suppliers.Ordering;

public sealed class SupplierOrderBodyTests
{
    private static readonly string ShipTo = SupplierOrderBody.ShipTo(
        new SupplierOrderBody.Address("Ada Driver", "1 Main St", null, "Springfield", "CA", "90210", "US", "+1 555 0100"));

    [Fact]
    public void The_body_names_reference_kind_lines_and_ship_to()
    {
        var body = SupplierOrderBody.Build("AX-1-DC", SupplierOrderKind.DropShip, [new("SP-2", 1), new("SP-1", 3)], ShipTo);

        using var json = JsonDocument.Parse(body);
        var root = json.RootElement;
        Assert.Equal("AX-1-DC", root.GetProperty("reference").GetString());
        Assert.Equal("drop_ship", root.GetProperty("kind").GetString());
        var lines = root.GetProperty("lines").EnumerateArray().Select(l => (l.GetProperty("partNo").GetString(), l.GetProperty("quantity").GetInt32()));
        Assert.Equal([("SP-1", 3), ("SP-2", 1)], lines);
        var shipTo = root.GetProperty("shipTo");
        Assert.Equal("Ada Driver", shipTo.GetProperty("name").GetString());
        Assert.Equal("90210", shipTo.GetProperty("postalCode").GetString());
        Assert.False(shipTo.TryGetProperty("line2", out _));
    }

    [Fact]
    public void The_same_order_gives_the_same_bytes_whatever_the_line_order()
    {
        var a = SupplierOrderBody.Build("PO-1", SupplierOrderKind.PurchaseOrder, [new("B", 1), new("A", 2)], ShipTo);
        var b = SupplierOrderBody.Build("PO-1", SupplierOrderKind.PurchaseOrder, [new("A", 2), new("B", 1)], ShipTo);

        Assert.Equal(a, b);
        Assert.Equal("purchase_order", JsonDocument.Parse(a).RootElement.GetProperty("kind").GetString());
    }

    [Fact]
    public void Without_a_ship_to_it_is_null()
    {
        var body = SupplierOrderBody.Build("PO-2", SupplierOrderKind.PurchaseOrder, [new("A", 1)], null);

        Assert.Equal(JsonValueKind.Null, JsonDocument.Parse(body).RootElement.GetProperty("shipTo").ValueKind);
    }

    [Fact]
    public void An_order_refuses_lines_without_units_and_merges_repeated_parts()
    {
        var order = SupplierOrder.ForPurchaseOrder(Guid.NewGuid(), 1, Guid.NewGuid(), 2, ShipTo, DateTime.UtcNow);

        order.AddLine(10, "A", 2);
        order.AddLine(10, "A", 3);

        Assert.Equal(5, Assert.Single(order.Lines).Quantity);
        Assert.Throws<InvalidOperationException>(() => order.AddLine(11, "B", 0));
        Assert.StartsWith("axle-so-", order.IdempotencyKey);
        Assert.Throws<InvalidOperationException>(() => order.Requeue(DateTime.UtcNow));
    }
}
