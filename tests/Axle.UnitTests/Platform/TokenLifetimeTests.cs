using Axle.Api.Platform.Security;

namespace Axle.UnitTests.Platform;

/// <summary>The access-token lifetime rule the JWT handler applies on the app's clock.</summary>
public sealed class TokenLifetimeTests
{
    private static readonly DateTime Nbf = new(2026, 1, 1, 12, 0, 0, DateTimeKind.Utc);
    private static readonly DateTime Exp = Nbf.AddMinutes(15);
    private static readonly TimeSpan Skew = TimeSpan.FromSeconds(30);

    [Theory]
    [InlineData(-31, false)]
    [InlineData(-30, true)]
    [InlineData(0, true)]
    [InlineData(15 * 60, true)]
    [InlineData(15 * 60 + 30, true)]
    [InlineData(15 * 60 + 31, false)]
    public void A_token_is_live_from_nbf_to_exp_widened_by_the_skew(int secondsAfterNbf, bool live) =>
        Assert.Equal(live, SecuritySetup.WithinLifetime(Nbf.AddSeconds(secondsAfterNbf), Nbf, Exp, Skew));

    [Fact]
    public void A_token_without_an_expiry_is_never_live() =>
        Assert.False(SecuritySetup.WithinLifetime(Nbf, Nbf, null, Skew));

    [Fact]
    public void A_token_without_nbf_is_live_until_it_expires()
    {
        Assert.True(SecuritySetup.WithinLifetime(Nbf, null, Exp, Skew));
        Assert.False(SecuritySetup.WithinLifetime(Exp.AddMinutes(1), null, Exp, Skew));
    }
}
