using System.ComponentModel.DataAnnotations;

namespace Axle.Api.Features.Inventory;

/// <summary>A warehouse address as clients send it. country: ISO 3166-1 alpha-2, upper case.</summary>
public sealed record AddressInput(
    [property: Required, StringLength(200, MinimumLength = 1)] string? Line1,
    [property: StringLength(200)] string? Line2,
    [property: Required, StringLength(100, MinimumLength = 1)] string? City,
    [property: StringLength(100)] string? Region,
    [property: Required, StringLength(20, MinimumLength = 1)] string? PostalCode,
    [property: Required, RegularExpression("^[A-Z]{2}$", ErrorMessage = "The country is an upper-case ISO 3166-1 alpha-2 code such as US.")]
    string? Country)
{
    internal WarehouseAddress ToAddress() =>
        new(Line1!.Trim(), Blank(Line2), City!.Trim(), Blank(Region), PostalCode!.Trim(), Country!);

    private static string? Blank(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();
}

public sealed record WarehouseResponse(
    long Id, string Code, string Name, WarehouseAddress Address, bool Active, DateTime CreatedAt, DateTime UpdatedAt)
{
    internal static WarehouseResponse From(Warehouse w) => new(w.Id, w.Code, w.Name, w.Address, w.Active, w.CreatedAt, w.UpdatedAt);
}
