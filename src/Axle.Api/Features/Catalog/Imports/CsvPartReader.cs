using System.Globalization;
using CsvHelper;
using CsvHelper.Configuration;

namespace Axle.Api.Features.Catalog.Imports;

/// <summary>
/// CSV parts, streamed record by record. Header (any order, case-insensitive):
/// <c>sku,partNumber,brand,category,name,description,price,currency,coreCharge,hazmat,weightGrams</c> and optionally
/// <c>interchange</c> (numbers separated by <c>;</c>; a filled cell replaces the part's list, an empty one keeps it). Line numbers are the file's (the header is line 1).
/// </summary>
internal static class CsvPartReader
{
    private static readonly string[] Required = ["sku", "partnumber", "brand", "category", "name", "price"];

    public static IEnumerable<ImportRow<ImportedPart>> Read(Stream stream)
    {
        var config = new CsvConfiguration(CultureInfo.InvariantCulture)
        {
            PrepareHeaderForMatch = args => args.Header.Trim().ToLowerInvariant(),
            MissingFieldFound = null,
            HeaderValidated = null,
            BadDataFound = null,
            DetectColumnCountChanges = false,
            TrimOptions = TrimOptions.Trim,
            // A runaway quoted field would otherwise be buffered whole; past this the file fails as malformed.
            MaxFieldSize = 1024 * 1024,
        };
        using var reader = new StreamReader(stream, leaveOpen: true);
        using var csv = new CsvReader(reader, config);
        if (!csv.Read() || !csv.ReadHeader() || csv.HeaderRecord is null)
        {
            throw new ImportFileException("The CSV file is empty; the first line must be the header.");
        }

        var header = csv.HeaderRecord.Select(h => h.Trim().ToLowerInvariant()).ToHashSet(StringComparer.Ordinal);
        var missing = Required.Where(r => !header.Contains(r)).ToList();
        if (missing.Count > 0)
        {
            throw new ImportFileException($"The CSV header lacks the column(s) {string.Join(", ", missing)}.");
        }

        string? Field(string name) => header.Contains(name) ? csv.GetField(name) : null;

        while (csv.Read())
        {
            var line = csv.Parser.RawRow;
            var raw = new RawPart
            {
                Sku = Field("sku"),
                PartNumber = Field("partnumber"),
                Brand = Field("brand"),
                Category = Field("category"),
                Name = Field("name"),
                Description = Field("description"),
                Price = Field("price"),
                Currency = Field("currency"),
                CoreCharge = Field("corecharge"),
                Hazmat = Field("hazmat"),
                WeightGrams = Field("weightgrams"),
                // An empty cell leaves the part's interchange numbers alone; a filled one replaces them.
                Interchange = RawPart.Text(Field("interchange"))?.Split(';', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries),
            };
            yield return raw.Validate(line);
        }
    }
}

/// <summary>The file as a whole cannot be read (empty, missing header, malformed XML): the job fails with this message.</summary>
internal sealed class ImportFileException(string message) : Exception(message);
