using Axle.Api.Features.Webhooks;

namespace Axle.UnitTests.Webhooks;

public sealed class RetryScheduleTests
{
    private static readonly DateTime Now = new(2026, 12, 7, 12, 0, 0, DateTimeKind.Utc);

    [Fact]
    public void The_default_schedule_is_the_standard_webhooks_one_spanning_about_a_day()
    {
        var o = new WebhookOptions();
        Assert.Equal(WebhookOptions.StandardSchedule, o.Schedule);
        var total = o.Schedule.Aggregate(TimeSpan.Zero, (sum, wait) => sum + wait);
        Assert.InRange(total, TimeSpan.FromHours(20), TimeSpan.FromHours(30));
        Assert.True(o.Schedule.Zip(o.Schedule.Skip(1)).All(pair => pair.First <= pair.Second), "waits never shrink");
    }

    [Fact]
    public void Each_attempt_waits_its_schedule_entry_within_the_jitter_and_the_schedule_ends()
    {
        var o = new WebhookOptions { Jitter = 0.1 };
        for (var attempts = 1; attempts <= o.Schedule.Count; attempts++)
        {
            for (var sample = 0; sample < 50; sample++)
            {
                var wait = WebhookDeliveryWorker.NextAttempt(attempts, Now, o)!.Value - Now;
                var expected = o.Schedule[attempts - 1];
                Assert.InRange(wait.Ticks, (long)(expected.Ticks * 0.9) - 1, (long)(expected.Ticks * 1.1) + 1);
            }
        }

        Assert.Null(WebhookDeliveryWorker.NextAttempt(o.Schedule.Count + 1, Now, o));
        Assert.Null(WebhookDeliveryWorker.NextAttempt(0, Now, o));
    }

    [Fact]
    public void A_configured_schedule_replaces_the_standard_one_and_is_validated()
    {
        var o = new WebhookOptions { RetrySchedule = [TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2)], Jitter = 0 };
        Assert.Equal(Now.AddSeconds(2), WebhookDeliveryWorker.NextAttempt(2, Now, o));
        Assert.Null(WebhookDeliveryWorker.NextAttempt(3, Now, o));

        var bad = new WebhookOptions { RetrySchedule = [TimeSpan.FromDays(8)] };
        Assert.NotEmpty(bad.Validate(new System.ComponentModel.DataAnnotations.ValidationContext(bad)));
    }
}
