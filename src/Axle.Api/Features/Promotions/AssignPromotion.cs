using System.ComponentModel.DataAnnotations;
using Axle.Api.Features.Audit;
using Axle.Api.Features.Identity;
using Axle.Api.Platform.Data;
using Axle.Api.Platform.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Axle.Api.Features.Promotions;

/// <summary>How many customers an assignment matched and how many of them it newly assigned (the others already had it).</summary>
public sealed record AssignmentResponse(Guid PromotionId, int Matched, int Assigned);

/// <summary>
/// Offers a personalized promotion to customers: <c>POST /api/v1/promotions/{id}/assignments</c> by user ids, and
/// <c>POST /api/v1/promotions/{id}/assignments:garage</c> to every customer with a matching vehicle in their garage.
/// Assigning twice is harmless (an insert that skips existing rows).
/// </summary>
internal static class AssignPromotion
{
    public const int MaxUsers = 1000;

    public sealed record UsersRequest([property: MaxLength(MaxUsers)] Guid[]? UserIds);

    public sealed record GarageRequest(string? Make, string? Model, int? YearFrom, int? YearTo);

    public static async Task<Results<Ok<AssignmentResponse>, ValidationProblem, ProblemHttpResult>> ToUsers(
        Guid id, UsersRequest request, AppDbContext db, AuditTrail audit, TimeProvider time, CancellationToken ct)
    {
        if (request.UserIds is not { Length: > 0 and <= MaxUsers } requested)
        {
            return Problems.Validation("userIds", $"Between 1 and {MaxUsers} user ids.");
        }

        if (!await db.Set<Promotion>().AnyAsync(p => p.Id == id, ct))
        {
            return PromotionProblems.NotFound();
        }

        var ids = requested.Distinct().ToList();
        var known = await db.Set<User>().Where(u => ids.Contains(u.Id)).Select(u => u.Id).ToListAsync(ct);
        var unknown = ids.Except(known).ToList();
        if (unknown.Count > 0)
        {
            return Problems.Validation("userIds", $"Unknown users: {string.Join(", ", unknown.Take(10))}.");
        }

        return TypedResults.Ok(await AssignAsync(db, audit, id, known, "users", time, ct));
    }

    public static async Task<Results<Ok<AssignmentResponse>, ValidationProblem, ProblemHttpResult>> ToGarages(
        Guid id, GarageRequest request, AppDbContext db, AuditTrail audit, TimeProvider time, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        var make = request.Make?.Trim().ToUpperInvariant();
        var model = string.IsNullOrWhiteSpace(request.Model) ? null : request.Model.Trim().ToUpperInvariant();
        if (string.IsNullOrEmpty(make) || make.Length > VehicleLimits.TextMaxLength)
        {
            errors["make"] = [$"A make of 1-{VehicleLimits.TextMaxLength} characters is required."];
        }

        if (model?.Length > VehicleLimits.TextMaxLength)
        {
            errors["model"] = [$"At most {VehicleLimits.TextMaxLength} characters."];
        }

        if (request.YearFrom is < 1900 or > 2100)
        {
            errors["yearFrom"] = ["A year between 1900 and 2100."];
        }

        if (request.YearTo is < 1900 or > 2100 || request.YearTo < request.YearFrom)
        {
            errors["yearTo"] = ["A year between 1900 and 2100, not before yearFrom."];
        }

        if (errors.Count > 0)
        {
            return Problems.Validation(errors);
        }

        if (!await db.Set<Promotion>().AnyAsync(p => p.Id == id, ct))
        {
            return PromotionProblems.NotFound();
        }

        // Makes and models are free text in garages: compared case-insensitively, exactly otherwise.
        var vehicles = db.Set<GarageVehicle>().Where(v => v.Make != null && v.Make.ToUpper() == make);
        if (model is not null)
        {
            vehicles = vehicles.Where(v => v.Model != null && v.Model.ToUpper() == model);
        }

        if (request.YearFrom is { } from)
        {
            vehicles = vehicles.Where(v => v.Year >= from);
        }

        if (request.YearTo is { } to)
        {
            vehicles = vehicles.Where(v => v.Year <= to);
        }

        var users = await vehicles.Select(v => v.UserId).Distinct().ToListAsync(ct);
        return TypedResults.Ok(await AssignAsync(db, audit, id, users, "garage", time, ct));
    }

    private static async Task<AssignmentResponse> AssignAsync(
        AppDbContext db, AuditTrail audit, Guid promotionId, IReadOnlyList<Guid> users, string by, TimeProvider time,
        CancellationToken ct)
    {
        var now = time.GetUtcNow().UtcDateTime;
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var assigned = 0;
        foreach (var user in users)
        {
            assigned += await db.Database.ExecuteSqlRawAsync(PromotionSql.InsertAssignmentIfMissing, [promotionId, user, now], ct);
        }

        audit.Record(db, "promotions.assigned", $"promotion/{promotionId}", details: new { by, matched = users.Count, assigned });
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        return new AssignmentResponse(promotionId, users.Count, assigned);
    }
}
