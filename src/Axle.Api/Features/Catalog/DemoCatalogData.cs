namespace Axle.Api.Features.Catalog;

/// <summary>The fixed facts the demo catalog is generated from: makes, models and their generations, part types.</summary>
internal static class DemoCatalogData
{
    /// <summary>A model generation: years it was built and the engines offered.</summary>
    internal sealed record Generation(int From, int To, string[] Engines);

    internal sealed record Model(string Make, string Name, string? Submodel, Generation[] Generations);

    internal sealed record PartType(
        string Category, string Parent, string Noun, string? Position, int Quantity, long BasePriceMinor,
        string[] Brands, bool Always, bool CombustionOnly = false, bool Core = false, bool Hazmat = false);

    private static Generation G(int from, int to, params string[] engines) => new(from, to, engines);

    private static Model M(string make, string name, params Generation[] generations) => new(make, name, null, generations);

    internal static readonly Model[] Models =
    [
        M("Toyota", "Camry", G(2002, 2006, "2.4L I4", "3.0L V6"), G(2007, 2011, "2.5L I4", "3.5L V6"), G(2012, 2017, "2.5L I4", "3.5L V6"), G(2018, 2024, "2.5L I4", "3.5L V6"), G(2025, 2025, "2.5L I4 Hybrid")),
        M("Toyota", "Corolla", G(2003, 2008, "1.8L I4"), G(2009, 2013, "1.8L I4", "2.4L I4"), G(2014, 2019, "1.8L I4"), G(2020, 2025, "2.0L I4", "1.8L I4 Hybrid")),
        M("Toyota", "RAV4", G(2006, 2012, "2.4L I4", "3.5L V6"), G(2013, 2018, "2.5L I4"), G(2019, 2025, "2.5L I4", "2.5L I4 Hybrid")),
        M("Toyota", "Tacoma", G(2005, 2015, "2.7L I4", "4.0L V6"), G(2016, 2023, "2.7L I4", "3.5L V6")),
        M("Toyota", "Highlander", G(2008, 2013, "3.5L V6"), G(2014, 2019, "3.5L V6"), G(2020, 2025, "2.4L I4 Turbo", "3.5L V6")),
        M("Honda", "Civic", G(2001, 2005, "1.7L I4"), G(2006, 2011, "1.8L I4"), G(2012, 2015, "1.8L I4"), G(2016, 2021, "2.0L I4", "1.5L I4 Turbo"), G(2022, 2025, "2.0L I4", "1.5L I4 Turbo")),
        M("Honda", "Accord", G(2003, 2007, "2.4L I4", "3.0L V6"), G(2008, 2012, "2.4L I4", "3.5L V6"), G(2013, 2017, "2.4L I4", "3.5L V6"), G(2018, 2022, "1.5L I4 Turbo", "2.0L I4 Turbo"), G(2023, 2025, "1.5L I4 Turbo")),
        M("Honda", "CR-V", G(2002, 2006, "2.4L I4"), G(2007, 2011, "2.4L I4"), G(2012, 2016, "2.4L I4"), G(2017, 2022, "1.5L I4 Turbo"), G(2023, 2025, "1.5L I4 Turbo")),
        M("Honda", "Pilot", G(2009, 2015, "3.5L V6"), G(2016, 2022, "3.5L V6")),
        M("Ford", "F-150", G(2004, 2008, "4.6L V8", "5.4L V8"), G(2009, 2014, "5.0L V8", "3.5L V6 EcoBoost"), G(2015, 2020, "2.7L V6 EcoBoost", "5.0L V8"), G(2021, 2025, "3.5L V6 EcoBoost", "5.0L V8")),
        M("Ford", "Focus", G(2000, 2007, "2.0L I4"), G(2008, 2011, "2.0L I4"), G(2012, 2018, "2.0L I4")),
        M("Ford", "Escape", G(2008, 2012, "2.5L I4", "3.0L V6"), G(2013, 2019, "1.6L I4 EcoBoost", "2.0L I4 EcoBoost"), G(2020, 2025, "1.5L I3 EcoBoost")),
        M("Ford", "Explorer", G(2011, 2019, "3.5L V6"), G(2020, 2025, "2.3L I4 EcoBoost", "3.0L V6 EcoBoost")),
        M("Ford", "Mustang", G(2005, 2014, "4.0L V6", "4.6L V8"), G(2015, 2023, "2.3L I4 EcoBoost", "5.0L V8")),
        M("Chevrolet", "Silverado 1500", G(2007, 2013, "4.8L V8", "5.3L V8"), G(2014, 2018, "4.3L V6", "5.3L V8"), G(2019, 2025, "2.7L I4 Turbo", "5.3L V8")),
        M("Chevrolet", "Malibu", G(2008, 2012, "2.4L I4", "3.6L V6"), G(2013, 2015, "2.5L I4"), G(2016, 2025, "1.5L I4 Turbo")),
        M("Chevrolet", "Equinox", G(2010, 2017, "2.4L I4", "3.6L V6"), G(2018, 2024, "1.5L I4 Turbo")),
        M("Chevrolet", "Tahoe", G(2007, 2014, "5.3L V8"), G(2015, 2020, "5.3L V8"), G(2021, 2025, "5.3L V8", "6.2L V8")),
        M("Nissan", "Altima", G(2007, 2012, "2.5L I4", "3.5L V6"), G(2013, 2018, "2.5L I4"), G(2019, 2025, "2.5L I4")),
        M("Nissan", "Sentra", G(2007, 2012, "2.0L I4"), G(2013, 2019, "1.8L I4"), G(2020, 2025, "2.0L I4")),
        M("Nissan", "Rogue", G(2008, 2013, "2.5L I4"), G(2014, 2020, "2.5L I4"), G(2021, 2025, "1.5L I3 Turbo")),
        M("Hyundai", "Elantra", G(2011, 2016, "1.8L I4"), G(2017, 2020, "2.0L I4"), G(2021, 2025, "2.0L I4")),
        M("Hyundai", "Sonata", G(2011, 2014, "2.4L I4"), G(2015, 2019, "2.4L I4"), G(2020, 2025, "2.5L I4")),
        M("Hyundai", "Tucson", G(2010, 2015, "2.4L I4"), G(2016, 2021, "2.0L I4"), G(2022, 2025, "2.5L I4")),
        M("Kia", "Optima", G(2011, 2015, "2.4L I4"), G(2016, 2020, "2.4L I4")),
        M("Kia", "Sorento", G(2011, 2015, "2.4L I4", "3.5L V6"), G(2016, 2020, "2.4L I4", "3.3L V6"), G(2021, 2025, "2.5L I4")),
        M("Kia", "Soul", G(2010, 2013, "2.0L I4"), G(2014, 2019, "2.0L I4"), G(2020, 2025, "2.0L I4")),
        M("Subaru", "Outback", G(2010, 2014, "2.5L H4"), G(2015, 2019, "2.5L H4", "3.6L H6"), G(2020, 2025, "2.5L H4")),
        M("Subaru", "Forester", G(2009, 2013, "2.5L H4"), G(2014, 2018, "2.5L H4"), G(2019, 2025, "2.5L H4")),
        M("Subaru", "Impreza", G(2012, 2016, "2.0L H4"), G(2017, 2023, "2.0L H4")),
        M("Mazda", "Mazda3", G(2004, 2009, "2.0L I4"), G(2010, 2013, "2.0L I4"), G(2014, 2018, "2.0L I4", "2.5L I4"), G(2019, 2025, "2.5L I4")),
        M("Mazda", "CX-5", G(2013, 2016, "2.0L I4", "2.5L I4"), G(2017, 2025, "2.5L I4")),
        M("Volkswagen", "Jetta", G(2005, 2010, "2.5L I5"), G(2011, 2018, "2.0L I4", "1.4L I4 Turbo"), G(2019, 2025, "1.4L I4 Turbo")),
        M("Volkswagen", "Golf", G(2010, 2014, "2.5L I5"), G(2015, 2021, "1.8L I4 Turbo")),
        M("Volkswagen", "Passat", G(2012, 2019, "2.5L I5", "1.8L I4 Turbo")),
        M("BMW", "3 Series", G(2006, 2011, "3.0L I6"), G(2012, 2018, "2.0L I4 Turbo", "3.0L I6 Turbo"), G(2019, 2025, "2.0L I4 Turbo")),
        M("BMW", "5 Series", G(2011, 2016, "2.0L I4 Turbo", "3.0L I6 Turbo"), G(2017, 2023, "2.0L I4 Turbo")),
        M("BMW", "X5", G(2007, 2013, "3.0L I6"), G(2014, 2018, "3.0L I6 Turbo"), G(2019, 2025, "3.0L I6 Turbo")),
        M("Mercedes-Benz", "C-Class", G(2008, 2014, "3.5L V6"), G(2015, 2021, "2.0L I4 Turbo")),
        M("Mercedes-Benz", "E-Class", G(2010, 2016, "3.5L V6"), G(2017, 2023, "2.0L I4 Turbo")),
        M("Audi", "A4", G(2009, 2016, "2.0L I4 Turbo"), G(2017, 2025, "2.0L I4 Turbo")),
        M("Audi", "Q5", G(2009, 2017, "2.0L I4 Turbo", "3.2L V6"), G(2018, 2025, "2.0L I4 Turbo")),
        M("Jeep", "Wrangler", G(2007, 2017, "3.8L V6", "3.6L V6"), G(2018, 2025, "3.6L V6", "2.0L I4 Turbo")),
        M("Jeep", "Grand Cherokee", G(2011, 2021, "3.6L V6", "5.7L V8"), G(2022, 2025, "3.6L V6")),
        M("Jeep", "Cherokee", G(2014, 2023, "2.4L I4", "3.2L V6")),
        M("Ram", "1500", G(2011, 2018, "3.6L V6", "5.7L V8"), G(2019, 2025, "3.6L V6", "5.7L V8")),
        M("Dodge", "Charger", G(2006, 2010, "3.5L V6", "5.7L V8"), G(2011, 2023, "3.6L V6", "5.7L V8")),
        M("Dodge", "Grand Caravan", G(2008, 2020, "3.6L V6")),
        M("GMC", "Sierra 1500", G(2014, 2018, "4.3L V6", "5.3L V8"), G(2019, 2025, "2.7L I4 Turbo", "5.3L V8")),
        M("Lexus", "RX 350", G(2007, 2009, "3.5L V6"), G(2010, 2015, "3.5L V6"), G(2016, 2022, "3.5L V6")),
        M("Lexus", "ES 350", G(2007, 2012, "3.5L V6"), G(2013, 2018, "3.5L V6"), G(2019, 2025, "3.5L V6")),
        M("Acura", "MDX", G(2007, 2013, "3.7L V6"), G(2014, 2020, "3.5L V6"), G(2022, 2025, "3.5L V6")),
        M("Acura", "TLX", G(2015, 2020, "2.4L I4", "3.5L V6"), G(2021, 2025, "2.0L I4 Turbo")),
        M("Buick", "Enclave", G(2008, 2017, "3.6L V6"), G(2018, 2025, "3.6L V6")),
        M("Cadillac", "Escalade", G(2007, 2014, "6.2L V8"), G(2015, 2020, "6.2L V8"), G(2021, 2025, "6.2L V8")),
        M("Chrysler", "300", G(2005, 2010, "3.5L V6", "5.7L V8"), G(2011, 2023, "3.6L V6", "5.7L V8")),
        M("Chrysler", "Pacifica", G(2017, 2025, "3.6L V6")),
        M("Mitsubishi", "Outlander", G(2007, 2013, "2.4L I4", "3.0L V6"), G(2014, 2021, "2.4L I4"), G(2022, 2025, "2.5L I4")),
        M("Volvo", "XC90", G(2003, 2014, "3.2L I6"), G(2016, 2025, "2.0L I4 Turbo")),
        M("Tesla", "Model 3", G(2017, 2025, "Electric")),
        M("Infiniti", "Q50", G(2014, 2024, "3.7L V6", "3.0L V6 Twin Turbo")),
        M("Lincoln", "Navigator", G(2007, 2017, "5.4L V8", "3.5L V6 EcoBoost"), G(2018, 2025, "3.5L V6 EcoBoost")),
        M("Pontiac", "Grand Prix", G(2004, 2008, "3.8L V6")),
    ];

    private static readonly string[] BrakeBrands = ["Akebono", "Wagner", "Bosch", "Raybestos", "Brembo"];
    private static readonly string[] FilterBrands = ["Mann-Filter", "Fram", "Bosch", "K&N", "Purolator"];
    private static readonly string[] IgnitionBrands = ["NGK", "Denso", "Bosch", "Champion"];
    private static readonly string[] SuspensionBrands = ["Monroe", "KYB", "Moog", "Bilstein"];
    private static readonly string[] LightingBrands = ["Philips", "Sylvania"];
    private static readonly string[] ElectricalBrands = ["Bosch", "Denso", "Optima", "Interstate"];
    private static readonly string[] EngineBrands = ["Gates", "Dayco", "Fel-Pro", "Aisin"];
    private static readonly string[] CoolingBrands = ["Gates", "Aisin", "Denso", "Spectra Premium"];
    private static readonly string[] BodyBrands = ["Bosch", "Trico", "Rain-X"];

    internal static readonly PartType[] PartTypes =
    [
        new("Brake Pads", "Brakes", "Ceramic Brake Pad Set", "Front", 1, 4999, BrakeBrands, Always: true),
        new("Brake Pads", "Brakes", "Ceramic Brake Pad Set", "Rear", 1, 4499, BrakeBrands, Always: true),
        new("Brake Rotors", "Brakes", "Disc Brake Rotor", "Front", 2, 6499, BrakeBrands, Always: true),
        new("Brake Rotors", "Brakes", "Disc Brake Rotor", "Rear", 2, 5999, BrakeBrands, Always: false),
        new("Brake Calipers", "Brakes", "Remanufactured Brake Caliper", "Front Left", 1, 8999, BrakeBrands, Always: false, Core: true),
        new("Oil Filters", "Filters", "Engine Oil Filter", null, 1, 899, FilterBrands, Always: true, CombustionOnly: true),
        new("Air Filters", "Filters", "Engine Air Filter", null, 1, 1999, FilterBrands, Always: true, CombustionOnly: true),
        new("Cabin Air Filters", "Filters", "Cabin Air Filter", null, 1, 1799, FilterBrands, Always: true),
        new("Spark Plugs", "Ignition", "Iridium Spark Plug", null, 4, 1099, IgnitionBrands, Always: true, CombustionOnly: true),
        new("Ignition Coils", "Ignition", "Ignition Coil", null, 1, 5499, IgnitionBrands, Always: false, CombustionOnly: true),
        new("Shocks and Struts", "Suspension", "Strut Assembly", "Front", 2, 12999, SuspensionBrands, Always: false),
        new("Shocks and Struts", "Suspension", "Shock Absorber", "Rear", 2, 5999, SuspensionBrands, Always: false),
        new("Control Arms", "Suspension", "Lower Control Arm", "Front Left", 1, 7999, SuspensionBrands, Always: false),
        new("Headlight Bulbs", "Lighting", "Halogen Headlight Bulb", "Front", 2, 2499, LightingBrands, Always: false),
        new("Batteries", "Electrical", "AGM Battery", null, 1, 18999, ElectricalBrands, Always: false, CombustionOnly: true, Core: true, Hazmat: true),
        new("Alternators", "Electrical", "Remanufactured Alternator", null, 1, 17999, ElectricalBrands, Always: false, CombustionOnly: true, Core: true),
        new("Starters", "Electrical", "Remanufactured Starter", null, 1, 14999, ElectricalBrands, Always: false, CombustionOnly: true, Core: true),
        new("Serpentine Belts", "Engine", "Serpentine Belt", null, 1, 3299, EngineBrands, Always: false, CombustionOnly: true),
        new("Gaskets", "Engine", "Valve Cover Gasket Set", null, 1, 2999, EngineBrands, Always: false, CombustionOnly: true),
        new("Water Pumps", "Cooling", "Engine Water Pump", null, 1, 7499, CoolingBrands, Always: false, CombustionOnly: true),
        new("Thermostats", "Cooling", "Engine Coolant Thermostat", null, 1, 1999, CoolingBrands, Always: false, CombustionOnly: true),
        new("Radiators", "Cooling", "Radiator", null, 1, 15999, CoolingBrands, Always: false),
        new("Wiper Blades", "Body", "Beam Wiper Blade", "Front", 2, 2199, BodyBrands, Always: false),
        new("Mirrors", "Body", "Side View Mirror", "Left", 1, 8999, BodyBrands, Always: false),
    ];
}
