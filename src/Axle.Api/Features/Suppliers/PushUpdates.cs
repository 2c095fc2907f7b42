using System.Globalization;
using System.Net;
using System.Text.Json;
using Axle.Api.Platform.Data;
using Axle.Api.Platform.Http;
using Axle.Api.Platform.Messaging;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Axle.Api.Features.Suppliers;

/// <summary>
/// <c>POST /api/v1/inventory/updates</c>: a supplier pushes stock (and price) changes. The body is verified as received
/// (Standard Webhooks with the supplier's secret — or the previous one during a rotation's grace), stored in the inbox
/// under its <c>webhook-id</c> and answered 202; the inbox worker applies the events afterwards (<see cref="SupplierInboxWorker"/>).
/// Only the envelope is checked here (JSON object, a supplier id, 1..max events); each event is validated when applied,
/// and one bad event never blocks the others. Unknown supplier, inactive supplier, supplier without webhook, missing or
/// wrong signature, stale timestamp: all the same 401.
/// </summary>
internal static class PushUpdates
{
    public sealed record Response(string Status, string MessageId, bool Duplicate);

    public static async Task<Results<Accepted<Response>, ProblemHttpResult>> Handle(
        HttpRequest request, AppDbContext db, SupplierSecrets secrets, SupplierMetrics metrics, IOptions<SupplierOptions> options,
        TimeProvider time, CancellationToken ct)
    {
        var settings = options.Value;
        var body = await RawBody.ReadAsync(request, settings.MaxPushBytes, ct);
        if (body is null)
        {
            metrics.Pushes.Add(1, new KeyValuePair<string, object?>("result", "too_large"));
            return Problems.Create(StatusCodes.Status413PayloadTooLarge, "payload_too_large", "Payload too large",
                $"At most {settings.MaxPushBytes} bytes per push; split the events over several pushes.");
        }

        // The supplier id is read from the raw bytes without building anything: the signature must be checked first.
        var envelope = Envelope.Read(body, settings.MaxPushEvents);
        var now = time.GetUtcNow();
        var supplier = envelope.SupplierId is { } id
            ? await db.Set<Supplier>().AsNoTracking().FirstOrDefaultAsync(s => s.Id == id, ct)
            : envelope.SupplierCode is { } code ? await db.Set<Supplier>().AsNoTracking().FirstOrDefaultAsync(s => s.Code == code, ct)
            : null;
        var messageId = request.Headers[StandardWebhookSignature.IdHeader].ToString();
        if (supplier is not { Active: true, WebhookEnabled: true }
            || StandardWebhookSignature.Verify(
                messageId, request.Headers[StandardWebhookSignature.TimestampHeader],
                request.Headers[StandardWebhookSignature.SignatureHeader], body, secrets.VerifyingSecrets(supplier, now.UtcDateTime),
                now, settings.WebhookTolerance) != SignatureCheck.Valid)
        {
            metrics.Pushes.Add(1, new KeyValuePair<string, object?>("result", "unauthorized"));
            return Problems.Unauthorized("The webhook signature could not be verified.");
        }

        if (!IpAllowed(supplier.IpAllowList, request.HttpContext.Connection.RemoteIpAddress))
        {
            // Checked after the signature, so nobody without the secret learns anything about the list.
            metrics.Pushes.Add(1, new KeyValuePair<string, object?>("result", "ip_refused"));
            return Problems.Forbidden("This supplier's pushes are not accepted from this address.");
        }

        if (envelope.Error is { } error)
        {
            metrics.Pushes.Add(1, new KeyValuePair<string, object?>("result", "invalid"));
            return Problems.BadRequest("invalid_push", error);
        }

        if (messageId.Length > InboxMessage.MessageIdMaxLength)
        {
            return Problems.BadRequest("invalid_push", $"webhook-id is at most {InboxMessage.MessageIdMaxLength} characters.");
        }

        var stored = await Inbox.StoreAsync(db, SupplierInboxWorker.SourceOf(supplier.Id), messageId, body, now.UtcDateTime, ct);
        metrics.Pushes.Add(1, new KeyValuePair<string, object?>("result", stored ? "accepted" : "duplicate"));
        return TypedResults.Accepted((string?)null, new Response("accepted", messageId, !stored));
    }

    internal static bool IpAllowed(string? allowList, IPAddress? remote)
    {
        if (string.IsNullOrWhiteSpace(allowList))
        {
            return true;
        }

        if (remote is null)
        {
            return false;
        }

        var address = remote.IsIPv4MappedToIPv6 ? remote.MapToIPv4() : remote;
        foreach (var entry in allowList.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (IPNetwork.TryParse(entry, out var network) && network.Contains(address))
            {
                return true;
            }

            if (IPAddress.TryParse(entry, out var single) && single.Equals(address))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The push envelope as far as intake needs it: who sent it, and whether it is well-formed.</summary>
    internal readonly record struct Envelope(long? SupplierId, string? SupplierCode, int Events, string? Error)
    {
        public static Envelope Read(ReadOnlySpan<byte> body, int maxEvents)
        {
            long? id = null;
            string? code = null;
            var events = -1;
            try
            {
                var reader = new Utf8JsonReader(body, new JsonReaderOptions { MaxDepth = 16 });
                if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
                {
                    return new Envelope(null, null, 0, "The body is a JSON object {\"supplierId\", \"events\": [...]}.");
                }

                while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                {
                    if (reader.ValueTextEquals("supplierId"u8))
                    {
                        reader.Read();
                        if (reader.TokenType == JsonTokenType.Number && reader.TryGetInt64(out var number))
                        {
                            id = number;
                        }
                        else if (reader.TokenType == JsonTokenType.String && reader.GetString() is { Length: > 0 and <= Supplier.CodeMaxLength } text)
                        {
                            if (long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed))
                            {
                                id = parsed;
                            }
                            else
                            {
                                code = text;
                            }
                        }
                    }
                    else if (reader.ValueTextEquals("events"u8))
                    {
                        reader.Read();
                        if (reader.TokenType != JsonTokenType.StartArray)
                        {
                            reader.Skip();
                            continue;
                        }

                        events = 0;
                        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                        {
                            events++;
                            reader.Skip();
                        }
                    }
                    else
                    {
                        reader.Read();
                        reader.Skip();
                    }
                }

                // Reading to the end proves the whole document is well-formed JSON.
                while (reader.Read())
                {
                }
            }
            catch (JsonException)
            {
                return new Envelope(id, code, 0, "The body is not well-formed JSON.");
            }

            var error = id is null && code is null ? "supplierId is required."
                : events < 1 || events > maxEvents ? $"events is an array of 1 to {maxEvents} events."
                : null;
            return new Envelope(id, code, Math.Max(events, 0), error);
        }
    }
}
