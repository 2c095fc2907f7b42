using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Axle.Api.Features.Catalog.Imports;

/// <summary>
/// JSON lines: one part object per line with the CSV fields (numbers may be JSON numbers or strings) plus
/// <c>interchange</c> (array of numbers), <c>attributes</c> <c>[{name, value, type?, unit?}]</c>,
/// <c>images</c> <c>[{url, alt?}]</c> and <c>documents</c> <c>[{url, title, type?, sizeBytes?}]</c>. Blank lines are skipped.
/// </summary>
internal static class JsonLinesPartReader
{
    public const int MaxLineChars = 1024 * 1024;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
        MaxDepth = 8,
    };

    public static IEnumerable<ImportRow<ImportedPart>> Read(Stream stream)
    {
        using var reader = new StreamReader(stream, leaveOpen: true);
        var buffer = new StringBuilder();
        var line = 0;
        while (ReadLine(reader, buffer) is { } complete)
        {
            line++;
            if (!complete)
            {
                yield return ImportRow<ImportedPart>.Bad(line, [new RowError(line, null, $"The line is longer than {MaxLineChars:N0} characters.")]);
                continue;
            }

            var text = buffer.ToString();
            if (string.IsNullOrWhiteSpace(text))
            {
                continue;
            }

            JsonPart? part;
            string? problem = null;
            try
            {
                part = JsonSerializer.Deserialize<JsonPart>(text, Json);
            }
            catch (JsonException ex)
            {
                part = null;
                problem = ex.Path is { Length: > 1 } path
                    ? $"Invalid value at '{path}'."
                    : "The line is not a valid JSON object.";
            }

            if (part is null)
            {
                yield return ImportRow<ImportedPart>.Bad(line, [new RowError(line, null, problem ?? "The line is not a JSON object.")]);
                continue;
            }

            yield return part.ToRaw().Validate(line);
        }
    }

    /// <summary>
    /// Reads one line into <paramref name="buffer"/>, holding at most <see cref="MaxLineChars"/> characters so one huge line
    /// cannot exhaust memory. Null at the end of the file; false when the line was too long (the rest is skipped).
    /// </summary>
    private static bool? ReadLine(StreamReader reader, StringBuilder buffer)
    {
        buffer.Clear();
        var tooLong = false;
        int c;
        while ((c = reader.Read()) >= 0)
        {
            if (c == '\n')
            {
                return !tooLong;
            }

            if (c == '\r' && reader.Peek() == '\n')
            {
                continue;
            }

            if (buffer.Length < MaxLineChars)
            {
                buffer.Append((char)c);
            }
            else
            {
                tooLong = true;
            }
        }

        return buffer.Length > 0 || tooLong ? !tooLong : null;
    }

    private sealed class JsonPart
    {
        public JsonElement Sku { get; set; }
        public JsonElement PartNumber { get; set; }
        public JsonElement Brand { get; set; }
        public JsonElement Category { get; set; }
        public JsonElement Name { get; set; }
        public JsonElement Description { get; set; }
        public JsonElement Price { get; set; }
        public JsonElement Currency { get; set; }
        public JsonElement CoreCharge { get; set; }
        public JsonElement Hazmat { get; set; }
        public JsonElement WeightGrams { get; set; }
        public List<string>? Interchange { get; set; }
        public List<JsonAttribute>? Attributes { get; set; }
        public List<JsonImage>? Images { get; set; }
        public List<JsonDocument>? Documents { get; set; }

        public RawPart ToRaw() => new()
        {
            Sku = Text(Sku),
            PartNumber = Text(PartNumber),
            Brand = Text(Brand),
            Category = Text(Category),
            Name = Text(Name),
            Description = Text(Description),
            Price = Text(Price),
            Currency = Text(Currency),
            CoreCharge = Text(CoreCharge),
            Hazmat = Text(Hazmat),
            WeightGrams = Text(WeightGrams),
            Interchange = Interchange,
            Attributes = Attributes?.Select(a => new ImportedAttribute(a.Name ?? "", a.Value ?? "", a.Type ?? AttributeType.Text, a.Unit)).ToList(),
            Images = Images?.Select(i => new ImportedImage(i.Url ?? "", i.Alt)).ToList(),
            Documents = Documents?.Select(d => new ImportedDocument(d.Url ?? "", d.Title ?? "", d.Type ?? DocumentType.Other, d.SizeBytes)).ToList(),
        };

        // Scalars arrive as strings, numbers or booleans; the shared rules parse the text.
        private static string? Text(JsonElement e) => e.ValueKind switch
        {
            JsonValueKind.String => e.GetString(),
            JsonValueKind.Number => e.GetRawText(),
            JsonValueKind.True => "true",
            JsonValueKind.False => "false",
            JsonValueKind.Undefined or JsonValueKind.Null => null,
            _ => e.GetRawText(),
        };
    }

    private sealed record JsonAttribute(string? Name, string? Value, AttributeType? Type, string? Unit);

    private sealed record JsonImage(string? Url, string? Alt);

    private sealed record JsonDocument(string? Url, string? Title, DocumentType? Type, long? SizeBytes);
}
