using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Axle.Api.Features.Identity;

/// <summary>A vehicle saved in a customer's garage, by year/make/model or by VIN.</summary>
internal sealed class GarageVehicle
{
    private GarageVehicle()
    {
    }

    public GarageVehicle(
        Guid userId, int? year, string? make, string? model, string? submodel, string? engine, string? vin,
        string? nickname, DateTime now)
    {
        Id = Guid.CreateVersion7();
        UserId = userId;
        Year = year;
        Make = make;
        Model = model;
        Submodel = submodel;
        Engine = engine;
        Vin = vin;
        Nickname = nickname;
        CreatedAt = now;
    }

    public Guid Id { get; private set; }
    public Guid UserId { get; private set; }

    /// <summary>Model year; null only for a VIN-only entry.</summary>
    public int? Year { get; private set; }
    public string? Make { get; private set; }
    public string? Model { get; private set; }
    public string? Submodel { get; private set; }
    public string? Engine { get; private set; }
    public string? Vin { get; private set; }
    public string? Nickname { get; private set; }
    public DateTime CreatedAt { get; private set; }
}

internal sealed class GarageVehicleConfiguration : IEntityTypeConfiguration<GarageVehicle>
{
    public void Configure(EntityTypeBuilder<GarageVehicle> b)
    {
        b.ToTable("garage_vehicles");
        b.HasKey(v => v.Id);
        b.Property(v => v.Id).ValueGeneratedNever();
        b.Property(v => v.Make).HasMaxLength(VehicleLimits.TextMaxLength);
        b.Property(v => v.Model).HasMaxLength(VehicleLimits.TextMaxLength);
        b.Property(v => v.Submodel).HasMaxLength(VehicleLimits.TextMaxLength);
        b.Property(v => v.Engine).HasMaxLength(VehicleLimits.TextMaxLength);
        b.Property(v => v.Vin).HasMaxLength(17);
        b.Property(v => v.Nickname).HasMaxLength(VehicleLimits.TextMaxLength);
        b.HasIndex(v => new { v.UserId, v.CreatedAt });
        b.HasOne<User>().WithMany().HasForeignKey(v => v.UserId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal static class VehicleLimits
{
    public const int TextMaxLength = 64;
}
