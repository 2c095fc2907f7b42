using Axle.Api.Features.Returns;

namespace Axle.UnitTests.Returns;

public sealed class ReturnRefundsTests
{
    [Fact]
    public void A_part_return_gets_its_share_of_tax_and_discount()
    {
        // Subtotal 50.00, discount 5.00, tax 5 % of 45.00 = 2.25; returning 20.00 worth: 20.00 − 2.00 + 0.90.
        Assert.Equal(1890, ReturnRefunds.PartsRefund(5000, 500, 225, 0, 2000));
    }

    [Fact]
    public void Partial_returns_add_up_to_exactly_what_was_paid_for_the_parts()
    {
        // Three units of 3.33 with 1.00 tax: per-unit shares would round to 0.33 each and lose a cent.
        var refunds = new[] { ReturnRefunds.PartsRefund(999, 0, 100, 0, 333), ReturnRefunds.PartsRefund(999, 0, 100, 333, 333),
            ReturnRefunds.PartsRefund(999, 0, 100, 666, 333) };
        Assert.Equal(999 + 100, refunds.Sum());
        Assert.All(refunds, r => Assert.InRange(r, 366, 367));
    }

    [Fact]
    public void Nothing_beyond_the_subtotal_is_refunded()
    {
        Assert.Equal(0, ReturnRefunds.PartsRefund(1000, 0, 50, 1000, 500));
    }

    [Theory]
    [InlineData("requested", "approved", true)]
    [InlineData("requested", "rejected", true)]
    [InlineData("approved", "received", true)]
    [InlineData("received", "refunded", true)]
    [InlineData("requested", "received", false)]
    [InlineData("rejected", "approved", false)]
    [InlineData("refunded", "received", false)]
    public void The_return_state_machine_allows_only_its_steps(string from, string to, bool allowed)
    {
        Assert.Equal(allowed, ReturnStateMachine.CanTransition(Enum.Parse<ReturnStatus>(from, true), Enum.Parse<ReturnStatus>(to, true)));
    }
}
