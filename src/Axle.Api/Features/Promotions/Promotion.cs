using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Axle.Api.Features.Promotions;

public enum PromotionKind
{
    Percent,
    Fixed,
}

/// <summary>The terms of a promotion as an admin sets them; <see cref="Promotion.Revise"/> replaces them as a whole.</summary>
public sealed record PromotionTerms(
    string Name,
    string? Description,
    PromotionKind Kind,
    decimal? PercentOff,
    long? AmountOffMinor,
    string Currency,
    long MinSubtotalMinor,
    DateTime? StartsAt,
    DateTime? EndsAt,
    int? MaxRedemptions,
    int? MaxPerCustomer,
    IReadOnlyList<int> BrandIds,
    IReadOnlyList<int> CategoryIds,
    bool Personalized,
    bool Active);

/// <summary>
/// A promotion code: a percentage or a fixed amount off the eligible lines of a cart. <see cref="Code"/> is stored trimmed
/// and upper-case (unique), so customers may type it in any case. <see cref="RedemptionCount"/> is changed only by
/// conditional updates in <see cref="PromotionEngine"/>, never through this entity, and does not bump <see cref="Version"/>:
/// a redemption must not make an admin's If-Match stale.
/// </summary>
public sealed class Promotion
{
    public const int CodeMaxLength = 32;
    public const int NameMaxLength = 200;
    public const int DescriptionMaxLength = 2000;

    /// <summary>Most brands, and most categories, one promotion may be limited to.</summary>
    public const int MaxScopeIds = 500;

    private Promotion()
    {
    }

    public Promotion(string code, PromotionTerms terms, DateTime now)
    {
        Id = Guid.CreateVersion7();
        Code = NormalizeCode(code);
        CreatedAt = now;
        UpdatedAt = now;
        Version = 1;
        Apply(terms);
    }

    public Guid Id { get; private set; }
    public string Code { get; private set; } = "";
    public string Name { get; private set; } = "";
    public string? Description { get; private set; }
    public PromotionKind Kind { get; private set; }

    /// <summary>0 &lt; p ≤ 100 for <see cref="PromotionKind.Percent"/>; null otherwise.</summary>
    public decimal? PercentOff { get; private set; }

    /// <summary>For <see cref="PromotionKind.Fixed"/>, in minor units of <see cref="Currency"/>; null otherwise.</summary>
    public long? AmountOffMinor { get; private set; }
    public string Currency { get; private set; } = "";
    public long MinSubtotalMinor { get; private set; }

    /// <summary>Inclusive start, UTC; null: valid from creation.</summary>
    public DateTime? StartsAt { get; private set; }

    /// <summary>Exclusive end, UTC; null: no end.</summary>
    public DateTime? EndsAt { get; private set; }
    public int? MaxRedemptions { get; private set; }
    public int RedemptionCount { get; private set; }
    public int? MaxPerCustomer { get; private set; }

    /// <summary>Empty: every brand. Otherwise only lines of these brands count toward the discount and the minimum.</summary>
    public List<int> BrandIds { get; private set; } = [];

    /// <summary>Empty: every category. Otherwise lines of these categories or any of their descendants.</summary>
    public List<int> CategoryIds { get; private set; } = [];

    /// <summary>Only customers with a <see cref="PromotionAssignment"/> may use it.</summary>
    public bool Personalized { get; private set; }
    public bool Active { get; private set; }
    public DateTime CreatedAt { get; private set; }
    public DateTime UpdatedAt { get; private set; }
    public long Version { get; private set; }

    public static string NormalizeCode(string code) => code.Trim().ToUpperInvariant();

    public void Revise(PromotionTerms terms, DateTime now)
    {
        Apply(terms);
        Touch(now);
    }

    /// <summary>Used instead of deleting a promotion that orders already redeemed: their redemptions keep pointing at it.</summary>
    public void Deactivate(DateTime now)
    {
        Active = false;
        Touch(now);
    }

    private void Apply(PromotionTerms terms)
    {
        Name = terms.Name;
        Description = terms.Description;
        Kind = terms.Kind;
        PercentOff = terms.Kind == PromotionKind.Percent ? terms.PercentOff : null;
        AmountOffMinor = terms.Kind == PromotionKind.Fixed ? terms.AmountOffMinor : null;
        Currency = terms.Currency;
        MinSubtotalMinor = terms.MinSubtotalMinor;
        StartsAt = terms.StartsAt;
        EndsAt = terms.EndsAt;
        MaxRedemptions = terms.MaxRedemptions;
        MaxPerCustomer = terms.MaxPerCustomer;
        BrandIds = [.. terms.BrandIds.Distinct().Order()];
        CategoryIds = [.. terms.CategoryIds.Distinct().Order()];
        Personalized = terms.Personalized;
        Active = terms.Active;
    }

    private void Touch(DateTime now)
    {
        UpdatedAt = now;
        Version++;
    }
}

/// <summary>A customer a personalized promotion is offered to.</summary>
public sealed class PromotionAssignment
{
    private PromotionAssignment()
    {
    }

    public PromotionAssignment(Guid promotionId, Guid userId, DateTime now)
    {
        PromotionId = promotionId;
        UserId = userId;
        AssignedAt = now;
    }

    public Guid PromotionId { get; private set; }
    public Guid UserId { get; private set; }
    public DateTime AssignedAt { get; private set; }
}

/// <summary>One order's use of a promotion. Written and deleted only by <see cref="PromotionEngine"/>.</summary>
public sealed class PromotionRedemption
{
    private PromotionRedemption()
    {
    }

    public Guid PromotionId { get; private set; }
    public Guid OrderId { get; private set; }
    public Guid UserId { get; private set; }
    public long AmountMinor { get; private set; }
    public DateTime RedeemedAt { get; private set; }
}

/// <summary>
/// How many uses of a promotion a customer holds: the per-customer limit is one conditional update of this row
/// (<c>... WHERE Count &lt; MaxPerCustomer</c>), never a count of redemptions followed by an insert.
/// </summary>
public sealed class PromotionCustomerUsage
{
    private PromotionCustomerUsage()
    {
    }

    public Guid PromotionId { get; private set; }
    public Guid UserId { get; private set; }
    public int Count { get; private set; }
}

internal sealed class PromotionConfiguration : IEntityTypeConfiguration<Promotion>
{
    public void Configure(EntityTypeBuilder<Promotion> b)
    {
        b.ToTable("promotions");
        b.HasKey(p => p.Id);
        b.Property(p => p.Id).ValueGeneratedNever();
        b.Property(p => p.Code).HasMaxLength(Promotion.CodeMaxLength).IsRequired();
        b.HasIndex(p => p.Code).IsUnique();
        b.Property(p => p.Name).HasMaxLength(Promotion.NameMaxLength).IsRequired();
        b.Property(p => p.Description).HasMaxLength(Promotion.DescriptionMaxLength);
        b.Property(p => p.Kind).HasConversion<string>().HasMaxLength(16);
        b.Property(p => p.PercentOff).HasPrecision(5, 2);
        b.Property(p => p.Currency).HasMaxLength(3).IsFixedLength().IsRequired();
        b.Property(p => p.Version).IsConcurrencyToken();
    }
}

internal sealed class PromotionAssignmentConfiguration : IEntityTypeConfiguration<PromotionAssignment>
{
    public void Configure(EntityTypeBuilder<PromotionAssignment> b)
    {
        b.ToTable("promotion_assignments");
        b.HasKey(a => new { a.PromotionId, a.UserId });
        b.HasIndex(a => a.UserId);
        b.HasOne<Promotion>().WithMany().HasForeignKey(a => a.PromotionId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class PromotionRedemptionConfiguration : IEntityTypeConfiguration<PromotionRedemption>
{
    public void Configure(EntityTypeBuilder<PromotionRedemption> b)
    {
        b.ToTable("promotion_redemptions");
        b.HasKey(r => new { r.PromotionId, r.OrderId });
        b.HasIndex(r => r.OrderId);
        b.HasOne<Promotion>().WithMany().HasForeignKey(r => r.PromotionId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class PromotionCustomerUsageConfiguration : IEntityTypeConfiguration<PromotionCustomerUsage>
{
    public void Configure(EntityTypeBuilder<PromotionCustomerUsage> b)
    {
        b.ToTable("promotion_customer_usages");
        b.HasKey(u => new { u.PromotionId, u.UserId });
        b.HasOne<Promotion>().WithMany().HasForeignKey(u => u.PromotionId).OnDelete(DeleteBehavior.Cascade);
    }
}
