using System.ComponentModel.DataAnnotations;
using Axle.Api.Features.Orders;
using Axle.Api.Features.Pricing;
using Axle.Api.Platform.Data;
using Axle.Api.Platform.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Axle.Api.Features.Analytics;

/// <summary>
/// <c>GET /api/v1/admin/analytics/orders</c>: orders, revenue, processing times, error rates by endpoint and inventory
/// update delays over a range of whole hours, summed from <see cref="AnalyticsRollup"/> (one indexed range read of at
/// most a few hundred rows per hour; the orders table is never read).
/// </summary>
internal static class GetOrderAnalytics
{
    public static readonly TimeSpan DefaultRange = TimeSpan.FromDays(30);

    /// <summary>Currencies the revenue lists at most (by code); <c>revenueCurrencyCount</c> says how many had revenue.</summary>
    public const int MaxCurrencies = 100;

    /// <summary>Endpoints the error rates list at most (most errors first); <c>endpointCount</c> says how many answered.</summary>
    public const int MaxEndpoints = 200;

    /// <param name="From">ISO 8601, inclusive; rounded down to the hour. Default: 30 days before <c>to</c>.</param>
    /// <param name="To">ISO 8601, exclusive; rounded up to the hour. Default: now.</param>
    public sealed record Query([FromQuery(Name = "from")] string? From, [FromQuery(Name = "to")] string? To);

    /// <param name="From">Start of the first hour counted.</param>
    /// <param name="To">End of the last hour counted.</param>
    /// <param name="Orders">Orders placed, and orders that entered each status, in the range.</param>
    /// <param name="Revenue">Totals of the orders that became paid in the range, per currency, by code: at most 100.</param>
    /// <param name="ProcessingTimes">Placed → paid and paid → shipped, for orders that reached the later state in the range.</param>
    /// <param name="InventoryUpdateDelay">Supplier event time → stock level applied, per changed level.</param>
    /// <param name="Endpoints">Requests and error responses per route template, most errors first: the first 200.</param>
    /// <param name="RevenueCurrencyCount">Currencies with revenue in the range; more than listed when over 100.</param>
    /// <param name="EndpointCount">Endpoints (method and route) that answered in the range; more than listed when over 200.</param>
    public sealed record OrderAnalyticsReport(
        DateTime From, DateTime To, OrderAnalyticsCounts Orders, [property: MaxLength(MaxCurrencies)] IReadOnlyList<Money> Revenue,
        OrderProcessingTimes ProcessingTimes, DurationSummary InventoryUpdateDelay,
        [property: MaxLength(MaxEndpoints)] IReadOnlyList<EndpointErrorRate> Endpoints, int RevenueCurrencyCount, int EndpointCount);

    /// <param name="Placed">Orders placed.</param>
    /// <param name="ByStatus">Orders that entered each status (pending_payment: placed), every status present.</param>
    public sealed record OrderAnalyticsCounts(long Placed, IReadOnlyDictionary<string, long> ByStatus);

    public sealed record OrderProcessingTimes(DurationSummary PlacedToPaid, DurationSummary PaidToShipped);

    /// <param name="Count">Observations.</param>
    /// <param name="P50Seconds">Median in seconds (estimated within its histogram bucket); null without observations.</param>
    /// <param name="P95Seconds">95th percentile in seconds; null without observations.</param>
    public sealed record DurationSummary(long Count, double? P50Seconds, double? P95Seconds);

    /// <param name="Method">HTTP method.</param>
    /// <param name="Route">Route template, e.g. <c>/api/v1/orders/{id}</c>; <c>(unmatched)</c> for requests no route matched.</param>
    /// <param name="Requests">Requests answered.</param>
    /// <param name="ClientErrors">4xx answers.</param>
    /// <param name="ServerErrors">5xx answers.</param>
    /// <param name="ErrorRate">(4xx + 5xx) / requests.</param>
    public sealed record EndpointErrorRate(string Method, string Route, long Requests, long ClientErrors, long ServerErrors, double ErrorRate);

    private sealed record Row(string Metric, string Key, long Value);

    public static async Task<Results<Ok<OrderAnalyticsReport>, ValidationProblem>> Handle(
        [AsParameters] Query query, AppDbContext db, IOptions<AnalyticsOptions> options, TimeProvider time, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        var from = QueryInstants.Parse(query.From, "from", errors);
        var to = QueryInstants.Parse(query.To, "to", errors);
        if (errors.Count > 0)
        {
            return Problems.Validation(errors);
        }

        var end = to ?? time.GetUtcNow().UtcDateTime;
        var start = from ?? end - DefaultRange;
        if (start >= end)
        {
            return Problems.Validation("to", "to must be later than from.");
        }

        var maxDays = options.Value.MaxRangeDays;
        if (end - start > TimeSpan.FromDays(maxDays))
        {
            return Problems.Validation("to", $"The range may cover at most {maxDays} days.");
        }

        var first = AnalyticsRollup.HourOf(start);
        var last = AnalyticsRollup.HourOf(end) == end ? end : AnalyticsRollup.HourOf(end).AddHours(1);
        var rows = await db.Set<AnalyticsRollup>().AsNoTracking()
            .Where(r => r.HourStart >= first && r.HourStart < last)
            .GroupBy(r => new { r.Metric, r.Key })
            .Select(g => new Row(g.Key.Metric, g.Key.Key, g.Sum(r => r.Value)))
            .ToListAsync(ct);

        return TypedResults.Ok(Summarize(first, last, rows));
    }

    private static OrderAnalyticsReport Summarize(DateTime from, DateTime to, List<Row> rows)
    {
        var byMetric = rows.ToLookup(r => r.Metric);
        var placed = byMetric[AnalyticsRecorder.OrdersPlaced].Sum(r => r.Value);
        var entered = byMetric[AnalyticsRecorder.OrdersEntered].ToDictionary(r => r.Key, r => r.Value);
        var byStatus = Enum.GetValues<OrderStatus>().Select(OrderStateMachine.Name)
            .ToDictionary(s => s, s => s == OrderStateMachine.Name(OrderStatus.PendingPayment) ? placed : entered.GetValueOrDefault(s));
        var revenue = byMetric[AnalyticsRecorder.Revenue].OrderBy(r => r.Key, StringComparer.Ordinal)
            .Select(r => Money.FromMinor(r.Value, r.Key)).ToList();

        var requests = byMetric[AnalyticsRecorder.Requests];
        var clientErrors = byMetric[AnalyticsRecorder.ClientErrors].ToDictionary(r => r.Key, r => r.Value);
        var serverErrors = byMetric[AnalyticsRecorder.ServerErrors].ToDictionary(r => r.Key, r => r.Value);
        var endpoints = requests.Select(r =>
            {
                var space = r.Key.IndexOf(' ', StringComparison.Ordinal);
                var client = clientErrors.GetValueOrDefault(r.Key);
                var server = serverErrors.GetValueOrDefault(r.Key);
                return new EndpointErrorRate(
                    space < 0 ? "" : r.Key[..space], space < 0 ? r.Key : r.Key[(space + 1)..], r.Value, client, server,
                    Math.Round((double)(client + server) / r.Value, 4));
            })
            .OrderByDescending(e => e.ClientErrors + e.ServerErrors).ThenByDescending(e => e.Requests)
            .ThenBy(e => e.Route, StringComparer.Ordinal).ThenBy(e => e.Method, StringComparer.Ordinal)
            .ToList();

        return new OrderAnalyticsReport(
            from, to, new OrderAnalyticsCounts(placed, byStatus), [.. revenue.Take(MaxCurrencies)],
            new OrderProcessingTimes(
                Summarize(byMetric[AnalyticsRecorder.PlacedToPaid]), Summarize(byMetric[AnalyticsRecorder.PaidToShipped])),
            Summarize(byMetric[AnalyticsRecorder.InventoryUpdateDelay]),
            [.. endpoints.Take(MaxEndpoints)], revenue.Count, endpoints.Count);
    }

    private static DurationSummary Summarize(IEnumerable<Row> buckets)
    {
        var counts = new long[DurationBuckets.Count];
        foreach (var bucket in buckets)
        {
            if (DurationBuckets.TryParseKey(bucket.Key, out var index))
            {
                counts[index] += bucket.Value;
            }
        }

        return new DurationSummary(counts.Sum(), Round(DurationBuckets.Percentile(counts, 0.50)), Round(DurationBuckets.Percentile(counts, 0.95)));
    }

    private static double? Round(double? seconds) => seconds is { } s ? Math.Round(s, 3) : null;
}
