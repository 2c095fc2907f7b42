using Axle.Api.Features.Carts;
using Axle.Api.Features.Catalog;
using Axle.Api.Features.Orders;
using Axle.Api.Platform.Data;
using Microsoft.EntityFrameworkCore;

namespace Axle.Api.Features.Feedback;

/// <summary>
/// Turns "did not fit" answers into review flags. The order's vehicle resolves to catalog vehicles the way the cart does
/// (<see cref="CartFit.VehicleIdsAsync"/>); each of the part's fitments for those vehicles gets a flag, and when the
/// catalog claimed no fitment for that vehicle the (part, year/make/model/engine) pair does. A vehicle known only by a VIN
/// the catalog cannot decode is not flagged (there is nothing to review against).
/// </summary>
internal static class FitmentFlags
{
    /// <summary>One upsert, the same on SQLite (3.24+) and PostgreSQL: a racing first report counts instead of failing.</summary>
    internal const string UpsertSql = """
        INSERT INTO fitment_reviews ("Key", "FitmentId", "PartId", "Vehicle", "NoCount", "FirstReportedAt", "LastReportedAt")
        VALUES ({0}, {1}, {2}, {3}, 1, {4}, {4})
        ON CONFLICT ("Key") DO UPDATE SET "NoCount" = fitment_reviews."NoCount" + 1, "LastReportedAt" = excluded."LastReportedAt"
        """;

    public static async Task RecordAsync(AppDbContext db, Order order, IReadOnlyCollection<long> partIds, DateTime now, CancellationToken ct)
    {
        var vehicle = new CartVehicle(CartVehicleSource.YearMakeModel, null, order.VehicleYear, order.VehicleMake, order.VehicleModel,
            order.VehicleEngine, order.VehicleVin);
        var vehicleIds = await CartFit.VehicleIdsAsync(db, vehicle, ct);
        if (vehicleIds is null)
        {
            return;
        }

        var fitments = await db.Set<Fitment>().AsNoTracking()
            .Where(f => partIds.Contains(f.PartId) && vehicleIds.Contains(f.VehicleId))
            .Join(db.Set<Vehicle>(), f => f.VehicleId, v => v.Id, (f, v) => new { f.Id, f.PartId, v.Year, v.Make, v.Model, v.Engine })
            .OrderBy(f => f.Id)
            .ToListAsync(ct);
        foreach (var f in fitments)
        {
            await UpsertAsync(db, $"fitment:{f.Id}", f.Id, f.PartId, Describe(f.Year, f.Make, f.Model, f.Engine), now, ct);
        }

        if (order is { VehicleYear: { } year, VehicleMake: { } make, VehicleModel: { } model })
        {
            var description = Describe(year, make, model, order.VehicleEngine);
            foreach (var partId in partIds.Where(p => fitments.All(f => f.PartId != p)).Order())
            {
                await UpsertAsync(db, $"part:{partId}:{description.ToLowerInvariant()}", null, partId, description, now, ct);
            }
        }
    }

    private static Task<int> UpsertAsync(AppDbContext db, string key, long? fitmentId, long partId, string vehicle, DateTime now, CancellationToken ct) =>
        db.Database.ExecuteSqlRawAsync(UpsertSql, [key, fitmentId is { } id ? id : DBNull.Value, partId, vehicle, now], ct);

    private static string Describe(int year, string make, string model, string? engine) =>
        string.IsNullOrWhiteSpace(engine) ? $"{year} {make} {model}" : $"{year} {make} {model} {engine}";
}
