using System.Text;
using Axle.Api.Platform.Http;

namespace Axle.UnitTests.Platform;

/// <summary>Standard Webhooks v1 verification (STANDARDS.md §1.1), with the reference test vector.</summary>
public sealed class StandardWebhookSignatureTests
{
    private const string Secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    private const string Id = "msg_p5jXN8AQM9LWM0D4loKWxJek";
    private const string Timestamp = "1614265330";
    private const string Expected = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";

    private static readonly byte[] Body = Encoding.UTF8.GetBytes("{\"test\": 2432232314}");
    private static readonly DateTimeOffset SignedAt = DateTimeOffset.FromUnixTimeSeconds(1614265330);
    private static readonly TimeSpan Tolerance = TimeSpan.FromMinutes(5);

    private static SignatureCheck Verify(
        string? signature = Expected, string? id = Id, string? timestamp = Timestamp, byte[]? body = null, string[]? secrets = null,
        DateTimeOffset? now = null) =>
        StandardWebhookSignature.Verify(id, timestamp, signature, body ?? Body, secrets ?? [Secret], now ?? SignedAt, Tolerance);

    [Fact]
    public void Signing_the_reference_vector_gives_the_reference_signature() =>
        Assert.Equal(Expected, StandardWebhookSignature.Sign(Secret, Id, 1614265330, Body));

    [Fact]
    public void The_reference_vector_verifies() => Assert.Equal(SignatureCheck.Valid, Verify());

    [Fact]
    public void A_secret_without_the_whsec_prefix_is_the_same_key() =>
        Assert.Equal(SignatureCheck.Valid, Verify(secrets: ["MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"]));

    [Fact]
    public void A_changed_body_id_or_timestamp_does_not_verify()
    {
        Assert.Equal(SignatureCheck.Mismatch, Verify(body: Encoding.UTF8.GetBytes("{\"test\":2432232314}")));
        Assert.Equal(SignatureCheck.Mismatch, Verify(id: "msg_other"));
        Assert.Equal(SignatureCheck.Mismatch, Verify(timestamp: "1614265331"));
    }

    [Fact]
    public void Another_secret_does_not_verify() =>
        Assert.Equal(SignatureCheck.Mismatch, Verify(secrets: ["whsec_" + Convert.ToBase64String(new byte[32])]));

    [Theory]
    [InlineData(-301)]
    [InlineData(301)]
    public void A_timestamp_more_than_five_minutes_away_is_stale(int offsetSeconds) =>
        Assert.Equal(SignatureCheck.Stale, Verify(now: SignedAt.AddSeconds(-offsetSeconds)));

    [Theory]
    [InlineData(-300)]
    [InlineData(300)]
    public void A_timestamp_at_the_tolerance_edge_is_accepted(int offsetSeconds) =>
        Assert.Equal(SignatureCheck.Valid, Verify(now: SignedAt.AddSeconds(offsetSeconds)));

    [Fact]
    public void Any_matching_entry_among_several_accepts()
    {
        var other = "v1," + Convert.ToBase64String(new byte[32]);
        Assert.Equal(SignatureCheck.Valid, Verify($"{other} {Expected}"));
        Assert.Equal(SignatureCheck.Valid, Verify($"{Expected} {other}"));
        Assert.Equal(SignatureCheck.Mismatch, Verify($"{other} {other}"));
    }

    [Fact]
    public void Other_versions_are_skipped() =>
        Assert.Equal(SignatureCheck.Valid, Verify("v1a,c29tZXRoaW5nIGVsc2U= " + Expected));

    [Fact]
    public void Any_of_several_secrets_accepts_during_rotation() =>
        Assert.Equal(SignatureCheck.Valid, Verify(secrets: ["whsec_" + Convert.ToBase64String(new byte[32]), Secret]));

    [Theory]
    [InlineData(null, Id, Timestamp)]
    [InlineData(Expected, null, Timestamp)]
    [InlineData(Expected, Id, null)]
    [InlineData("", Id, Timestamp)]
    [InlineData(Expected, "", Timestamp)]
    [InlineData(Expected, Id, "")]
    public void A_missing_header_is_refused(string? signature, string? id, string? timestamp) =>
        Assert.Equal(SignatureCheck.Missing, Verify(signature, id, timestamp));

    [Theory]
    [InlineData(Expected, Id, "16142653.30")]
    [InlineData(Expected, Id, "-1614265330")]
    [InlineData(Expected, Id, "soon")]
    [InlineData(Expected, "msg.with.dots", Timestamp)]
    [InlineData("g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=", Id, Timestamp)]
    [InlineData("v1,not-base64!", Id, Timestamp)]
    [InlineData("v1,c2hvcnQ=", Id, Timestamp)]
    [InlineData("v1a,c29tZXRoaW5nIGVsc2U=", Id, Timestamp)]
    [InlineData(",g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=", Id, Timestamp)]
    public void A_malformed_header_is_refused(string signature, string id, string timestamp) =>
        Assert.Equal(SignatureCheck.Malformed, Verify(signature, id, timestamp));

    [Fact]
    public void No_usable_secret_verifies_nothing()
    {
        Assert.Equal(SignatureCheck.Mismatch, Verify(secrets: []));
        Assert.Equal(SignatureCheck.Mismatch, Verify(secrets: ["whsec_%%%"]));
    }
}
