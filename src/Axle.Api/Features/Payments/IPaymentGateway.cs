namespace Axle.Api.Features.Payments;

/// <summary>
/// What to charge. <paramref name="IdempotencyKey"/> is the gateway's own idempotency key: the same key always names the
/// same charge at the gateway, so a retried call after a timeout can never charge twice.
/// </summary>
public sealed record ChargeRequest(
    string Token, long AmountMinor, string Currency, string IdempotencyKey, Guid OrderId, string OrderNumber);

public enum GatewayOutcome
{
    Approved,
    Declined,

    /// <summary>The gateway did not give an answer (timeout, outage): the charge may or may not exist.</summary>
    Pending,
}

/// <summary>A gateway's answer: for an approval its reference (e.g. <c>pi_…</c>); for a decline a code such as <c>card_declined</c>.</summary>
public sealed record GatewayResult(GatewayOutcome Outcome, string? Reference, string? DeclineCode = null, string? Message = null);

/// <summary>
/// A payment provider. Axle never sees card numbers: the client tokenizes the card with the provider and sends the token;
/// Axle stores only the provider's references. Every call carries an idempotency key that the provider deduplicates on.
/// Implementations return <see cref="GatewayOutcome.Pending"/> when they cannot tell (timeouts) instead of throwing.
/// </summary>
public interface IPaymentGateway
{
    /// <summary>The name stored on payments (<c>test</c>, <c>stripe</c>).</summary>
    string Name { get; }

    Task<GatewayResult> AuthorizeAsync(ChargeRequest request, CancellationToken ct);

    Task<GatewayResult> CaptureAsync(string reference, long amountMinor, string idempotencyKey, CancellationToken ct);

    Task<GatewayResult> RefundAsync(string reference, long amountMinor, string idempotencyKey, CancellationToken ct);

    /// <summary>Voids an authorization that will not be captured (declined order, cancelled before capture).</summary>
    Task<GatewayResult> VoidAsync(string reference, string idempotencyKey, CancellationToken ct);

    /// <summary>
    /// What the gateway knows about the charge made with <paramref name="idempotencyKey"/>: approved (captured), declined,
    /// or pending when it has no final answer. The reconciliation of orders left in <c>pending_payment</c> asks this.
    /// </summary>
    Task<GatewayResult> LookupAsync(string idempotencyKey, CancellationToken ct);
}

/// <summary>How a call to a gateway failed without an answer.</summary>
public static class GatewayErrors
{
    /// <summary>
    /// A timeout, a network failure, a reply that cannot be read, or the call's own timeout cancelling it (not the caller's
    /// <paramref name="ct"/>): the charge or refund may or may not exist, so it is treated as pending and asked again, never
    /// as a decline.
    /// </summary>
    public static bool IsNoAnswer(Exception e, CancellationToken ct) =>
        e is HttpRequestException or TimeoutException or System.Text.Json.JsonException
        || (e is OperationCanceledException && !ct.IsCancellationRequested);
}
