using System.ComponentModel.DataAnnotations;
using Axle.Api.Platform.Security;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;

namespace Axle.Api.Features.Feedback;

public sealed class FeedbackOptions
{
    public const string Section = "Feedback";

    /// <summary>Feedback posts per user per <see cref="Window"/> (one per order is the rule; this stops scripted floods).</summary>
    [Range(1, 10_000)]
    public int PermitsPerUser { get; set; } = 10;

    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan Window { get; set; } = TimeSpan.FromHours(1);
}

/// <summary>
/// Feedback on delivered orders: ratings and "did it fit" answers from customers, aggregates for staff, and fitment review
/// flags for catalog managers when customers say a part did not fit the vehicle they bought it for.
/// </summary>
public static class FeedbackEndpoints
{
    /// <summary>Per-user fixed window on posting feedback (partitioned by user id, else client IP).</summary>
    public const string RatePolicy = "feedback";

    public static WebApplicationBuilder AddFeedback(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<FeedbackOptions>().BindConfiguration(FeedbackOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.Configure<RateLimiterOptions>(o => o.AddPolicy(RatePolicy, ctx =>
        {
            var limits = ctx.RequestServices.GetRequiredService<IOptions<FeedbackOptions>>().Value;
            var key = ctx.User.CallerKey() ?? "ip:" + Platform.Http.RateLimiting.ClientIp(ctx);
            return Platform.Http.RateLimiting.FixedWindow(ctx, RatePolicy, RatePolicy + ":" + key, limits.PermitsPerUser, limits.Window);
        }));
        return builder;
    }

    public static WebApplication MapFeedback(this WebApplication app)
    {
        app.MapPost("/api/v1/orders/{id:guid}/feedback", LeaveFeedback.Handle)
            .WithTags("Feedback")
            .RequireAuthorization()
            .RequireRateLimiting(RatePolicy)
            .WithName("LeaveFeedback")
            .WithSummary("Rate a delivered order once, with per-part ratings and fit answers")
            .WithDescription("The order's customer, once the order is delivered (or partially/fully returned); a second try → 409 " +
                "feedback_exists, before delivery → 409 order_not_delivered. rating 1-5, comment ≤ 2000 characters, items only part " +
                "lines of the order, fit yes|no|unsure; a no flags the fitment for review. Rate limited per user (429).")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status429TooManyRequests);

        var admin = app.MapGroup("/api/v1/admin").WithTags("Feedback").ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden);
        admin.MapGet("/feedback", FeedbackAggregates.Handle)
            .RequireAuthorization(Policies.Staff)
            .WithName("FeedbackAggregates")
            .WithSummary("Ratings and fit answers per part and per brand (staff); no personal data, no comments")
            .ProducesValidationProblem();
        admin.MapGet("/fitment-reviews", ListFitmentReviews.Handle)
            .RequireAuthorization(Policies.ScopeOrRoles("catalog:write", Roles.CatalogManager, Roles.Admin))
            .WithName("ListFitmentReviews")
            .WithSummary("Fitments customers reported as not fitting, most reported first (catalog managers)");
        return app;
    }
}
