using Axle.Api.Features.Orders;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Axle.Api.Features.Feedback;

public enum FitAnswer
{
    Yes,
    No,
    Unsure,
}

/// <summary>
/// A customer's rating of a delivered order, once per order (a unique index on <see cref="OrderId"/>), with optional
/// per-part ratings and "did it fit" answers. Aggregates never show who gave it.
/// </summary>
public sealed class OrderFeedback
{
    public const int CommentMaxLength = 2000;

    private readonly List<FeedbackItem> _items = [];

    private OrderFeedback()
    {
    }

    public OrderFeedback(Guid orderId, Guid userId, int rating, string? comment, DateTime now)
    {
        Id = Guid.CreateVersion7();
        OrderId = orderId;
        UserId = userId;
        Rating = rating;
        Comment = string.IsNullOrWhiteSpace(comment) ? null : comment.Trim();
        CreatedAt = now;
    }

    public Guid Id { get; private set; }
    public Guid OrderId { get; private set; }
    public Guid UserId { get; private set; }
    public int Rating { get; private set; }
    public string? Comment { get; private set; }
    public DateTime CreatedAt { get; private set; }
    public IReadOnlyList<FeedbackItem> Items => _items;

    public void Rate(Guid orderItemId, long partId, int brandId, int rating, FitAnswer fit) =>
        _items.Add(new FeedbackItem(Id, orderItemId, partId, brandId, rating, fit));
}

/// <summary>A rating and fit answer for one part line; part and brand are copied so aggregates need no order join.</summary>
public sealed class FeedbackItem
{
    private FeedbackItem()
    {
    }

    internal FeedbackItem(Guid feedbackId, Guid orderItemId, long partId, int brandId, int rating, FitAnswer fit)
    {
        FeedbackId = feedbackId;
        OrderItemId = orderItemId;
        PartId = partId;
        BrandId = brandId;
        Rating = rating;
        Fit = fit;
    }

    public long Id { get; private set; }
    public Guid FeedbackId { get; private set; }
    public Guid OrderItemId { get; private set; }
    public long PartId { get; private set; }
    public int BrandId { get; private set; }
    public int Rating { get; private set; }
    public FitAnswer Fit { get; private set; }
}

/// <summary>
/// A fitment customers said did not fit, for a catalog manager to check: keyed by the fitment record when the catalog
/// claimed the part fits the customer's vehicle, else by part and vehicle description. <see cref="NoCount"/> counts the
/// "no" answers. The vehicle is year/make/model/engine only, never the customer's VIN.
/// </summary>
public sealed class FitmentReview
{
    private FitmentReview()
    {
    }

    public long Id { get; private set; }

    /// <summary><c>fitment:{id}</c> or <c>part:{partId}:{vehicle}</c>; unique.</summary>
    public string Key { get; private set; } = "";
    public long? FitmentId { get; private set; }
    public long PartId { get; private set; }
    public string Vehicle { get; private set; } = "";
    public int NoCount { get; private set; }
    public DateTime FirstReportedAt { get; private set; }
    public DateTime LastReportedAt { get; private set; }
}

internal sealed class OrderFeedbackConfiguration : IEntityTypeConfiguration<OrderFeedback>
{
    public void Configure(EntityTypeBuilder<OrderFeedback> b)
    {
        b.ToTable("order_feedback", t => t.HasCheckConstraint("CK_order_feedback_rating", "\"Rating\" BETWEEN 1 AND 5"));
        b.HasKey(f => f.Id);
        b.Property(f => f.Id).ValueGeneratedNever();
        b.Property(f => f.Comment).HasMaxLength(OrderFeedback.CommentMaxLength);
        b.HasIndex(f => f.OrderId).IsUnique();
        b.HasOne<Order>().WithMany().HasForeignKey(f => f.OrderId).OnDelete(DeleteBehavior.Cascade);
        b.HasMany(f => f.Items).WithOne().HasForeignKey(i => i.FeedbackId).OnDelete(DeleteBehavior.Cascade);
        b.Navigation(f => f.Items).UsePropertyAccessMode(PropertyAccessMode.Field);
    }
}

internal sealed class FeedbackItemConfiguration : IEntityTypeConfiguration<FeedbackItem>
{
    public void Configure(EntityTypeBuilder<FeedbackItem> b)
    {
        b.ToTable("feedback_items", t => t.HasCheckConstraint("CK_feedback_items_rating", "\"Rating\" BETWEEN 1 AND 5"));
        b.HasKey(i => i.Id);
        b.Property(i => i.Fit).HasConversion<string>().HasMaxLength(8);
        b.HasIndex(i => i.PartId);
        b.HasIndex(i => i.BrandId);
    }
}

internal sealed class FitmentReviewConfiguration : IEntityTypeConfiguration<FitmentReview>
{
    public const string Table = "fitment_reviews";

    public void Configure(EntityTypeBuilder<FitmentReview> b)
    {
        b.ToTable(Table);
        b.HasKey(r => r.Id);
        b.Property(r => r.Key).HasMaxLength(300).IsRequired();
        b.HasIndex(r => r.Key).IsUnique();
        b.Property(r => r.Vehicle).HasMaxLength(200).IsRequired();
        b.HasIndex(r => new { r.NoCount, r.LastReportedAt });
        b.HasIndex(r => r.PartId);
    }
}
