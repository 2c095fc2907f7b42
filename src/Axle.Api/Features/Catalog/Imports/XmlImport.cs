using System.Xml;
using System.Xml.Linq;

namespace Axle.Api.Features.Catalog.Imports;

/// <summary>
/// Streaming XML for ACES and PIES: an <see cref="XmlReader"/> walks the file and only one <c>App</c> or <c>Item</c>
/// at a time is materialized, so memory stays flat whatever the file size. DTDs are refused and nothing external is
/// ever resolved (no XXE, no entity expansion).
/// </summary>
internal static class XmlImport
{
    public static XmlReader Open(Stream stream) => XmlReader.Create(stream, new XmlReaderSettings
    {
        DtdProcessing = DtdProcessing.Prohibit,
        XmlResolver = null,
        IgnoreComments = true,
        IgnoreWhitespace = true,
        IgnoreProcessingInstructions = true,
        CloseInput = false,
    });

    /// <summary>
    /// Yields every element named one of <paramref name="records"/> with its starting line, and hands elements named
    /// <paramref name="header"/> to <paramref name="onHeader"/> as they pass.
    /// </summary>
    public static IEnumerable<(int Line, XElement Element)> Elements(
        XmlReader reader, string root, string[] records, string? header = null, Action<XElement>? onHeader = null)
    {
        var info = (IXmlLineInfo)reader;
        if (reader.MoveToContent() != XmlNodeType.Element || reader.LocalName != root)
        {
            throw new ImportFileException($"The document element must be <{root}>.");
        }

        reader.Read();
        while (!reader.EOF)
        {
            if (reader.NodeType != XmlNodeType.Element)
            {
                reader.Read();
                continue;
            }

            if (records.Contains(reader.LocalName))
            {
                var line = info.LineNumber;
                // ReadFrom leaves the reader on the node after the element.
                yield return (line, (XElement)XNode.ReadFrom(reader));
            }
            else if (reader.LocalName == header && onHeader is not null)
            {
                onHeader((XElement)XNode.ReadFrom(reader));
            }
            else
            {
                // A wrapper (PIES <Items>) or something we do not import: step inside, its children are looked at in turn.
                reader.Read();
            }
        }
    }

    public static string? Child(this XElement element, string name) =>
        RawPart.Text(element.Elements().FirstOrDefault(e => e.Name.LocalName == name)?.Value);

    public static XElement? Find(this XElement element, string name) =>
        element.Elements().FirstOrDefault(e => e.Name.LocalName == name);

    public static IEnumerable<XElement> All(this XElement element, string name) =>
        element.Descendants().Where(e => e.Name.LocalName == name);

    public static string? Attr(this XElement? element, string name) =>
        RawPart.Text(element?.Attributes().FirstOrDefault(a => a.Name.LocalName.Equals(name, StringComparison.OrdinalIgnoreCase))?.Value);
}
