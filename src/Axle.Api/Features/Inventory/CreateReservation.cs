using System.ComponentModel.DataAnnotations;
using Axle.Api.Platform.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Axle.Api.Features.Inventory;

/// <summary><c>POST /api/v1/inventory/reservations</c>: <see cref="InventoryReservations.ReserveAsync(ReserveCommand, CancellationToken)"/> over HTTP.</summary>
internal static class CreateReservation
{
    public const int MaxLines = 100;

    /// <summary>A part by <c>partId</c> or by <c>sku</c> (exactly one), and how many units.</summary>
    public sealed record LineInput(
        long? PartId,
        [property: StringLength(64, MinimumLength = 1)] string? Sku,
        [property: Required, Range(1, 10_000)] int? Quantity);

    public sealed record ReferenceInput(
        [property: Required, RegularExpression("^[a-z][a-z0-9_]{0,31}$", ErrorMessage = "The type is lower-case letters, digits and '_', e.g. order.")] string? Type,
        [property: Required, StringLength(Reservation.ReferenceIdMaxLength, MinimumLength = 1)] string? Id);

    public sealed record ShipToInput(
        [property: Required, RegularExpression("^[A-Z]{2}$", ErrorMessage = "The country is an upper-case ISO 3166-1 alpha-2 code such as US.")] string? Country,
        [property: StringLength(100)] string? Region);

    public sealed record Request(
        [property: Required, MinLength(1), MaxLength(MaxLines)] IReadOnlyList<LineInput>? Lines,
        ReferenceInput? Reference,
        ShipToInput? ShipTo);

    public static async Task<Results<Created<ReservationResponse>, ValidationProblem, ProblemHttpResult>> Handle(
        Request request, HttpContext http, InventoryReservations reservations, CancellationToken ct)
    {
        var lines = request.Lines!;
        if (lines.Any(l => l is null))
        {
            return Problems.Validation("lines", "Every line is an object naming a part (partId or sku) and a quantity.");
        }

        // Parts named by SKU: their ids and, in the same query, the stock the first allocation works from (when every line
        // names its part by SKU; otherwise the reservation reads the candidates of all its parts itself).
        var skus = lines.Where(l => l.Sku is not null).Select(l => l.Sku!).Distinct().ToList();
        var (bySku, prefetched) = skus.Count == 0 ? ([], []) : await reservations.FindBySkuAsync(skus, ct);
        var errors = new Dictionary<string, string[]>();
        var wanted = new List<AllocationLine>();
        for (var i = 0; i < lines.Count; i++)
        {
            var line = lines[i];
            if ((line.PartId is null) == (line.Sku is null))
            {
                errors[$"lines[{i}]"] = ["Name the part by partId or by sku, not both."];
            }
            else if (line.Sku is { } sku && !bySku.ContainsKey(sku))
            {
                errors[$"lines[{i}].sku"] = ["No part has this SKU."];
            }
            else
            {
                wanted.Add(new AllocationLine(line.PartId ?? bySku[line.Sku!], line.Quantity!.Value));
            }
        }

        if (errors.Count > 0)
        {
            return Problems.Validation(errors);
        }

        var command = new ReserveCommand(wanted, request.Reference?.Type, request.Reference?.Id,
            request.ShipTo is { } to ? new ShipTo(to.Country!, string.IsNullOrWhiteSpace(to.Region) ? null : to.Region.Trim()) : null,
            Actors.Of(http.User));
        switch (await reservations.ReserveAsync(command, null, lines.All(l => l.Sku is not null) ? prefetched : null, ct))
        {
            case ReserveOutcome.Reserved reserved:
                return TypedResults.Created($"/api/v1/inventory/reservations/{reserved.Reservation.Id}",
                    ReservationResponse.From(reserved.Reservation, reserved.Levels));
            case ReserveOutcome.Insufficient insufficient:
                return InventoryProblems.InsufficientStock(insufficient.Shortages);
            case ReserveOutcome.UnknownParts unknown:
                return Problems.Validation(lines
                    .Select((l, i) => (l, i))
                    .Where(x => x.l.PartId is { } id && unknown.PartIds.Contains(id))
                    .ToDictionary(x => $"lines[{x.i}].partId", _ => new[] { "No part has this id." }));
            default:
                throw new InvalidOperationException("Unknown reservation outcome.");
        }
    }
}
