using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace Axle.Api.Platform.Http;

/// <summary>
/// Reads a <see cref="JsonObject"/> body (merge patch) and refuses a member named twice as malformed JSON. The built-in
/// reader defers the check to the first enumeration, which then throws an <see cref="ArgumentException"/> (a 500).
/// </summary>
internal sealed class UniqueMembersJsonObjectConverter : JsonConverter<JsonObject>
{
    public override JsonObject? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (JsonNode.Parse(ref reader) is not { } node)
        {
            return null;
        }

        var value = node as JsonObject ?? throw new JsonException("The body must be a JSON object.");
        try
        {
            _ = value.Count; // builds the member dictionary now
        }
        catch (ArgumentException e)
        {
            throw new JsonException("A member appears more than once.", e);
        }

        return value;
    }

    public override void Write(Utf8JsonWriter writer, JsonObject value, JsonSerializerOptions options) => value.WriteTo(writer, options);
}
