using System.Globalization;
using System.Net;
using System.Text.Json;
using Axle.Api.Features.Analytics;
using Axle.Tests.Infrastructure;
using Axle.Tests.Orders;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Axle.Tests.Analytics;

/// <summary>The order app on a clock the test moves (tokens are issued before the clock moves).</summary>
public sealed class AnalyticsFactory : OrderFactory
{
    public FakeTimeProvider Clock { get; } = new(DateTimeOffset.UtcNow);

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureTestServices(s => s.AddSingleton<TimeProvider>(Clock));
    }
}

/// <summary>Flushing the recorder and reading the report.</summary>
internal static class AnalyticsKit
{
    public const string Url = "/api/v1/admin/analytics/orders";

    public static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static string Iso(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    /// <summary>
    /// Flushes and reads the report for [from, to) until <paramref name="ready"/> holds: the server records a request's
    /// duration after the client has its response, so the last request may reach the recorder a moment later.
    /// </summary>
    public static async Task<JsonElement> ReportAsync(
        AxleFactory factory, HttpClient admin, DateTimeOffset from, DateTimeOffset to, Func<JsonElement, bool> ready)
    {
        var worker = factory.Services.GetRequiredService<AnalyticsFlushWorker>();
        JsonElement report = default;
        for (var attempt = 0; attempt < 50; attempt++)
        {
            await worker.RunOnceAsync(Ct);
            report = await (await admin.GetAsync($"{Url}?from={Iso(from)}&to={Iso(to)}", Ct)).AssertJsonAsync(HttpStatusCode.OK);
            if (ready(report))
            {
                return report;
            }

            await Task.Delay(100, Ct);
        }

        return report;
    }

    public static JsonElement? Endpoint(JsonElement report, string method, string route) =>
        report.GetProperty("endpoints").EnumerateArray()
            .Where(e => e.GetProperty("method").GetString() == method && e.GetProperty("route").GetString() == route)
            .Select(e => (JsonElement?)e).FirstOrDefault();
}
