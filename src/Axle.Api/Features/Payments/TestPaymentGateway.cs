using System.Security.Cryptography;
using System.Text;

namespace Axle.Api.Features.Payments;

/// <summary>
/// The built-in gateway for development, tests and benchmarks (API.md): token <c>tok_visa</c> approves,
/// <c>tok_declined</c> declines (<c>card_declined</c>), <c>tok_timeout</c> behaves like a gateway that never answered
/// (pending; the payment webhook or the pending-payment reconciliation settles the order later). Any other token is
/// declined as <c>invalid_token</c>. References are derived from the idempotency key, so a retry yields the same charge
/// — the property real gateways give their idempotency keys. It keeps no state: a lookup cannot know how a timed-out
/// charge ended and answers pending, which the reconciliation treats as "not paid" once the reservation has expired.
/// </summary>
internal sealed class TestPaymentGateway : IPaymentGateway
{
    public const string GatewayName = "test";
    public const string Approve = "tok_visa";
    public const string Decline = "tok_declined";
    public const string Timeout = "tok_timeout";

    public string Name => GatewayName;

    public Task<GatewayResult> AuthorizeAsync(ChargeRequest request, CancellationToken ct) => Task.FromResult(request.Token switch
    {
        Approve => new GatewayResult(GatewayOutcome.Approved, ReferenceFor(request.IdempotencyKey)),
        Decline => new GatewayResult(GatewayOutcome.Declined, ReferenceFor(request.IdempotencyKey), "card_declined",
            "The card was declined."),
        Timeout => new GatewayResult(GatewayOutcome.Pending, ReferenceFor(request.IdempotencyKey), null,
            "The payment gateway did not answer in time."),
        _ => new GatewayResult(GatewayOutcome.Declined, null, "invalid_token", "The payment token is not valid."),
    });

    public Task<GatewayResult> CaptureAsync(string reference, long amountMinor, string idempotencyKey, CancellationToken ct) =>
        Task.FromResult(new GatewayResult(GatewayOutcome.Approved, reference));

    public Task<GatewayResult> RefundAsync(string reference, long amountMinor, string idempotencyKey, CancellationToken ct) =>
        Task.FromResult(new GatewayResult(GatewayOutcome.Approved, "re_test_" + Hash(idempotencyKey)));

    public Task<GatewayResult> VoidAsync(string reference, string idempotencyKey, CancellationToken ct) =>
        Task.FromResult(new GatewayResult(GatewayOutcome.Approved, reference));

    public Task<GatewayResult> LookupAsync(string idempotencyKey, CancellationToken ct) =>
        Task.FromResult(new GatewayResult(GatewayOutcome.Pending, ReferenceFor(idempotencyKey)));

    /// <summary>The charge reference the test gateway gives an idempotency key (<c>pi_test_…</c>).</summary>
    public static string ReferenceFor(string idempotencyKey) => "pi_test_" + Hash(idempotencyKey);

    private static string Hash(string value) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(value)))[..24];
}
