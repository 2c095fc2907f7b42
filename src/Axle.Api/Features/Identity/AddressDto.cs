using System.ComponentModel.DataAnnotations;

namespace Axle.Api.Features.Identity;

/// <summary>The API.md address shape, used in requests and responses.</summary>
public sealed record AddressDto(
    [property: Required, StringLength(AddressDto.NameMaxLength, MinimumLength = 1)] string Name,
    [property: Required, StringLength(AddressDto.LineMaxLength, MinimumLength = 1)] string Line1,
    [property: StringLength(AddressDto.LineMaxLength)] string? Line2,
    [property: Required, StringLength(AddressDto.CityMaxLength, MinimumLength = 1)] string City,
    [property: Required, StringLength(AddressDto.CityMaxLength, MinimumLength = 1)] string Region,
    [property: Required, StringLength(AddressDto.PostalCodeMaxLength, MinimumLength = 1)] string PostalCode,
    [property: Required, IsoCountryCode] string Country,
    [property: StringLength(User.PhoneMaxLength), RegularExpression(AddressDto.PhonePattern, ErrorMessage = AddressDto.PhoneMessage)] string? Phone)
{
    public const int NameMaxLength = 100;
    public const int LineMaxLength = 200;
    public const int CityMaxLength = 100;
    public const int PostalCodeMaxLength = 20;
    public const string PhonePattern = @"^\+?[0-9][0-9 ()\-.]{3,30}$";
    public const string PhoneMessage = "Use digits, spaces, ( ) - . and an optional leading +.";

    internal Address ToEntity() => new(
        Name.Trim(), Line1.Trim(), string.IsNullOrWhiteSpace(Line2) ? null : Line2.Trim(), City.Trim(), Region.Trim(),
        PostalCode.Trim(), Country.Trim().ToUpperInvariant(), string.IsNullOrWhiteSpace(Phone) ? null : Phone.Trim());

    internal static AddressDto? From(Address? a) =>
        a is null ? null : new(a.Name, a.Line1, a.Line2, a.City, a.Region, a.PostalCode, a.Country, a.Phone);
}

/// <summary>An officially assigned ISO 3166-1 alpha-2 code (case-insensitive; stored upper-case).</summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Field | AttributeTargets.Parameter)]
internal sealed class IsoCountryCodeAttribute : ValidationAttribute
{
    private static readonly HashSet<string> Codes = new("""
        AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT BV BW BY BZ
        CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR
        GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO
        JP KE KG KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR
        MS MT MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY QA RE RO
        RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR TT TV
        TW TZ UA UG UM US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW
        """.Split((char[])[' ', '\n', '\r'], StringSplitOptions.RemoveEmptyEntries), StringComparer.Ordinal);

    public IsoCountryCodeAttribute()
        : base("Use an ISO 3166-1 alpha-2 country code such as US or DE.")
    {
    }

    public static bool IsValidCode(string? value) =>
        value is { Length: 2 } && Codes.Contains(value.ToUpperInvariant());

    public override bool IsValid(object? value) => value is null || IsValidCode(value as string);
}
