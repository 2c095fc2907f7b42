using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Axle.Api.Features.Suppliers.Mapping;

/// <summary>Where a path led inside a record.</summary>
internal enum PathLookup
{
    Found,
    /// <summary>A name or index on the way is absent, or the value is JSON null.</summary>
    Missing,
    /// <summary>Something on the way is a scalar where the path needs an object or an array.</summary>
    WrongShape,
}

/// <summary>
/// A field path, parsed once when the mapper is built. The syntax is deliberately small: names separated by dots, each
/// optionally followed by zero-based indexes in brackets — <c>qtyAvail</c>, <c>stock.available</c>, <c>prices[0].amount</c>,
/// <c>rows[2][0]</c>. A name is any run of characters other than <c>.</c>, <c>[</c> and <c>]</c> (so CSV headers such as
/// <c>Qty Avail</c> work) and matches the property name exactly, case included. There is no escaping: a property whose
/// name contains a dot or a bracket cannot be addressed.
/// </summary>
internal sealed class FieldPath
{
    public const int MaxLength = 200;
    private const int MaxSegments = 16;
    private const int MaxIndexDigits = 6;

    // Names are held as UTF-8 so a lookup compares bytes with the document and never transcodes per record.
    private readonly Segment[] segments;

    private FieldPath(string text, Segment[] segments)
    {
        Text = text;
        this.segments = segments;
    }

    /// <summary>The path as written in the mapping; rejections name the field this way.</summary>
    public string Text { get; }

    public static bool TryParse(string? text, [NotNullWhen(true)] out FieldPath? path, [NotNullWhen(false)] out string? error)
    {
        path = null;
        if (string.IsNullOrWhiteSpace(text))
        {
            error = "A field path cannot be empty.";
            return false;
        }

        if (text.Length > MaxLength)
        {
            error = $"A field path has at most {MaxLength} characters.";
            return false;
        }

        var list = new List<Segment>();
        var i = 0;
        while (true)
        {
            var start = i;
            while (i < text.Length && text[i] is not ('.' or '[' or ']'))
            {
                i++;
            }

            if (i == start || string.IsNullOrWhiteSpace(text[start..i]))
            {
                error = $"'{text}' needs a field name at position {start + 1} (names are separated by single dots).";
                return false;
            }

            if (text.AsSpan(start, i - start).ContainsAnyInRange('\0', '\u001f'))
            {
                error = $"'{text}' contains a control character.";
                return false;
            }

            list.Add(new Segment(Encoding.UTF8.GetBytes(text[start..i]), -1));
            while (i < text.Length && text[i] == '[')
            {
                var digits = ++i;
                while (i < text.Length && char.IsAsciiDigit(text[i]))
                {
                    i++;
                }

                if (i == digits || i - digits > MaxIndexDigits || i >= text.Length || text[i] != ']')
                {
                    error = $"'{text}' has a malformed index at position {digits}: an index is up to {MaxIndexDigits} digits in brackets, such as prices[0].";
                    return false;
                }

                list.Add(new Segment(null, int.Parse(text.AsSpan(digits, i - digits), CultureInfo.InvariantCulture)));
                i++;
            }

            if (i == text.Length)
            {
                break;
            }

            if (text[i] != '.')
            {
                error = $"'{text}' has an unexpected '{text[i]}' at position {i + 1}.";
                return false;
            }

            i++;
        }

        if (list.Count > MaxSegments)
        {
            error = $"'{text}' is nested deeper than {MaxSegments} levels.";
            return false;
        }

        path = new FieldPath(text, [.. list]);
        error = null;
        return true;
    }

    public static FieldPath Parse(string text) =>
        TryParse(text, out var path, out var error) ? path : throw new ArgumentException(error, nameof(text));

    public PathLookup Find(JsonElement root, out JsonElement value)
    {
        value = root;
        foreach (var segment in segments)
        {
            if (value.ValueKind is JsonValueKind.Null or JsonValueKind.Undefined)
            {
                return PathLookup.Missing;
            }

            if (segment.Name is { } name)
            {
                if (value.ValueKind != JsonValueKind.Object)
                {
                    return PathLookup.WrongShape;
                }

                if (!value.TryGetProperty(name, out value))
                {
                    return PathLookup.Missing;
                }
            }
            else
            {
                if (value.ValueKind != JsonValueKind.Array)
                {
                    return PathLookup.WrongShape;
                }

                if (segment.Index >= value.GetArrayLength())
                {
                    return PathLookup.Missing;
                }

                value = value[segment.Index];
            }
        }

        return value.ValueKind is JsonValueKind.Null or JsonValueKind.Undefined ? PathLookup.Missing : PathLookup.Found;
    }

    public override string ToString() => Text;

    private readonly record struct Segment(byte[]? Name, int Index);
}
