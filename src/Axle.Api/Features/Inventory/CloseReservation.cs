using Axle.Api.Platform.Data;
using Axle.Api.Platform.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Axle.Api.Features.Inventory;

/// <summary>
/// <c>POST /api/v1/inventory/reservations/{id}/commit</c> and <c>/release</c>: a held reservation ships or is cancelled.
/// A repeat finds the reservation no longer held and changes nothing (409); with an Idempotency-Key it replays the 200.
/// </summary>
internal static class CloseReservation
{
    public static async Task<Results<Ok<ReservationResponse>, ProblemHttpResult>> Commit(
        Guid id, HttpContext http, AppDbContext db, InventoryReservations reservations, CancellationToken ct) =>
        await ToResultAsync(db, await reservations.CommitAsync(id, Actors.Of(http.User), ct), ct);

    public static async Task<Results<Ok<ReservationResponse>, ProblemHttpResult>> Release(
        Guid id, HttpContext http, AppDbContext db, InventoryReservations reservations, CancellationToken ct) =>
        await ToResultAsync(db, await reservations.ReleaseAsync(id, Actors.Of(http.User), ct), ct);

    private static async Task<Results<Ok<ReservationResponse>, ProblemHttpResult>> ToResultAsync(
        AppDbContext db, CloseOutcome outcome, CancellationToken ct) => outcome switch
    {
        CloseOutcome.Closed closed => TypedResults.Ok(await ReservationResponse.FromAsync(db, closed.Reservation, ct)),
        CloseOutcome.NotHeld notHeld => Problems.Conflict("reservation_not_held", "Reservation not held",
            $"The reservation is already {System.Text.Json.JsonNamingPolicy.SnakeCaseLower.ConvertName(notHeld.Status.ToString())}.",
            new Dictionary<string, object?> { ["reservationStatus"] = System.Text.Json.JsonNamingPolicy.SnakeCaseLower.ConvertName(notHeld.Status.ToString()) }),
        _ => Problems.NotFound("No reservation has this id."),
    };
}
