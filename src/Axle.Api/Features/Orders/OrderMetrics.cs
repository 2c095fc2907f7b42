using System.Diagnostics.Metrics;
using System.Runtime.CompilerServices;
using Axle.Api.Platform.Observability;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Axle.Api.Features.Orders;

/// <summary>Order instruments on Axle's meter (scraped at <c>/metrics</c>, rolled up by Analytics).</summary>
public sealed class OrderMetrics
{
    public const string PlacedName = "axle.orders.placed";
    public const string StatusChangesName = "axle.orders.status_changes";
    public const string RevenueName = "axle.orders.revenue";
    public const string ProcessingTimeName = "axle.orders.processing_time";

    /// <summary>Tag values of <see cref="ProcessingTime"/>'s <c>stage</c>.</summary>
    public const string PlacedToPaid = "placed_to_paid";
    public const string PaidToShipped = "paid_to_shipped";

    public OrderMetrics(AxleMetrics metrics)
    {
        var meter = metrics.Meter;
        Placed = meter.CreateCounter<long>(PlacedName, description: "Orders placed, by currency.");
        StatusChanges = meter.CreateCounter<long>(StatusChangesName, description: "Committed order status changes, by from and to.");
        Revenue = meter.CreateCounter<double>(RevenueName,
            description: "Order totals captured (the order became paid), in major units of the currency tag.");
        ProcessingTime = metrics.CreateDurationHistogram(ProcessingTimeName,
            "Order processing time by stage: placed_to_paid, paid_to_shipped.");
        PaymentDeclines = meter.CreateCounter<long>("axle.payments.declined", description: "Payments the gateway declined.");
    }

    public Counter<long> Placed { get; }
    public Counter<long> StatusChanges { get; }
    public Counter<double> Revenue { get; }
    public Histogram<double> ProcessingTime { get; }
    public Counter<long> PaymentDeclines { get; }

    internal void Record(CommittedChange change)
    {
        var currency = new KeyValuePair<string, object?>("currency", change.Currency);
        if (change.From is not { } from)
        {
            Placed.Add(1, currency);
            return;
        }

        StatusChanges.Add(1, new("from", OrderStateMachine.Name(from)), new("to", OrderStateMachine.Name(change.To)));
        if (change.To == OrderStatus.Paid)
        {
            Revenue.Add((double)Pricing.MinorUnits.ToAmount(change.TotalMinor), currency);
            ProcessingTime.Record(Seconds(change.CreatedAt, change.At), new KeyValuePair<string, object?>("stage", PlacedToPaid));
        }
        else if (change.To == OrderStatus.Shipped && change.PaidAt is { } paidAt)
        {
            ProcessingTime.Record(Seconds(paidAt, change.At), new KeyValuePair<string, object?>("stage", PaidToShipped));
        }
    }

    private static double Seconds(DateTime from, DateTime to) => Math.Max(0, (to - from).TotalSeconds);

    /// <summary>An order status change (or a placement, <see cref="From"/> null) as it was saved.</summary>
    internal sealed record CommittedChange(
        OrderStatus? From, OrderStatus To, DateTime At, string Currency, long TotalMinor, DateTime CreatedAt, DateTime? PaidAt);
}

/// <summary>
/// Counts order placements and status changes once they are saved. Orders move in a dozen places (checkout, the payment
/// webhook and reconciliation, cancellation, shipments, carrier events, returns, staff steps), each with its own unit of
/// work; all of them add an <see cref="OrderStatusChange"/> row, so counting the saved rows here covers every path, and a
/// save that fails (a lost race on the order's version) counts nothing.
/// </summary>
internal sealed class OrderMetricsInterceptor(OrderMetrics metrics) : SaveChangesInterceptor
{
    private readonly ConditionalWeakTable<DbContext, List<OrderMetrics.CommittedChange>> _saving = new();

    public override InterceptionResult<int> SavingChanges(DbContextEventData eventData, InterceptionResult<int> result)
    {
        Capture(eventData.Context);
        return result;
    }

    public override ValueTask<InterceptionResult<int>> SavingChangesAsync(
        DbContextEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        Capture(eventData.Context);
        return ValueTask.FromResult(result);
    }

    public override int SavedChanges(SaveChangesCompletedEventData eventData, int result)
    {
        Publish(eventData.Context);
        return result;
    }

    public override ValueTask<int> SavedChangesAsync(
        SaveChangesCompletedEventData eventData, int result, CancellationToken cancellationToken = default)
    {
        Publish(eventData.Context);
        return ValueTask.FromResult(result);
    }

    public override void SaveChangesFailed(DbContextErrorEventData eventData) => Forget(eventData.Context);

    public override Task SaveChangesFailedAsync(DbContextErrorEventData eventData, CancellationToken cancellationToken = default)
    {
        Forget(eventData.Context);
        return Task.CompletedTask;
    }

    public override void SaveChangesCanceled(DbContextEventData eventData) => Forget(eventData.Context);

    public override Task SaveChangesCanceledAsync(DbContextEventData eventData, CancellationToken cancellationToken = default)
    {
        Forget(eventData.Context);
        return Task.CompletedTask;
    }

    private void Capture(DbContext? context)
    {
        if (context is null)
        {
            return;
        }

        // Most saves track no order at all (catalog imports, supplier syncs): find that out without a DetectChanges pass.
        var tracker = context.ChangeTracker;
        var detect = tracker.AutoDetectChangesEnabled;
        tracker.AutoDetectChangesEnabled = false;
        Dictionary<Guid, Order> orders;
        try
        {
            orders = tracker.Entries<Order>().ToDictionary(e => e.Entity.Id, e => e.Entity);
        }
        finally
        {
            tracker.AutoDetectChangesEnabled = detect;
        }

        if (orders.Count == 0)
        {
            return;
        }

        List<OrderMetrics.CommittedChange>? changes = null;
        // A status change joins the unit of work through the order's History collection: DetectChanges finds it.
        foreach (var entry in tracker.Entries<OrderStatusChange>())
        {
            if (entry.State == EntityState.Added && orders.TryGetValue(entry.Entity.OrderId, out var order))
            {
                var change = entry.Entity;
                changes ??= [];
                changes.Add(new(change.From, change.To, change.At, order.Currency, order.TotalMinor, order.CreatedAt, order.PaidAt));
            }
        }

        if (changes is not null)
        {
            _saving.AddOrUpdate(context, changes);
        }
    }

    private void Publish(DbContext? context)
    {
        if (context is not null && _saving.TryGetValue(context, out var changes))
        {
            _saving.Remove(context);
            foreach (var change in changes)
            {
                metrics.Record(change);
            }
        }
    }

    private void Forget(DbContext? context)
    {
        if (context is not null)
        {
            _saving.Remove(context);
        }
    }
}
