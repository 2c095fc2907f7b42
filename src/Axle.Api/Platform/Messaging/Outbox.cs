using System.Text.Json;
using Axle.Api.Platform.Data;
using Axle.Api.Platform.Http;

namespace Axle.Api.Platform.Messaging;

/// <summary>
/// The transactional outbox (STYLE.md §8): <see cref="Add"/> puts an event into the caller's unit of work, so it commits
/// or rolls back with the change it describes. Nothing is sent here; a relay worker delivers later.
/// </summary>
public static class Outbox
{
    private static readonly JsonSerializerOptions Json = CreateJson();

    /// <summary>Adds an event to <paramref name="db"/>; the caller's <c>SaveChangesAsync</c> writes it.</summary>
    /// <param name="type">Dot-separated type, e.g. <c>inventory.changed</c>.</param>
    /// <param name="payload">The event data, serialized as camelCase JSON with enums in snake_case, like API responses.</param>
    /// <param name="occurredAt">When the change happened (UTC), from the caller's <see cref="TimeProvider"/>.</param>
    public static OutboxMessage Add(AppDbContext db, string type, object payload, DateTime occurredAt)
    {
        var message = Create(type, payload, occurredAt);
        db.Add(message);
        return message;
    }

    /// <summary>An event for the caller to write in its transaction itself (e.g. thousands at once with <see cref="BulkInsert"/>).</summary>
    public static OutboxMessage Create(string type, object payload, DateTime occurredAt)
    {
        ArgumentException.ThrowIfNullOrEmpty(type);
        return new OutboxMessage(
            Guid.CreateVersion7(new DateTimeOffset(occurredAt, TimeSpan.Zero)),
            type,
            JsonSerializer.Serialize(payload, payload.GetType(), Json),
            occurredAt);
    }

    private static JsonSerializerOptions CreateJson()
    {
        var json = new JsonSerializerOptions(JsonSerializerDefaults.Web);
        HttpSetup.ConfigureJson(json);
        return json;
    }
}
