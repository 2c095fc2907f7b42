using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Axle.Api.Features.Catalog;

/// <summary>
/// A vehicle configuration: one model year of a make/model, optionally narrowed to a submodel and engine.
/// <see cref="BaseVehicleId"/> is the external (ACES/VCdb) id that fitment files refer to.
/// </summary>
public sealed class Vehicle
{
    private Vehicle()
    {
    }

    public Vehicle(int year, string make, string model, string? submodel, string? engine, int? baseVehicleId)
    {
        Year = year;
        Make = make;
        Model = model;
        Submodel = submodel;
        Engine = engine;
        BaseVehicleId = baseVehicleId;
        MakeKey = Key(make);
        ModelKey = Key(model);
    }

    public int Id { get; private set; }
    public int Year { get; private set; }
    public string Make { get; private set; } = "";
    public string Model { get; private set; } = "";
    public string? Submodel { get; private set; }
    public string? Engine { get; private set; }
    public int? BaseVehicleId { get; private set; }

    /// <summary>Case- and punctuation-insensitive lookup keys ("Mercedes-Benz" = "mercedes benz").</summary>
    public string MakeKey { get; private set; } = "";
    public string ModelKey { get; private set; } = "";

    public static string Key(string value) => PartNumbers.Normalize(value);
}

/// <summary>"This part fits that vehicle", with where on the car and how many.</summary>
public sealed class Fitment
{
    private Fitment()
    {
    }

    public Fitment(long partId, int vehicleId, string? position, int quantity, string? notes)
    {
        PartId = partId;
        VehicleId = vehicleId;
        Position = position;
        Quantity = quantity;
        Notes = notes;
    }

    public long Id { get; private set; }
    public long PartId { get; private set; }
    public int VehicleId { get; private set; }
    public string? Position { get; private set; }
    public int Quantity { get; private set; }
    public string? Notes { get; private set; }
}

/// <summary>
/// What the catalog knows about VINs: a WMI + vehicle-descriptor prefix (positions 1-8) and model year that identify
/// a vehicle configuration.
/// </summary>
public sealed class VinPattern
{
    private VinPattern()
    {
    }

    public VinPattern(string prefix, int year, int vehicleId)
    {
        Prefix = prefix;
        Year = year;
        VehicleId = vehicleId;
    }

    public int Id { get; private set; }
    public string Prefix { get; private set; } = "";
    public int Year { get; private set; }
    public int VehicleId { get; private set; }
}

internal sealed class VehicleConfiguration : IEntityTypeConfiguration<Vehicle>
{
    public void Configure(EntityTypeBuilder<Vehicle> b)
    {
        b.ToTable("vehicles");
        b.Property(x => x.Make).HasMaxLength(64).IsRequired();
        b.Property(x => x.Model).HasMaxLength(64).IsRequired();
        b.Property(x => x.Submodel).HasMaxLength(64);
        b.Property(x => x.Engine).HasMaxLength(64);
        b.Property(x => x.MakeKey).HasMaxLength(64).IsRequired();
        b.Property(x => x.ModelKey).HasMaxLength(64).IsRequired();
        b.HasIndex(x => new { x.MakeKey, x.ModelKey, x.Year });
        b.HasIndex(x => x.BaseVehicleId);
    }
}

internal sealed class FitmentConfiguration : IEntityTypeConfiguration<Fitment>
{
    public void Configure(EntityTypeBuilder<Fitment> b)
    {
        b.ToTable("fitments");
        b.Property(x => x.Position).HasMaxLength(32);
        b.Property(x => x.Notes).HasMaxLength(500);
        b.HasIndex(x => new { x.VehicleId, x.PartId });
        b.HasIndex(x => x.PartId);
        b.HasOne<Part>().WithMany().HasForeignKey(x => x.PartId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<Vehicle>().WithMany().HasForeignKey(x => x.VehicleId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class VinPatternConfiguration : IEntityTypeConfiguration<VinPattern>
{
    public void Configure(EntityTypeBuilder<VinPattern> b)
    {
        b.ToTable("vin_patterns");
        b.Property(x => x.Prefix).HasMaxLength(8).IsFixedLength().IsRequired();
        b.HasIndex(x => new { x.Prefix, x.Year });
        b.HasOne<Vehicle>().WithMany().HasForeignKey(x => x.VehicleId).OnDelete(DeleteBehavior.Cascade);
    }
}
