using System.Text;
using Axle.Api.Platform.Http;

namespace Axle.UnitTests.Orders;

public sealed class StripeSignatureTests
{
    private const string Secret = "whsec_test_secret";
    private static readonly byte[] Payload = Encoding.UTF8.GetBytes("""{"id":"evt_1","type":"payment_intent.succeeded"}""");
    private static readonly DateTimeOffset Now = DateTimeOffset.FromUnixTimeSeconds(1_700_000_000);
    private static readonly TimeSpan Tolerance = TimeSpan.FromMinutes(5);

    [Fact]
    public void A_signature_over_timestamp_dot_body_keyed_with_the_whole_secret_is_valid()
    {
        // HMAC-SHA256("whsec_test_secret", "1700000000." + payload), lowercase hex, computed independently.
        using var hmac = new System.Security.Cryptography.HMACSHA256(Encoding.UTF8.GetBytes(Secret));
        var expected = Convert.ToHexStringLower(hmac.ComputeHash([.. Encoding.UTF8.GetBytes("1700000000."), .. Payload]));

        Assert.Equal($"t=1700000000,v1={expected}", StripeSignature.Sign(Secret, 1_700_000_000, Payload));
        Assert.Equal(SignatureCheck.Valid, StripeSignature.Verify($"t=1700000000,v1={expected}", Payload, Secret, Now, Tolerance));
    }

    [Fact]
    public void Any_matching_v1_among_several_is_enough_and_other_schemes_are_ignored()
    {
        var good = StripeSignature.Sign(Secret, 1_700_000_000, Payload).Split(',')[1];
        var other = StripeSignature.Sign("whsec_other", 1_700_000_000, Payload).Split(',')[1];

        Assert.Equal(SignatureCheck.Valid, StripeSignature.Verify($"t=1700000000,{other},v0=abc,{good}", Payload, Secret, Now, Tolerance));
        Assert.Equal(SignatureCheck.Mismatch, StripeSignature.Verify($"t=1700000000,{other}", Payload, Secret, Now, Tolerance));
    }

    [Theory]
    [InlineData(-301, SignatureCheck.Stale)]
    [InlineData(301, SignatureCheck.Stale)]
    [InlineData(-299, SignatureCheck.Valid)]
    [InlineData(299, SignatureCheck.Valid)]
    public void Timestamps_outside_the_tolerance_are_stale_even_with_a_good_mac(int offsetSeconds, SignatureCheck expected)
    {
        var signedAt = Now.ToUnixTimeSeconds() + offsetSeconds;

        Assert.Equal(expected, StripeSignature.Verify(StripeSignature.Sign(Secret, signedAt, Payload), Payload, Secret, Now, Tolerance));
    }

    [Fact]
    public void A_changed_body_or_secret_does_not_verify()
    {
        var header = StripeSignature.Sign(Secret, Now.ToUnixTimeSeconds(), Payload);

        Assert.Equal(SignatureCheck.Mismatch, StripeSignature.Verify(header, [.. Payload, (byte)' '], Secret, Now, Tolerance));
        Assert.Equal(SignatureCheck.Mismatch, StripeSignature.Verify(header, Payload, Secret + "x", Now, Tolerance));
    }

    [Theory]
    [InlineData(null, SignatureCheck.Missing)]
    [InlineData("", SignatureCheck.Missing)]
    [InlineData("t=1700000000", SignatureCheck.Malformed)]
    [InlineData("v1=00", SignatureCheck.Malformed)]
    [InlineData("t=abc,v1=0000000000000000000000000000000000000000000000000000000000000000", SignatureCheck.Malformed)]
    [InlineData("t=1700000000,v1=zz00000000000000000000000000000000000000000000000000000000000000", SignatureCheck.Malformed)]
    [InlineData("garbage", SignatureCheck.Malformed)]
    [InlineData("t=1700000000,v1=0000000000000000000000000000000000000000000000000000000000000000", SignatureCheck.Mismatch)]
    public void Malformed_and_missing_headers_are_refused(string? header, SignatureCheck expected)
    {
        Assert.Equal(expected, StripeSignature.Verify(header, Payload, Secret, Now, Tolerance));
    }
}
