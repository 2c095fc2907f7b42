namespace Axle.Api.Features.Vehicles;

/// <summary>Why a VIN was refused; each reason has a stable code that the 400 problem names.</summary>
public sealed record VinError(string Code, string Message);

public sealed record DecodedVin(
    string Vin,
    string Wmi,
    string? Manufacturer,
    string? Make,
    string Region,
    string? Country,
    string VehicleDescriptor,
    char CheckDigit,
    char ModelYearCode,
    int ModelYear,
    char PlantCode,
    string SerialNumber);

public sealed record VinResult(DecodedVin? Vehicle, IReadOnlyList<VinError> Errors)
{
    public bool IsValid => Errors.Count == 0;
}

/// <summary>
/// 49 CFR 565 VIN validation and decoding: 17 characters from 0-9 and A-Z without I, O, Q; check digit in position 9;
/// model year in position 10 with the position-7 rule choosing between the 1980-2009 and 2010-2039 cycles; the
/// manufacturer from the WMI (positions 1-3, or 1-3 + 12-14 for low-volume makers whose third character is 9).
/// </summary>
public static class VinDecoder
{
    private const string YearCodes = "ABCDEFGHJKLMNPRSTVWXY123456789";
    private static readonly int[] Weights = [8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2];

    public static VinResult Decode(string? input)
    {
        // Project rule: trim and upper-case, but never "correct" O to 0 or I to 1.
        var vin = (input ?? string.Empty).Trim().ToUpperInvariant();
        var errors = new List<VinError>();
        if (vin.Length != 17)
        {
            errors.Add(new VinError("invalid_length", $"A VIN has 17 characters; this one has {vin.Length}."));
        }

        var bad = vin.Select((c, i) => (c, position: i + 1)).Where(x => Transliterate(x.c) < 0).ToList();
        if (bad.Count > 0)
        {
            var list = string.Join(", ", bad.Take(5).Select(x => $"'{x.c}' at position {x.position}"));
            errors.Add(new VinError("invalid_characters",
                $"A VIN uses only digits and the letters A-Z without I, O and Q; found {list}."));
        }

        if (errors.Count > 0)
        {
            return new VinResult(null, errors);
        }

        var expected = ComputeCheckDigit(vin);
        if (vin[8] != expected)
        {
            errors.Add(new VinError("invalid_check_digit",
                $"Position 9 is '{vin[8]}' but the check digit computed from the other positions is '{expected}'. " +
                "VINs from outside North America may carry no check digit."));
        }

        var yearIndex = YearCodes.IndexOf(vin[9], StringComparison.Ordinal);
        if (yearIndex < 0)
        {
            errors.Add(new VinError("invalid_model_year",
                $"Position 10 is '{vin[9]}', which is not a model-year code (I, O, Q, U, Z and 0 are never used)."));
        }

        if (errors.Count > 0)
        {
            return new VinResult(null, errors);
        }

        // Since 2010 position 7 is a letter for cars, MPVs and light trucks; before, it was a digit.
        var year = (char.IsLetter(vin[6]) ? 2010 : 1980) + yearIndex;
        var wmi = vin[..3];
        var manufacturer = WmiTable.Find(wmi, vin[11..14]);
        var (region, country) = WmiTable.Region(vin[0], vin[1]);
        var decoded = new DecodedVin(
            vin,
            wmi,
            manufacturer?.Manufacturer,
            manufacturer?.Make,
            region,
            manufacturer?.Country ?? country,
            vin[3..8],
            vin[8],
            vin[9],
            year,
            vin[10],
            vin[11..]);
        return new VinResult(decoded, errors);
    }

    /// <summary>The check digit (0-9 or X) that position 9 must hold.</summary>
    public static char ComputeCheckDigit(string vin)
    {
        var sum = 0;
        for (var i = 0; i < 17; i++)
        {
            sum += Transliterate(vin[i]) * Weights[i];
        }

        var remainder = sum % 11;
        return remainder == 10 ? 'X' : (char)('0' + remainder);
    }

    /// <summary>The 49 CFR 565.15 value of a VIN character, or -1 when the character is not allowed.</summary>
    public static int Transliterate(char c) => c switch
    {
        >= '0' and <= '9' => c - '0',
        'A' or 'J' => 1,
        'B' or 'K' or 'S' => 2,
        'C' or 'L' or 'T' => 3,
        'D' or 'M' or 'U' => 4,
        'E' or 'N' or 'V' => 5,
        'F' or 'W' => 6,
        'G' or 'P' or 'X' => 7,
        'H' or 'Y' => 8,
        'R' or 'Z' => 9,
        _ => -1,
    };
}
