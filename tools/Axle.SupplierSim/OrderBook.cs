using System.Globalization;
using System.Text.Json;

namespace Axle.SupplierSim;

public sealed record OrderLine(string PartNo, int Quantity);

/// <summary>An order the supplier accepted, as it arrived.</summary>
public sealed record ReceivedOrder(
    string OrderId, string Reference, string IdempotencyKey, IReadOnlyList<OrderLine> Lines, JsonElement? ShipTo,
    DateTimeOffset ReceivedAt);

/// <summary>
/// The supplier's side of two-way sync: <c>POST /orders</c> accepts once per idempotency key (the <c>Idempotency-Key</c>
/// header, or the reference when there is none) and replays the first answer for repeats. Rejections (422) can be queued.
/// </summary>
public sealed class OrderBook
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, ReceivedOrder> _byKey = new(StringComparer.Ordinal);
    private readonly List<ReceivedOrder> _received = [];
    private readonly StockCatalog _catalog;
    private readonly SimCounters _counters;
    private readonly TimeProvider _clock;
    private int _rejections;
    private string _rejectReason = "rejected";

    internal OrderBook(StockCatalog catalog, SimCounters counters, TimeProvider clock)
    {
        _catalog = catalog;
        _counters = counters;
        _clock = clock;
    }

    public IReadOnlyList<ReceivedOrder> Received
    {
        get { lock (_gate) { return [.. _received]; } }
    }

    /// <summary>The next <paramref name="count"/> new orders get 422 with this reason (int.MaxValue: until <see cref="AcceptAll"/>).</summary>
    public void RejectNext(int count = 1, string reason = "rejected")
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        lock (_gate)
        {
            _rejections = count;
            _rejectReason = reason;
        }
    }

    public void AcceptAll()
    {
        lock (_gate)
        {
            _rejections = 0;
        }
    }

    public void Clear()
    {
        lock (_gate)
        {
            _received.Clear();
            _byKey.Clear();
            _rejections = 0;
        }
    }

    internal sealed record OrderRequest(string? Reference, List<OrderLine>? Lines, JsonElement? ShipTo);

    internal IResult Place(OrderRequest? request, string? idempotencyKey)
    {
        if (request is null || string.IsNullOrWhiteSpace(request.Reference) || request.Lines is not { Count: > 0 } lines
            || lines.Any(l => string.IsNullOrWhiteSpace(l.PartNo) || l.Quantity <= 0))
        {
            return Results.Json(new { error = "invalid_order" }, statusCode: 400);
        }

        var key = string.IsNullOrWhiteSpace(idempotencyKey) ? "ref:" + request.Reference : "key:" + idempotencyKey;
        lock (_gate)
        {
            if (_byKey.TryGetValue(key, out var existing))
            {
                if (!existing.Lines.SequenceEqual(lines) || existing.Reference != request.Reference)
                {
                    return Results.Json(new { error = "idempotency_key_reused" }, statusCode: 409);
                }

                _counters.OrderReplayed();
                return Accepted(existing, replayed: true);
            }

            if (_rejections > 0)
            {
                if (_rejections != int.MaxValue)
                {
                    _rejections--;
                }

                _counters.OrderRejected();
                return Results.Json(new { error = "order_rejected", reason = _rejectReason }, statusCode: 422);
            }

            var order = new ReceivedOrder(
                "SO-" + (_received.Count + 1).ToString("D6", CultureInfo.InvariantCulture), request.Reference, key, [.. lines],
                request.ShipTo, _clock.GetUtcNow());
            _received.Add(order);
            _byKey[key] = order;
            _counters.OrderAccepted();
            return Accepted(order, replayed: false);
        }
    }

    private IResult Accepted(ReceivedOrder order, bool replayed) =>
        new OrderCreated(new
        {
            orderId = order.OrderId,
            status = "accepted",
            reference = order.Reference,
            lines = order.Lines.Select(l => new
            {
                partNo = l.PartNo,
                quantity = l.Quantity,
                status = _catalog.Get(l.PartNo) is null ? "unknown_part" : "accepted",
            }).ToArray(),
        }, replayed);

    /// <summary>201 with the body, marking replays so a test can tell them apart on the wire.</summary>
    private sealed class OrderCreated(object body, bool replayed) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            if (replayed)
            {
                httpContext.Response.Headers["Idempotent-Replayed"] = "true";
            }

            return Results.Json(body, statusCode: 201).ExecuteAsync(httpContext);
        }
    }
}
