namespace Axle.Bench.Generate;

/// <summary>One column value at a time, in column order; each provider turns it into its own wire format.</summary>
internal interface IRowSink
{
    void Int(int value);

    void Long(long value);

    void Text(string value);

    void NullableText(string? value);

    void Bool(bool value);

    void Null();

    void Timestamp(DateTime utc);
}

/// <summary>A table as the bulk loaders see it: its name, the columns written and how a row fills them.</summary>
internal sealed record TableSpec<T>(string Name, string[] Columns, Action<T, IRowSink> Write);

internal static class Tables
{
    public static readonly TableSpec<BrandRow> Brands = new("brands", ["Id", "Name", "Slug"], (r, s) =>
    {
        s.Int(r.Id);
        s.Text(r.Name);
        s.Text(r.Slug);
    });

    public static readonly TableSpec<CategoryRow> Categories = new("categories", ["Id", "Name", "Slug", "ParentId"], (r, s) =>
    {
        s.Int(r.Id);
        s.Text(r.Name);
        s.Text(r.Slug);
        if (r.ParentId is { } parent)
        {
            s.Int(parent);
        }
        else
        {
            s.Null();
        }
    });

    public static readonly TableSpec<VehicleRow> Vehicles = new(
        "vehicles", ["Id", "Year", "Make", "Model", "Submodel", "Engine", "BaseVehicleId", "MakeKey", "ModelKey"], (r, s) =>
        {
            s.Int(r.Id);
            s.Int(r.Year);
            s.Text(r.Make);
            s.Text(r.Model);
            s.NullableText(r.Submodel);
            s.NullableText(r.Engine);
            s.Int(r.BaseVehicleId);
            s.Text(r.MakeKey);
            s.Text(r.ModelKey);
        });

    public static readonly TableSpec<PartRow> Parts = new(
        "parts",
        [
            "Id", "Sku", "PartNumber", "NormalizedPartNumber", "BrandId", "CategoryId", "Name", "Description", "PriceMinor",
            "Currency", "CoreChargeMinor", "Hazmat", "WeightGrams", "LengthMm", "WidthMm", "HeightMm", "Status",
            "CreatedAt", "UpdatedAt", "Version",
        ],
        (r, s) =>
        {
            s.Long(r.Id);
            s.Text(r.Sku);
            s.Text(r.PartNumber);
            s.Text(r.NormalizedPartNumber);
            s.Int(r.BrandId);
            s.Int(r.CategoryId);
            s.Text(r.Name);
            s.Text(r.Description);
            s.Long(r.PriceMinor);
            s.Text("USD");
            s.Long(r.CoreChargeMinor);
            s.Bool(r.Hazmat);
            s.Int(r.WeightGrams);
            s.Int(r.LengthMm);
            s.Int(r.WidthMm);
            s.Int(r.HeightMm);
            s.Text("Active");
            s.Timestamp(r.CreatedAt);
            s.Timestamp(r.CreatedAt);
            s.Long(1);
        });

    public static readonly TableSpec<FitmentRow> Fitments = new(
        "fitments", ["Id", "PartId", "VehicleId", "Position", "Quantity", "Notes"], (r, s) =>
        {
            s.Long(r.Id);
            s.Long(r.PartId);
            s.Int(r.VehicleId);
            s.NullableText(r.Position);
            s.Int(r.Quantity);
            s.Null();
        });

    public static readonly TableSpec<InterchangeRow> Interchanges = new(
        "part_interchanges", ["Id", "PartId", "Number", "NormalizedNumber", "BrandName", "Kind"], (r, s) =>
        {
            s.Long(r.Id);
            s.Long(r.PartId);
            s.Text(r.Number);
            s.Text(r.NormalizedNumber);
            s.NullableText(r.BrandName);
            s.Text(r.Kind);
        });

    /// <summary>Catalog tables in dependency order (parents first).</summary>
    public static readonly string[] All =
    [
        "brands", "categories", "vehicles", "parts", "fitments", "part_interchanges",
        "part_attributes", "part_images", "part_documents", "part_supersessions", "vin_patterns",
    ];

    /// <summary>Big tables whose secondary indexes and foreign keys are dropped for the load and rebuilt after it.</summary>
    // vehicle_parts is not loaded: it is derived from fitments once they are in (see the stores' RebuildIndexesAsync).
    public static readonly string[] Deferred = ["parts", "fitments", "part_interchanges", "vehicle_parts"];
}
