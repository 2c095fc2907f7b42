using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace Axle.Api.Features.Pricing;

/// <summary>Where goods are shipped to: ISO 3166-1 alpha-2 country and an optional region (state, province).</summary>
public sealed record Destination(string Country, string? Region);

/// <summary>The rate that applies to a destination and the rule it came from (<c>US-TX</c>, <c>US</c>, <c>default</c>).</summary>
public sealed record TaxRate(decimal Percent, string Jurisdiction);

/// <summary>Sales tax rates. The built-in one reads a table from configuration; a tax service can replace it.</summary>
public interface ITaxCalculator
{
    TaxRate RateFor(Destination destination);
}

public sealed class TaxRule
{
    [Required, RegularExpression("^[A-Z]{2}$", ErrorMessage = "A country is an upper-case ISO 3166-1 alpha-2 code.")]
    public string Country { get; set; } = "";

    [StringLength(100)]
    public string? Region { get; set; }

    [Range(typeof(decimal), "0", "100")]
    public decimal RatePercent { get; set; }
}

public sealed class TaxOptions : IValidatableObject
{
    public const string Section = "Tax";

    /// <summary>The rate where no rule matches.</summary>
    [Range(typeof(decimal), "0", "100")]
    public decimal DefaultRatePercent { get; set; }

    /// <summary>A (country, region) rule wins over a country-wide rule (no region), which wins over the default.</summary>
    public List<TaxRule> Rates { get; set; } = [];

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        for (var i = 0; i < Rates.Count; i++)
        {
            var results = new List<ValidationResult>();
            if (!Validator.TryValidateObject(Rates[i], new ValidationContext(Rates[i]), results, validateAllProperties: true))
            {
                foreach (var result in results)
                {
                    yield return new ValidationResult($"Tax:Rates:{i}: {result.ErrorMessage}");
                }
            }
        }

        var duplicate = Rates.GroupBy(r => (r.Country, Region: r.Region?.ToUpperInvariant())).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            yield return new ValidationResult($"Tax:Rates names {duplicate.Key.Country} {duplicate.Key.Region} more than once.");
        }
    }
}

/// <summary>Looks the destination up in <see cref="TaxOptions.Rates"/>; regions compare case-insensitively.</summary>
internal sealed class TableTaxCalculator(IOptions<TaxOptions> options) : ITaxCalculator
{
    public TaxRate RateFor(Destination destination)
    {
        var rates = options.Value.Rates;
        var country = destination.Country.ToUpperInvariant();
        if (destination.Region is { } region
            && rates.Find(r => r.Country == country && string.Equals(r.Region, region, StringComparison.OrdinalIgnoreCase)) is { } regional)
        {
            return new TaxRate(regional.RatePercent, $"{country}-{regional.Region}");
        }

        return rates.Find(r => r.Country == country && string.IsNullOrEmpty(r.Region)) is { } national
            ? new TaxRate(national.RatePercent, country)
            : new TaxRate(options.Value.DefaultRatePercent, "default");
    }
}
