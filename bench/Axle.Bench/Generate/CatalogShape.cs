namespace Axle.Bench.Generate;

/// <summary>
/// The fixed vocabulary synthetic rows are drawn from. The category tree and part types follow the demo catalog
/// (<c>DemoCatalogData</c>), so generated parts look like the demo's, only many more of them.
/// </summary>
internal static class CatalogShape
{
    internal sealed record PartType(string Category, string Parent, string Noun, string? Position, int Quantity, long BasePriceMinor, bool Core, bool Hazmat);

    internal static readonly PartType[] PartTypes =
    [
        new("Brake Pads", "Brakes", "Ceramic Brake Pad Set", "Front", 1, 4999, false, false),
        new("Brake Pads", "Brakes", "Ceramic Brake Pad Set", "Rear", 1, 4499, false, false),
        new("Brake Rotors", "Brakes", "Disc Brake Rotor", "Front", 2, 6499, false, false),
        new("Brake Rotors", "Brakes", "Disc Brake Rotor", "Rear", 2, 5999, false, false),
        new("Brake Calipers", "Brakes", "Remanufactured Brake Caliper", "Front Left", 1, 8999, true, false),
        new("Oil Filters", "Filters", "Engine Oil Filter", null, 1, 899, false, false),
        new("Air Filters", "Filters", "Engine Air Filter", null, 1, 1999, false, false),
        new("Cabin Air Filters", "Filters", "Cabin Air Filter", null, 1, 1799, false, false),
        new("Spark Plugs", "Ignition", "Iridium Spark Plug", null, 4, 1099, false, false),
        new("Ignition Coils", "Ignition", "Ignition Coil", null, 1, 5499, false, false),
        new("Shocks and Struts", "Suspension", "Strut Assembly", "Front", 2, 12999, false, false),
        new("Shocks and Struts", "Suspension", "Shock Absorber", "Rear", 2, 5999, false, false),
        new("Control Arms", "Suspension", "Lower Control Arm", "Front Left", 1, 7999, false, false),
        new("Headlight Bulbs", "Lighting", "Halogen Headlight Bulb", "Front", 2, 2499, false, false),
        new("Batteries", "Electrical", "AGM Battery", null, 1, 18999, true, true),
        new("Alternators", "Electrical", "Remanufactured Alternator", null, 1, 17999, true, false),
        new("Starters", "Electrical", "Remanufactured Starter", null, 1, 14999, true, false),
        new("Serpentine Belts", "Engine", "Serpentine Belt", null, 1, 3299, false, false),
        new("Gaskets", "Engine", "Valve Cover Gasket Set", null, 1, 2999, false, false),
        new("Water Pumps", "Cooling", "Engine Water Pump", null, 1, 7499, false, false),
        new("Thermostats", "Cooling", "Engine Coolant Thermostat", null, 1, 1999, false, false),
        new("Radiators", "Cooling", "Radiator", null, 1, 15999, false, false),
        new("Wiper Blades", "Body", "Beam Wiper Blade", "Front", 2, 2199, false, false),
        new("Mirrors", "Body", "Side View Mirror", "Left", 1, 8999, false, false),
    ];

    /// <summary>About fifty brands; the first ones are the demo's, the rest are common aftermarket names.</summary>
    internal static readonly string[] Brands =
    [
        "Akebono", "Wagner", "Bosch", "Raybestos", "Brembo", "Mann-Filter", "Fram", "K&N", "Purolator", "NGK",
        "Denso", "Champion", "Monroe", "KYB", "Moog", "Bilstein", "Philips", "Sylvania", "Optima", "Interstate",
        "Gates", "Dayco", "Fel-Pro", "Aisin", "Spectra Premium", "Trico", "Rain-X", "ACDelco", "Motorcraft", "Mopar",
        "Dorman", "Centric", "StopTech", "Hawk", "EBC", "Wix", "Mahle", "Hastings", "Autolite", "Delphi",
        "Standard Motor Products", "Cardone", "Duralast", "Valeo", "Sachs", "Lemforder", "TRW", "Timken", "SKF", "Beck Arnley",
    ];

    internal static readonly (string Make, string[] Models)[] Makes =
    [
        ("Toyota", ["Camry", "Corolla", "RAV4", "Tacoma", "Highlander", "Tundra", "Sienna", "Prius", "4Runner"]),
        ("Honda", ["Civic", "Accord", "CR-V", "Pilot", "Odyssey", "Fit", "HR-V"]),
        ("Ford", ["F-150", "Focus", "Escape", "Explorer", "Mustang", "Fusion", "Edge", "Ranger", "Expedition"]),
        ("Chevrolet", ["Silverado 1500", "Malibu", "Equinox", "Tahoe", "Impala", "Cruze", "Colorado", "Suburban", "Traverse"]),
        ("Nissan", ["Altima", "Sentra", "Rogue", "Maxima", "Pathfinder", "Frontier", "Murano"]),
        ("Hyundai", ["Elantra", "Sonata", "Tucson", "Santa Fe", "Accent"]),
        ("Kia", ["Optima", "Sorento", "Soul", "Sportage", "Forte"]),
        ("Subaru", ["Outback", "Forester", "Impreza", "Legacy", "Crosstrek"]),
        ("Mazda", ["Mazda3", "Mazda6", "CX-5", "CX-9", "MX-5 Miata"]),
        ("Volkswagen", ["Jetta", "Golf", "Passat", "Tiguan", "Beetle"]),
        ("BMW", ["3 Series", "5 Series", "X3", "X5", "7 Series"]),
        ("Mercedes-Benz", ["C-Class", "E-Class", "S-Class", "GLC", "ML350"]),
        ("Audi", ["A4", "A6", "Q5", "Q7", "A3"]),
        ("Jeep", ["Wrangler", "Grand Cherokee", "Cherokee", "Liberty", "Compass"]),
        ("Ram", ["1500", "2500", "3500", "ProMaster"]),
        ("Dodge", ["Charger", "Grand Caravan", "Durango", "Challenger", "Dakota"]),
        ("GMC", ["Sierra 1500", "Yukon", "Acadia", "Canyon", "Terrain"]),
        ("Lexus", ["RX 350", "ES 350", "IS 250", "GX 460"]),
        ("Acura", ["MDX", "TLX", "TL", "RDX", "Integra"]),
        ("Buick", ["Enclave", "LaCrosse", "Regal", "Century"]),
        ("Cadillac", ["Escalade", "CTS", "SRX", "DeVille"]),
        ("Chrysler", ["300", "Pacifica", "Town & Country", "Sebring"]),
        ("Mitsubishi", ["Outlander", "Lancer", "Galant", "Eclipse"]),
        ("Volvo", ["XC90", "S60", "XC60", "240"]),
        ("Infiniti", ["Q50", "G35", "QX60"]),
        ("Lincoln", ["Navigator", "Town Car", "MKZ"]),
        ("Pontiac", ["Grand Prix", "Grand Am", "G6", "Bonneville"]),
        ("Saturn", ["Ion", "Vue", "SL2"]),
        ("Mercury", ["Grand Marquis", "Sable", "Mountaineer"]),
        ("Mini", ["Cooper", "Countryman"]),
    ];

    internal static readonly string[] Engines =
    [
        "2.0L I4", "2.5L I4", "3.5L V6", "1.5L I4 Turbo", "5.3L V8", "3.6L V6", "1.8L I4", "2.0L I4 Turbo",
    ];

    internal static readonly string[] Submodels = ["Base", "LX", "EX", "Sport", "Limited", "Touring", "SE", "XLE"];

    internal const int FirstYear = 1990;
    internal const int LastYear = 2025;
    internal const int Years = LastYear - FirstYear + 1;

    internal static IEnumerable<(string Make, string Model)> Models =>
        Makes.SelectMany(m => m.Models.Select(model => (m.Make, model)));

    /// <summary>How many distinct vehicle configurations the vocabulary can describe.</summary>
    internal static int VehicleCapacity => Models.Count() * Years * Engines.Length * Submodels.Length;

    internal static string Prefix(string brand) =>
        new string(brand.Where(char.IsAsciiLetter).Take(2).ToArray()).ToUpperInvariant();
}
