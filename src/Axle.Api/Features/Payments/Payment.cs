using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Axle.Api.Features.Payments;

public enum PaymentStatus
{
    /// <summary>Sent to the gateway without a final answer (timeout): settled by the webhook or the reconciliation.</summary>
    Pending,

    /// <summary>Charged: the money is the seller's (authorized and captured).</summary>
    Captured,
    Declined,

    /// <summary>Authorized but released without capture (order cancelled before the charge completed).</summary>
    Voided,
    PartiallyRefunded,
    Refunded,
}

/// <summary>
/// One card payment of an order, as the gateway knows it: its reference and the idempotency key every gateway call for it
/// uses. Never a card number. Amounts in minor units; refunds are rows of their own and sum to <see cref="RefundedMinor"/>.
/// </summary>
public sealed class Payment
{
    public const int ReferenceMaxLength = 100;

    private Payment()
    {
    }

    public Payment(Guid orderId, string gateway, long amountMinor, string currency, string idempotencyKey, DateTime now)
    {
        Id = Guid.CreateVersion7();
        OrderId = orderId;
        Gateway = gateway;
        Method = "card";
        AmountMinor = amountMinor;
        Currency = currency;
        IdempotencyKey = idempotencyKey;
        Status = PaymentStatus.Pending;
        CreatedAt = now;
        UpdatedAt = now;
        Version = 1;
    }

    public Guid Id { get; private set; }
    public Guid OrderId { get; private set; }
    public string Gateway { get; private set; } = "";
    public string Method { get; private set; } = "";
    public PaymentStatus Status { get; private set; }
    public long AmountMinor { get; private set; }
    public string Currency { get; private set; } = "";

    /// <summary>Refunds issued (pending at the gateway or done): what can no longer be refunded again.</summary>
    public long RefundedMinor { get; private set; }

    /// <summary>The gateway's id of the charge (<c>pi_…</c>); null until the gateway named one.</summary>
    public string? Reference { get; private set; }

    /// <summary>Sent with every gateway call for this payment: a retried call never charges twice.</summary>
    public string IdempotencyKey { get; private set; } = "";

    /// <summary>The gateway's reason for a decline (<c>card_declined</c>).</summary>
    public string? FailureCode { get; private set; }
    public DateTime CreatedAt { get; private set; }
    public DateTime UpdatedAt { get; private set; }
    public long Version { get; private set; }

    public long RefundableMinor => Status is PaymentStatus.Captured or PaymentStatus.PartiallyRefunded ? AmountMinor - RefundedMinor : 0;

    public void Capture(string? reference, DateTime now)
    {
        Reference = reference ?? Reference;
        Status = PaymentStatus.Captured;
        Touch(now);
    }

    public void Decline(string? reference, string? code, DateTime now)
    {
        Reference = reference ?? Reference;
        FailureCode = code is { Length: > 64 } ? code[..64] : code;
        Status = PaymentStatus.Declined;
        Touch(now);
    }

    public void MarkPending(string? reference, DateTime now)
    {
        Reference = reference ?? Reference;
        Status = PaymentStatus.Pending;
        Touch(now);
    }

    public void Void(DateTime now)
    {
        Status = PaymentStatus.Voided;
        Touch(now);
    }

    /// <summary>Books a refund of <paramref name="amountMinor"/> against the captured amount; the gateway call follows.</summary>
    public void Refunded(long amountMinor, DateTime now)
    {
        if (amountMinor <= 0 || amountMinor > RefundableMinor)
        {
            throw new InvalidOperationException($"Cannot refund {amountMinor}; {RefundableMinor} is refundable.");
        }

        RefundedMinor += amountMinor;
        Status = RefundedMinor == AmountMinor ? PaymentStatus.Refunded : PaymentStatus.PartiallyRefunded;
        Touch(now);
    }

    private void Touch(DateTime now)
    {
        UpdatedAt = now;
        Version++;
    }
}

public enum RefundStatus
{
    /// <summary>Recorded with the change that owes the money; the gateway call has not (yet) succeeded.</summary>
    Pending,
    Succeeded,

    /// <summary>The gateway refused; the order is flagged for a person.</summary>
    Failed,
}

/// <summary>
/// Money given back through the gateway. The row is written in the same transaction as the change that owes the money
/// (cancellation, return), then the gateway is called with <see cref="IdempotencyKey"/>; a crash or timeout in between
/// leaves it pending and the refund worker calls again with the same key, so the customer is refunded exactly once.
/// </summary>
public sealed class PaymentRefund
{
    private PaymentRefund()
    {
    }

    public PaymentRefund(Guid paymentId, long amountMinor, string reason, string idempotencyKey, DateTime now, string? reference = null)
    {
        Id = Guid.CreateVersion7();
        PaymentId = paymentId;
        AmountMinor = amountMinor;
        Reason = reason;
        IdempotencyKey = idempotencyKey;
        Reference = reference;
        Status = RefundStatus.Pending;
        CreatedAt = now;
        UpdatedAt = now;
    }

    public Guid Id { get; private set; }
    public Guid PaymentId { get; private set; }
    public RefundStatus Status { get; private set; }
    public int Attempts { get; private set; }
    public DateTime UpdatedAt { get; private set; }
    public long AmountMinor { get; private set; }

    /// <summary>Why: <c>order_cancelled</c>, <c>return</c>, <c>core_return</c>.</summary>
    public string Reason { get; private set; } = "";
    public string IdempotencyKey { get; private set; } = "";
    public string? Reference { get; private set; }
    public DateTime CreatedAt { get; private set; }

    public void Record(GatewayResult result, DateTime now)
    {
        Attempts++;
        UpdatedAt = now;
        Reference = result.Reference ?? Reference;
        Status = result.Outcome switch
        {
            GatewayOutcome.Approved => RefundStatus.Succeeded,
            GatewayOutcome.Declined => RefundStatus.Failed,
            _ => RefundStatus.Pending,
        };
    }
}

internal sealed class PaymentConfiguration : IEntityTypeConfiguration<Payment>
{
    public void Configure(EntityTypeBuilder<Payment> b)
    {
        b.ToTable("payments");
        b.HasKey(p => p.Id);
        b.Property(p => p.Id).ValueGeneratedNever();
        b.Property(p => p.Gateway).HasMaxLength(32).IsRequired();
        b.Property(p => p.Method).HasMaxLength(16).IsRequired();
        b.Property(p => p.Status).HasConversion<string>().HasMaxLength(24);
        b.Property(p => p.Currency).HasMaxLength(3).IsFixedLength().IsRequired();
        b.Property(p => p.Reference).HasMaxLength(Payment.ReferenceMaxLength);
        b.Property(p => p.IdempotencyKey).HasMaxLength(100).IsRequired();
        b.Property(p => p.FailureCode).HasMaxLength(64);
        b.Property(p => p.Version).IsConcurrencyToken();
        b.Ignore(p => p.RefundableMinor);
        b.HasIndex(p => p.IdempotencyKey).IsUnique();
        b.HasIndex(p => p.Reference);
        b.HasIndex(p => p.OrderId);
        b.HasOne<Orders.Order>().WithMany().HasForeignKey(p => p.OrderId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class PaymentRefundConfiguration : IEntityTypeConfiguration<PaymentRefund>
{
    public void Configure(EntityTypeBuilder<PaymentRefund> b)
    {
        b.ToTable("payment_refunds");
        b.HasKey(r => r.Id);
        b.Property(r => r.Id).ValueGeneratedNever();
        b.Property(r => r.Reason).HasMaxLength(32).IsRequired();
        b.Property(r => r.Status).HasConversion<string>().HasMaxLength(16);
        b.HasIndex(r => new { r.Status, r.UpdatedAt });
        b.Property(r => r.IdempotencyKey).HasMaxLength(100).IsRequired();
        b.Property(r => r.Reference).HasMaxLength(Payment.ReferenceMaxLength);
        b.HasIndex(r => r.IdempotencyKey).IsUnique();
        b.HasIndex(r => r.PaymentId);
        b.HasOne<Payment>().WithMany().HasForeignKey(r => r.PaymentId).OnDelete(DeleteBehavior.Cascade);
    }
}
