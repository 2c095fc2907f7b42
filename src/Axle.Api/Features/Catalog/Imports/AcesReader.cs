using System.Globalization;
using System.Xml.Linq;

namespace Axle.Api.Features.Catalog.Imports;

/// <summary>One ACES application: this part fits these vehicles (action A) or no longer does (action D).</summary>
internal sealed record AcesApp(
    bool Delete,
    int? BaseVehicleId,
    int? YearFrom,
    int? YearTo,
    string? Make,
    string? Model,
    string? Submodel,
    string? Engine,
    string? Notes,
    int Quantity,
    string? Position,
    string PartNumber,
    string? Brand);

/// <summary>
/// ACES fitment, streamed App by App. Vehicles are named by <c>&lt;BaseVehicle id&gt;</c>, or by
/// <c>&lt;Years from to&gt;</c> (or <c>&lt;Year&gt;</c>) with <c>&lt;Make&gt;</c> and <c>&lt;Model&gt;</c> as text;
/// <c>&lt;SubModel&gt;</c> and <c>&lt;EngineBase&gt;</c> text narrow the match. The header's <c>BrandOwner</c> (or
/// <c>BrandAAIAID</c>) names the brand when it is a brand the catalog knows. <c>Position</c> is stored as its text
/// ("Front"), else its PCdb id ("22"); <c>Qty</c> defaults to 1; <c>Note</c>s are joined with "; ";
/// <c>PartType</c> is not used (the part already has a category).
/// </summary>
internal static class AcesReader
{
    private const int MinYear = 1900;
    private const int MaxYear = 2100;

    public static IEnumerable<ImportRow<AcesApp>> Read(Stream stream)
    {
        using var reader = XmlImport.Open(stream);
        string? brand = null;
        foreach (var (line, app) in XmlImport.Elements(reader, "ACES", ["App"], "Header",
            h => brand = h.Child("BrandOwner") ?? h.Child("BrandAAIAID")))
        {
            yield return Parse(line, app, brand);
        }
    }

    private static ImportRow<AcesApp> Parse(int line, XElement app, string? brand)
    {
        var errors = new List<RowError>();
        void Error(string field, string message) => errors.Add(new RowError(line, field, message));

        var action = app.Attr("action") ?? "A";
        if (action is not ("A" or "D"))
        {
            Error("action", $"Unknown action '{RawPart.Clip(action)}'; use A (add) or D (delete).");
        }

        int? baseVehicle = null;
        if (app.Find("BaseVehicle") is { } bv)
        {
            baseVehicle = Number(bv.Attr("id") ?? RawPart.Text(bv.Value));
            if (baseVehicle is null)
            {
                Error("baseVehicle", "BaseVehicle needs a numeric id.");
            }
        }

        int? from = null, to = null;
        if (app.Find("Years") is { } years)
        {
            from = Number(years.Attr("from"));
            to = Number(years.Attr("to")) ?? from;
        }
        else if (app.Child("Year") is { } year)
        {
            from = to = Number(year);
        }

        var make = app.Child("Make");
        var model = app.Child("Model");
        if (baseVehicle is null && errors.Count == 0)
        {
            if (from is null || to is null || from < MinYear || to > MaxYear || from > to)
            {
                Error("years", $"Give a BaseVehicle id or a year range between {MinYear} and {MaxYear} (from ≤ to).");
            }

            if (make is null || make.Length > 64)
            {
                Error("make", "Make (text, ≤ 64 characters) is required without a BaseVehicle.");
            }

            if (model is null || model.Length > 64)
            {
                Error("model", "Model (text, ≤ 64 characters) is required without a BaseVehicle.");
            }
        }

        var part = app.Child("Part");
        if (part is null || PartNumbers.Normalize(part).Length == 0)
        {
            Error("part", "Part number is required.");
        }

        var quantity = 1;
        if (app.Child("Qty") is { } qty)
        {
            if (Number(qty) is { } q and >= 1 and <= 999)
            {
                quantity = q;
            }
            else
            {
                Error("qty", $"Qty '{RawPart.Clip(qty)}' must be a whole number from 1 to 999.");
            }
        }

        var position = app.Find("Position") is { } p ? RawPart.Text(p.Value) ?? p.Attr("id") : null;
        if (position is { Length: > 32 })
        {
            Error("position", "Position is longer than 32 characters.");
        }

        var notes = string.Join("; ", app.Elements().Where(e => e.Name.LocalName == "Note").Select(n => n.Value.Trim()).Where(n => n.Length > 0));
        var submodel = Text(app.Find("SubModel"));
        var engine = Text(app.Find("EngineBase")) ?? Text(app.Find("Engine"));

        return errors.Count > 0
            ? ImportRow<AcesApp>.Bad(line, errors)
            : ImportRow<AcesApp>.Ok(line, new AcesApp(
                action == "D", baseVehicle, from, to, make, model, Clip(submodel, 64), Clip(engine, 64),
                notes.Length == 0 ? null : Clip(notes, 500), quantity, position, part!, brand));
    }

    // VCdb ids (<SubModel id="20"/>) mean nothing without the VCdb; only text narrows a match.
    private static string? Text(XElement? element) => element is null ? null : RawPart.Text(element.Value);

    private static string? Clip(string? value, int max) => value is { } v && v.Length > max ? v[..max] : value;

    private static int? Number(string? text) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : null;
}
