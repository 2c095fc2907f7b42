using Axle.Api.Platform.Data;
using Axle.Api.Platform.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Axle.Api.Features.Inventory;

/// <summary><c>GET /api/v1/inventory/reservations/{id}</c>.</summary>
internal static class GetReservation
{
    public static async Task<Results<Ok<ReservationResponse>, ProblemHttpResult>> Handle(
        Guid id, AppDbContext db, InventoryReservations reservations, CancellationToken ct) =>
        await reservations.FindAsync(id, ct) is { } reservation
            ? TypedResults.Ok(await ReservationResponse.FromAsync(db, reservation, ct))
            : Problems.NotFound("No reservation has this id.");
}
