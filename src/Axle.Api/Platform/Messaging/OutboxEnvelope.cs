using System.Text.Json;

namespace Axle.Api.Platform.Messaging;

/// <summary>
/// The body every relayed event leaves in, on a webhook or a broker: the Standard Webhooks payload shape
/// <c>{"type", "timestamp", "data"}</c>. The event's id travels beside it (the <c>webhook-id</c> header, the AMQP message id),
/// always <see cref="MessageId"/>, so receivers deduplicate across retries and transports.
/// </summary>
public static class OutboxEnvelope
{
    /// <summary>The id receivers see: <c>msg_</c> and the outbox event's id (no dots, as the signature scheme requires).</summary>
    public static string MessageId(Guid eventId) => "msg_" + eventId.ToString("N");

    public static byte[] Serialize(string type, DateTime occurredAt, string data)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(data.Length + 128);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("type", type);
            writer.WriteString("timestamp", DateTime.SpecifyKind(occurredAt, DateTimeKind.Utc));
            writer.WritePropertyName("data");
            writer.WriteRawValue(data, skipInputValidation: false);
            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }
}
