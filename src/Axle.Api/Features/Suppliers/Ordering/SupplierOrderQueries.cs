using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Text.Json;
using Axle.Api.Features.Audit;
using Axle.Api.Features.DeadLetters;
using Axle.Api.Platform.Data;
using Axle.Api.Platform.Http;
using Axle.Api.Platform.Messaging;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace Axle.Api.Features.Suppliers.Ordering;

public sealed record SupplierOrderResponse(
    Guid Id,
    long SupplierId,
    SupplierOrderKind Kind,
    SupplierOrderStatus Status,
    Guid? PurchaseOrderId,
    Guid? CustomerOrderId,
    long WarehouseId,
    string Reference,
    [property: MaxLength(SupplierOrder.MaxLines)] IReadOnlyList<SupplierOrderResponse.Line> Lines,
    JsonElement? ShipTo,
    int Attempts,
    DateTime? NextAttemptAt,
    string? LastError,
    int? LastStatusCode,
    string? SupplierOrderId,
    DateTime? AcknowledgedAt,
    string? Acknowledgement,
    string? Note,
    DateTime CreatedAt,
    DateTime UpdatedAt)
{
    public sealed record Line(long PartId, string PartNumber, int Quantity);

    internal static SupplierOrderResponse From(SupplierOrder o) => new(
        o.Id, o.SupplierId, o.Kind, o.Status, o.PurchaseOrderId, o.CustomerOrderId, o.WarehouseId, o.Reference,
        [.. o.Lines.OrderBy(l => l.Id).Select(l => new Line(l.PartId, l.PartNumber, l.Quantity))],
        o.ShipTo is null ? null : JsonSerializer.Deserialize<JsonElement>(o.ShipTo),
        o.Attempts, o.Status == SupplierOrderStatus.Pending ? o.NextAttemptAt : null, o.LastError, o.LastStatusCode, o.SupplierOrderId,
        o.AcknowledgedAt, o.Acknowledgement, o.Note, o.CreatedAt, o.UpdatedAt);
}

/// <summary>
/// <c>GET /api/v1/suppliers/{id}/orders</c> (newest first, cursor-paginated, by status and kind),
/// <c>GET /api/v1/supplier-orders/{id}</c>, and <c>POST /api/v1/supplier-orders/{id}/retry</c> for a rejected or failed one.
/// </summary>
internal static class SupplierOrderQueries
{
    public const string CursorPurpose = "supplier-orders";

    public static async Task<Results<Ok<Page<SupplierOrderResponse>>, ValidationProblem, ProblemHttpResult>> List(
        long id, [FromQuery(Name = "status")] string? status, [FromQuery(Name = "kind")] string? kind,
        [FromQuery(Name = "limit")] string? limit, [FromQuery(Name = "cursor")] string? cursor, HttpContext http, AppDbContext db,
        CursorCodec cursors, CancellationToken ct)
    {
        SupplierOrderStatus? statusFilter = null;
        if (status is not null)
        {
            if (!WireNames.TryParse<SupplierOrderStatus>(status, out var parsed))
            {
                return Problems.Validation("status", "One of: pending, acknowledged, rejected, failed, cancelled.");
            }

            statusFilter = parsed;
        }

        SupplierOrderKind? kindFilter = null;
        if (kind is not null)
        {
            if (!WireNames.TryParse<SupplierOrderKind>(kind, out var parsed))
            {
                return Problems.Validation("kind", "One of: purchase_order, drop_ship.");
            }

            kindFilter = parsed;
        }

        var fingerprint = Pagination.Fingerprint("createdAt desc",
            ("supplierId", id.ToString(CultureInfo.InvariantCulture)), ("status", statusFilter?.ToString()), ("kind", kindFilter?.ToString()));
        if (!cursors.TryOpen<SeekKey<Guid>>(CursorPurpose, fingerprint, limit, cursor, out var page, out var problem))
        {
            return problem;
        }

        if (!await db.Set<Supplier>().AnyAsync(s => s.Id == id, ct))
        {
            return Problems.NotFound("No supplier has this id.");
        }

        var orders = db.Set<SupplierOrder>().AsNoTracking().Include(o => o.Lines).Where(o => o.SupplierId == id);
        if (statusFilter is { } s)
        {
            orders = orders.Where(o => o.Status == s);
        }

        if (kindFilter is { } k)
        {
            orders = orders.Where(o => o.Kind == k);
        }

        var rows = await orders.NewestFirst(o => o.CreatedAt, o => o.Id, page.After)
            .ToPageAsync(page, o => new SeekKey<Guid>(o.CreatedAt, o.Id), ct);
        return http.PageResult(rows.Select(SupplierOrderResponse.From));
    }

    public static async Task<Results<Ok<SupplierOrderResponse>, ProblemHttpResult>> Get(Guid id, AppDbContext db, CancellationToken ct) =>
        await db.Set<SupplierOrder>().AsNoTracking().Include(o => o.Lines).FirstOrDefaultAsync(o => o.Id == id, ct) is { } order
            ? TypedResults.Ok(SupplierOrderResponse.From(order))
            : Problems.NotFound("No supplier order has this id.");

    /// <summary>A rejected or failed order is queued again, due now, under the same Idempotency-Key; its open dead letters close.</summary>
    public static async Task<Results<Ok<SupplierOrderResponse>, ProblemHttpResult>> Retry(
        Guid id, AppDbContext db, AuditTrail audit, TimeProvider time, CancellationToken ct)
    {
        if (await db.Set<SupplierOrder>().Include(o => o.Lines).FirstOrDefaultAsync(o => o.Id == id, ct) is not { } order)
        {
            return Problems.NotFound("No supplier order has this id.");
        }

        if (!SupplierOrder.CanRequeue(order.Status))
        {
            return NotRetryable(order);
        }

        var now = time.GetUtcNow().UtcDateTime;
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        order.Requeue(now);
        await DeadLetter.CloseReplayedAsync(db, SupplierOrderWorker.DeadLetterSource, id.ToString(), "Queued for transmission again (retry).", now, ct);
        audit.Record(db, "suppliers.order_retried", $"supplier-order/{id}", details: new { order.SupplierId, order.Reference });
        try
        {
            await db.SaveChangesAsync(ct);
            await transaction.CommitAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            return Problems.Conflict("concurrent_change", "Changed meanwhile", "The supplier order changed while this request ran; GET it and retry.");
        }

        return TypedResults.Ok(SupplierOrderResponse.From(order));
    }

    internal static ProblemHttpResult NotRetryable(SupplierOrder order) =>
        Problems.Conflict("not_retryable", "Not retryable",
            $"This supplier order is {WireNames.Of(order.Status)}; only rejected or failed ones are sent again.");
}

/// <summary>
/// Replays a <c>supplier_order</c> dead letter: the order is queued for transmission again (same Idempotency-Key), e.g. after
/// the supplier lifted a credit hold or the part list was fixed. The worker sends it; a new refusal writes a new dead letter.
/// </summary>
internal sealed class SupplierOrderReplayer(TimeProvider time) : IDeadLetterReplayer
{
    public IReadOnlyCollection<string> Sources { get; } = [SupplierOrderWorker.DeadLetterSource];

    public async Task<ReplayOutcome> ReplayAsync(AppDbContext db, DeadLetter letter, CancellationToken ct)
    {
        if (!Guid.TryParse(letter.Reference, out var id)
            || await db.Set<SupplierOrder>().FirstOrDefaultAsync(o => o.Id == id, ct) is not { } order)
        {
            return new ReplayOutcome(false, "The supplier order no longer exists.");
        }

        if (!SupplierOrder.CanRequeue(order.Status))
        {
            return new ReplayOutcome(false, $"The supplier order is {WireNames.Of(order.Status)}.");
        }

        order.Requeue(time.GetUtcNow().UtcDateTime);
        await db.SaveChangesAsync(ct);
        db.ChangeTracker.Clear();
        return new ReplayOutcome(true, "Queued for transmission again.");
    }
}
