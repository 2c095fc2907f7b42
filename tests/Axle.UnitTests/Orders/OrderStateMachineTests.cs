using Axle.Api.Features.Orders;

namespace Axle.UnitTests.Orders;

public sealed class OrderStateMachineTests
{
    /// <summary>The contract's lifecycle, written out independently of the implementation's table.</summary>
    private static readonly HashSet<(OrderStatus, OrderStatus)> Legal =
    [
        (OrderStatus.PendingPayment, OrderStatus.Paid),
        (OrderStatus.PendingPayment, OrderStatus.Cancelled),
        (OrderStatus.Paid, OrderStatus.Picking),
        (OrderStatus.Paid, OrderStatus.Cancelled),
        (OrderStatus.Picking, OrderStatus.Shipped),
        (OrderStatus.Picking, OrderStatus.Cancelled),
        (OrderStatus.Shipped, OrderStatus.Delivered),
        (OrderStatus.Delivered, OrderStatus.PartiallyReturned),
        (OrderStatus.Delivered, OrderStatus.Returned),
        (OrderStatus.PartiallyReturned, OrderStatus.Returned),
    ];

    public static TheoryData<OrderStatus, OrderStatus> AllPairs()
    {
        var data = new TheoryData<OrderStatus, OrderStatus>();
        foreach (var from in Enum.GetValues<OrderStatus>())
        {
            foreach (var to in Enum.GetValues<OrderStatus>())
            {
                data.Add(from, to);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(AllPairs))]
    public void Every_pair_of_states_is_allowed_exactly_when_the_contract_says_so(OrderStatus from, OrderStatus to)
    {
        Assert.Equal(Legal.Contains((from, to)), OrderStateMachine.CanTransition(from, to));
    }

    [Theory]
    [MemberData(nameof(AllPairs))]
    public void An_order_moves_on_a_legal_step_and_refuses_an_illegal_one_unchanged(OrderStatus from, OrderStatus to)
    {
        var order = OrderIn(from);
        var steps = order.History.Count;

        if (Legal.Contains((from, to)))
        {
            var change = order.TransitionTo(to, "user:test", "why", DateTime.UtcNow);
            Assert.Equal(to, order.Status);
            Assert.Equal(from, change.From);
            Assert.Equal(steps + 1, order.History.Count);
        }
        else
        {
            var e = Assert.Throws<IllegalTransitionException>(() => order.TransitionTo(to, "user:test", null, DateTime.UtcNow));
            Assert.Equal((from, to), (e.From, e.To));
            Assert.Equal(from, order.Status);
            Assert.Equal(steps, order.History.Count);
        }
    }

    [Fact]
    public void Cancelled_and_returned_are_final_and_only_unshipped_orders_cancel()
    {
        Assert.True(OrderStateMachine.IsFinal(OrderStatus.Cancelled));
        Assert.True(OrderStateMachine.IsFinal(OrderStatus.Returned));
        Assert.Equal(
            [OrderStatus.PendingPayment, OrderStatus.Paid, OrderStatus.Picking],
            Enum.GetValues<OrderStatus>().Where(OrderStateMachine.IsCancellable));
    }

    [Fact]
    public void State_names_round_trip_in_snake_case()
    {
        foreach (var status in Enum.GetValues<OrderStatus>())
        {
            Assert.True(OrderStateMachine.TryParse(OrderStateMachine.Name(status), out var parsed));
            Assert.Equal(status, parsed);
        }

        Assert.Equal("pending_payment", OrderStateMachine.Name(OrderStatus.PendingPayment));
        Assert.Equal("partially_returned", OrderStateMachine.Name(OrderStatus.PartiallyReturned));
        Assert.False(OrderStateMachine.TryParse("Paid", out _));
        Assert.False(OrderStateMachine.TryParse(null, out _));
    }

    [Fact]
    public void Order_numbers_are_readable_and_do_not_repeat()
    {
        var numbers = Enumerable.Range(0, 2000).Select(_ => OrderNumbers.Next()).ToList();

        Assert.All(numbers, n => Assert.Matches("^AX-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$", n));
        Assert.Equal(numbers.Count, numbers.Distinct().Count());
    }

    /// <summary>An order walked to <paramref name="status"/> along the shortest legal path.</summary>
    private static Order OrderIn(OrderStatus status)
    {
        var order = new Order(
            Guid.NewGuid(), "AX-TEST-0001", Guid.NewGuid(), "USD", new OrderTotals(100, 0, 5, 0, 0, 105), 5m, "US", "standard",
            new Axle.Api.Features.Identity.Address("A", "B", null, "C", "D", "1", "US", null), null, "user:test", DateTime.UtcNow);
        OrderStatus[] path = status switch
        {
            OrderStatus.PendingPayment => [],
            OrderStatus.Paid => [OrderStatus.Paid],
            OrderStatus.Picking => [OrderStatus.Paid, OrderStatus.Picking],
            OrderStatus.Shipped => [OrderStatus.Paid, OrderStatus.Picking, OrderStatus.Shipped],
            OrderStatus.Delivered => [OrderStatus.Paid, OrderStatus.Picking, OrderStatus.Shipped, OrderStatus.Delivered],
            OrderStatus.PartiallyReturned => [OrderStatus.Paid, OrderStatus.Picking, OrderStatus.Shipped, OrderStatus.Delivered, OrderStatus.PartiallyReturned],
            OrderStatus.Returned => [OrderStatus.Paid, OrderStatus.Picking, OrderStatus.Shipped, OrderStatus.Delivered, OrderStatus.Returned],
            _ => [OrderStatus.Cancelled],
        };
        foreach (var step in path)
        {
            order.TransitionTo(step, "user:test", null, DateTime.UtcNow);
        }

        return order;
    }

    [Fact]
    public void The_history_bound_is_the_longest_path_through_the_table_plus_the_placed_entry_and_the_table_has_no_cycle()
    {
        var longest = new Dictionary<OrderStatus, int>();
        int Longest(OrderStatus from, HashSet<OrderStatus> visiting)
        {
            Assert.True(visiting.Add(from), $"The table has a cycle through {from}: an order could grow its history without end.");
            var steps = OrderStateMachine.Next(from).Select(to => 1 + (longest.TryGetValue(to, out var known) ? known : Longest(to, visiting)))
                .DefaultIfEmpty(0).Max();
            visiting.Remove(from);
            return longest[from] = steps;
        }

        Assert.Equal(OrderStateMachine.MaxHistory, 1 + Longest(OrderStatus.PendingPayment, []));
    }

    [Fact]
    public void An_order_taken_down_the_longest_path_has_exactly_the_bounded_history()
    {
        var order = OrderIn(OrderStatus.PartiallyReturned);
        order.TransitionTo(OrderStatus.Returned, "user:test", null, DateTime.UtcNow);

        Assert.Equal(OrderStateMachine.MaxHistory, order.History.Count);
    }
}
