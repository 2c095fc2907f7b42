using System.ComponentModel.DataAnnotations;
using System.Security.Claims;
using System.Text.Json;
using Axle.Api.Features.Audit;
using Axle.Api.Features.Clients;
using Axle.Api.Features.Orders;
using Axle.Api.Platform.Data;
using Axle.Api.Platform.Http;
using Axle.Api.Platform.Security;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Axle.Api.Features.Shipments;

/// <summary>
/// <c>POST /api/v1/shipments/events</c>: carriers push tracking events. The caller is either a machine client whose bearer
/// token carries <c>shipments:events</c>, or a carrier signing the raw body with Standard Webhooks and a secret from
/// <c>Shipments:CarrierWebhookSecrets</c>; every failed check is the same 401. Each event is applied once (its
/// <c>eventId</c> is unique), on its own, and answered per event: applied, recorded (older than what the shipment already
/// shows, or no change), duplicate, unknown_tracking_number, or invalid. A <c>delivered</c> event delivers the shipment,
/// and the order once every shipment of a fully shipped order is delivered.
/// </summary>
internal static class CarrierEvents
{
    public const int MaxBodyBytes = 256 * 1024;
    public const int MaxEvents = 100;

    private static readonly JsonSerializerOptions Json = CreateJson();

    public sealed record Event(
        string? EventId, string? Carrier, string? TrackingNumber, string? Status, DateTimeOffset? OccurredAt, string? Location,
        string? Description);

    public sealed record Request([property: MaxLength(MaxEvents)] IReadOnlyList<Event>? Events);

    public sealed record EventResult(string? EventId, string Result, string? Detail = null);

    public sealed record Response([property: MaxLength(MaxEvents)] IReadOnlyList<EventResult> Results);

    public static async Task<Results<Ok<Response>, ProblemHttpResult>> Handle(
        HttpRequest request, ClaimsPrincipal principal, AppDbContext db, AuditTrail audit, IOptions<ShipmentOptions> options,
        TimeProvider time, CancellationToken ct)
    {
        var bearer = request.Headers.Authorization.Count > 0;
        if (bearer && principal.Identity?.IsAuthenticated != true)
        {
            return Problems.Unauthorized();
        }

        if (bearer && !(principal.MachineClientId() is not null && principal.HasScope(MachineScopes.ShipmentsEvents)))
        {
            return Problems.Forbidden("The client lacks the shipments:events scope.");
        }

        var body = await RawBody.ReadAsync(request, MaxBodyBytes, ct);
        if (body is null)
        {
            return Problems.Create(StatusCodes.Status413PayloadTooLarge, "payload_too_large", "Payload too large",
                $"At most {MaxBodyBytes} bytes.");
        }

        if (!bearer && StandardWebhookSignature.Verify(
                request.Headers[StandardWebhookSignature.IdHeader], request.Headers[StandardWebhookSignature.TimestampHeader],
                request.Headers[StandardWebhookSignature.SignatureHeader], body, options.Value.CarrierWebhookSecrets, time.GetUtcNow(),
                options.Value.WebhookTolerance) != SignatureCheck.Valid)
        {
            return Problems.Unauthorized("The webhook signature could not be verified.");
        }

        if (Parse(body) is not { Events: { Count: > 0 and <= MaxEvents } events })
        {
            return Problems.BadRequest("invalid_events", $"The body is {{\"events\": [...]}} with 1 to {MaxEvents} events.");
        }

        var actor = OrderEvents.Actor(principal);
        var results = new List<EventResult>(events.Count);
        foreach (var e in events)
        {
            results.Add(Invalid(e) is { } reason ? new EventResult(e.EventId, "invalid", reason) : await ApplyWithRetryAsync(db, audit, e, actor, time, ct));
        }

        return TypedResults.Ok(new Response(results));
    }

    private static string? Invalid(Event e)
    {
        if (e.EventId is not { Length: > 0 and <= TrackingEvent.EventIdMaxLength })
        {
            return $"eventId is required, at most {TrackingEvent.EventIdMaxLength} characters.";
        }

        if (e.Carrier is not { Length: > 0 and <= Shipment.CarrierMaxLength } || e.TrackingNumber is not { Length: > 0 and <= Shipment.TrackingNumberMaxLength })
        {
            return "carrier and trackingNumber are required.";
        }

        if (!Shipment.TryParse(e.Status, out _))
        {
            return "status is one of: " + string.Join(", ", Enum.GetValues<ShipmentStatus>().Select(Shipment.Name)) + ".";
        }

        if (e.OccurredAt is null)
        {
            return "occurredAt is required.";
        }

        return e.Location is { Length: > TrackingEvent.LocationMaxLength } || e.Description is { Length: > TrackingEvent.DescriptionMaxLength }
            ? $"location is at most {TrackingEvent.LocationMaxLength} characters, description {TrackingEvent.DescriptionMaxLength}."
            : null;
    }

    private static async Task<EventResult> ApplyWithRetryAsync(
        AppDbContext db, AuditTrail audit, Event e, string actor, TimeProvider time, CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return new EventResult(e.EventId, await ApplyAsync(db, audit, e, actor, time.GetUtcNow().UtcDateTime, ct));
            }
            catch (DbUpdateException ex) when (DbErrors.IsUniqueViolation(ex))
            {
                // The same event arrived twice at once: the other delivery stored it.
                return new EventResult(e.EventId, "duplicate");
            }
            catch (DbUpdateConcurrencyException) when (attempt < 3)
            {
                // Another event of the same shipment or order saved first: read again and reapply.
            }
            finally
            {
                db.ChangeTracker.Clear();
            }
        }
    }

    private static async Task<string> ApplyAsync(AppDbContext db, AuditTrail audit, Event e, string actor, DateTime now, CancellationToken ct)
    {
        if (await db.Set<TrackingEvent>().AnyAsync(t => t.EventId == e.EventId, ct))
        {
            return "duplicate";
        }

        var carrier = e.Carrier!.Trim().ToLowerInvariant();
        var trackingNumber = e.TrackingNumber!.Trim();
        var shipment = await db.Set<Shipment>().FirstOrDefaultAsync(s => s.Carrier == carrier && s.TrackingNumber == trackingNumber, ct);
        if (shipment is null)
        {
            return "unknown_tracking_number";
        }

        Shipment.TryParse(e.Status, out var status);
        var occurredAt = e.OccurredAt!.Value.UtcDateTime;
        var from = shipment.Status;
        var changed = shipment.Apply(status, occurredAt);
        db.Add(new TrackingEvent(e.EventId!, shipment.Id, status, occurredAt, e.Location, e.Description, changed, now));
        if (changed)
        {
            var order = await db.Set<Order>().FirstAsync(o => o.Id == shipment.OrderId, ct);
            ShipmentEvents.RecordUpdated(db, shipment, order.Number, now);
            audit.Record(db, "shipment.status_changed", $"shipment/{shipment.Id}", details: new
            {
                order.Number,
                from = Shipment.Name(from),
                to = Shipment.Name(status),
                e.EventId,
            });
            if (status == ShipmentStatus.Delivered)
            {
                var undelivered = await db.Set<Shipment>()
                    .AnyAsync(s => s.OrderId == order.Id && s.Id != shipment.Id && s.Status != ShipmentStatus.Delivered, ct);
                if (undelivered || !OrderTransitions.TryApply(db, audit, order, OrderStatus.Delivered, actor, "Every shipment was delivered.", now))
                {
                    // Two last deliveries racing both touch the order: its version lets one save, the other rereads.
                    order.Touch(now);
                }
            }
        }

        await db.SaveChangesAsync(ct);
        return changed ? "applied" : "recorded";
    }

    private static Request? Parse(byte[] body)
    {
        try
        {
            return JsonSerializer.Deserialize<Request>(body, Json);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static JsonSerializerOptions CreateJson()
    {
        var json = new JsonSerializerOptions(JsonSerializerDefaults.Web);
        HttpSetup.ConfigureJson(json);
        return json;
    }
}
