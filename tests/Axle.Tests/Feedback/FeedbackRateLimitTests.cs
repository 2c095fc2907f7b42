using System.Net;
using System.Net.Http.Json;
using Axle.Api.Platform.Data;
using Axle.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Axle.Tests.Returns;
using static Axle.Tests.Returns.ReturnKit;

namespace Axle.Tests.Feedback;

/// <summary>The app with a tight feedback limit: 2 posts per customer per hour.</summary>
public sealed class TightFeedbackFactory : AxleFactory
{
    protected override IDictionary<string, string?> Overrides => new Dictionary<string, string?>
    {
        ["Feedback:PermitsPerUser"] = "2",
        ["Feedback:Window"] = "01:00:00",
    };
}

public sealed class FeedbackRateLimitTests(TightFeedbackFactory factory) : IClassFixture<TightFeedbackFactory>
{
    private readonly ReturnKit _kit = new(factory);

    [Fact]
    public async Task A_customer_posting_feedback_beyond_the_limit_gets_429_with_retry_after_and_nothing_is_stored()
    {
        var part = await _kit.Carts.PartAsync();
        var customer = factory.CreateUserClient();
        var orders = new[]
        {
            await _kit.DeliveredAsync(customer, 1, (part, 1)),
            await _kit.DeliveredAsync(customer, 1, (part, 1)),
            await _kit.DeliveredAsync(customer, 1, (part, 1)),
        };
        var other = factory.CreateUserClient();
        var theirs = await _kit.DeliveredAsync(other, 1, (part, 1));

        var responses = new List<HttpResponseMessage>();
        foreach (var order in orders)
        {
            responses.Add(await customer.PostAsJsonAsync($"/api/v1/orders/{Id(order)}/feedback", new { rating = 4 }, Ct));
        }

        var limited = await responses[2].AssertProblemAsync(HttpStatusCode.TooManyRequests);
        Assert.Equal(HttpStatusCode.Created, responses[0].StatusCode);
        Assert.Equal(HttpStatusCode.Created, responses[1].StatusCode);
        Assert.True(responses[2].Headers.RetryAfter is not null);
        Assert.NotNull(limited.GetProperty("type").GetString());
        // The limit is per customer: someone else is not affected.
        await (await other.PostAsJsonAsync($"/api/v1/orders/{Id(theirs)}/feedback", new { rating = 5 }, Ct)).AssertJsonAsync(HttpStatusCode.Created);
        await using var scope = factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        var third = Id(orders[2]);
        Assert.False(await db.Set<Axle.Api.Features.Feedback.OrderFeedback>().AnyAsync(f => f.OrderId == third, Ct));
    }
}
