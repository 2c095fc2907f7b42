using System.Text.Json;
using Axle.Api.Features.Audit;
using Axle.Api.Features.Suppliers.Feeds;
using Axle.Api.Features.Suppliers.Mapping;
using Axle.Api.Platform.Data;
using Axle.Api.Platform.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Axle.Api.Features.Suppliers.Sync;

/// <summary>
/// <c>PUT /api/v1/suppliers/{id}/feed</c> (admin): turns pulling on, or changes how. The settings are checked (shape, and
/// every URL through the SSRF guard); credentials are stored encrypted and never shown again. <c>DELETE</c> turns pulling off.
/// </summary>
internal static class ConfigureFeed
{
    /// <summary>
    /// <paramref name="Credentials"/> omitted keeps the stored ones (for a settings-only change). <paramref name="Mapping"/>:
    /// an object replaces the supplier's mapping, <c>null</c> says the feed's records are in Axle's own format, omitted keeps
    /// the current mapping (which must then exist).
    /// </summary>
    public sealed record Request(FeedSettings? Settings, FeedCredentials? Credentials, JsonElement Mapping);

    public static async Task<Results<Ok<SupplierResponse>, ValidationProblem, ProblemHttpResult>> Put(
        long id, Request request, HttpContext http, AppDbContext db, SupplierSecrets secrets, OutboundUrlGuard guard, AuditTrail audit,
        TimeProvider time, CancellationToken ct)
    {
        if (await db.Set<Supplier>().FirstOrDefaultAsync(s => s.Id == id, ct) is not { } supplier)
        {
            return Problems.NotFound("No supplier has this id.");
        }

        if (Conditional.CheckIfMatch(http, ETags.From(supplier.Version)) is { } stale)
        {
            return stale;
        }

        var errors = new Dictionary<string, string[]>();
        if (request.Settings is not { } settings)
        {
            return Problems.Validation("settings", "The feed settings are required.");
        }

        foreach (var (field, messages) in await settings.ValidateAsync(guard, ct))
        {
            errors["settings." + field] = messages;
        }

        FeedCredentials? credentials = null;
        if (settings.Auth.Kind != FeedAuthKind.None)
        {
            credentials = request.Credentials ?? (supplier.FeedCredentials is { } stored
                ? JsonSerializer.Deserialize<FeedCredentials>(secrets.UnprotectCredentials(stored), SupplierResponse.Json)
                : null);
            if (credentials is null)
            {
                errors["credentials"] = ["Credentials are required for this authentication kind."];
            }
            else
            {
                foreach (var (field, messages) in credentials.Validate(settings.Auth.Kind))
                {
                    errors["credentials." + field] = messages;
                }
            }
        }

        var mappingJson = supplier.Mapping;
        switch (request.Mapping.ValueKind)
        {
            case JsonValueKind.Undefined when supplier.Mapping is null:
                errors["mapping"] = ["A pull feed needs a mapping of its records; send null if they are in Axle's own format."];
                break;
            case JsonValueKind.Undefined:
                break;
            case JsonValueKind.Null:
                mappingJson = null;
                break;
            case JsonValueKind.Object:
                try
                {
                    var mapping = request.Mapping.Deserialize<SupplierMapping>(SupplierResponse.Json);
                    SupplierInput.CheckMapping(mapping, errors);
                    mappingJson = SupplierInput.SerializeMapping(mapping);
                }
                catch (JsonException)
                {
                    errors["mapping"] = ["The mapping does not have the expected shape."];
                }

                break;
            default:
                errors["mapping"] = ["The mapping is an object, or null for Axle's own format."];
                break;
        }

        if (errors.Count > 0)
        {
            return Problems.Validation(errors);
        }

        var now = time.GetUtcNow().UtcDateTime;
        supplier.SetFeed(
            JsonSerializer.Serialize(settings, SupplierResponse.Json),
            credentials is null ? null : secrets.ProtectCredentials(JsonSerializer.Serialize(credentials, SupplierResponse.Json)));
        supplier.SetMapping(mappingJson);
        supplier.Touch(now);
        audit.Record(db, "suppliers.feed_configured", $"supplier/{supplier.Id}", details: new
        {
            settings.Url,
            Format = settings.Format.ToString(),
            Auth = settings.Auth.Kind.ToString(),
            CredentialsChanged = request.Credentials is not null,
            MappingChanged = request.Mapping.ValueKind != JsonValueKind.Undefined,
        });
        if (await SaveAsync(db, ct) is { } conflict)
        {
            return conflict;
        }

        Conditional.SetETag(http, ETags.From(supplier.Version));
        return TypedResults.Ok(SupplierResponse.From(supplier, await SupplierInput.WarehouseCodesAsync(db, id, ct), now));
    }

    /// <summary><c>DELETE /api/v1/suppliers/{id}/feed</c>: no more pulls (queued runs fail with no_feed); credentials are erased.</summary>
    public static async Task<Results<NoContent, ProblemHttpResult>> Delete(
        long id, HttpContext http, AppDbContext db, AuditTrail audit, TimeProvider time, CancellationToken ct)
    {
        if (await db.Set<Supplier>().FirstOrDefaultAsync(s => s.Id == id, ct) is not { } supplier)
        {
            return Problems.NotFound("No supplier has this id.");
        }

        if (Conditional.CheckIfMatch(http, ETags.From(supplier.Version)) is { } stale)
        {
            return stale;
        }

        if (supplier.Feed is not null || supplier.FeedCredentials is not null)
        {
            supplier.SetFeed(null, null);
            supplier.Touch(time.GetUtcNow().UtcDateTime);
            audit.Record(db, "suppliers.feed_removed", $"supplier/{supplier.Id}");
            if (await SaveAsync(db, ct) is { } conflict)
            {
                return conflict;
            }
        }

        return TypedResults.NoContent();
    }

    private static async Task<ProblemHttpResult?> SaveAsync(AppDbContext db, CancellationToken ct)
    {
        try
        {
            await db.SaveChangesAsync(ct);
            return null;
        }
        catch (DbUpdateConcurrencyException)
        {
            return Problems.Create(StatusCodes.Status412PreconditionFailed, "precondition_failed", "Precondition failed",
                "The supplier changed while this request ran. GET it again for the current ETag and retry.");
        }
    }
}
