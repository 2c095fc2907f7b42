namespace Axle.Api.Features.Pricing;

/// <summary>Prices, tax and shipping rules shared by carts and (later) checkout.</summary>
public static class PricingSetup
{
    public static WebApplicationBuilder AddPricing(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<TaxOptions>().BindConfiguration(TaxOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<ShippingOptions>().BindConfiguration(ShippingOptions.Section).ValidateDataAnnotations()
            .Validate(o => HasTwoPlaces(o.FlatAmount) && HasTwoPlaces(o.PerKgAmount) && HasTwoPlaces(o.HazmatSurcharge)
                && (o.FreeShippingThreshold is null || HasTwoPlaces(o.FreeShippingThreshold.Value)),
                "Shipping amounts have at most 2 decimal places.")
            .ValidateOnStart();
        services.AddSingleton<ITaxCalculator, TableTaxCalculator>();
        services.AddSingleton<IShippingCalculator, WeightShippingCalculator>();
        return builder;
    }

    private static bool HasTwoPlaces(decimal amount) => amount * 100m == decimal.Truncate(amount * 100m);
}
