using System.Text.Json;
using System.Text.Json.Nodes;
using Axle.Api.Features.Audit;
using Axle.Api.Platform.Data;
using Axle.Api.Platform.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.AspNetCore.OutputCaching;
using Microsoft.Extensions.Options;

namespace Axle.Api.Features.Catalog;

/// <summary>
/// JSON merge patch (RFC 7396) over the part's writable representation: absent members stay, <c>null</c> clears an
/// optional member (a required one then fails validation), objects merge, arrays replace. The result is validated like
/// a PUT body. Only <see cref="Patchable"/> members may appear; <c>id</c>, <c>version</c>, <c>sku</c> and the rest → 400.
/// </summary>
internal static class PatchPart
{
    public static readonly IReadOnlySet<string> Patchable = new HashSet<string>(StringComparer.Ordinal)
    {
        "name", "description", "price", "coreCharge", "status", "brand", "category", "hazmat", "weightGrams",
        "dimensions", "attributes", "images", "documents", "interchange",
    };

    public static async Task<Results<Ok<PartRepresentation>, ValidationProblem, ProblemHttpResult>> Handle(
        long id, JsonObject patch, HttpContext http, AppDbContext db, AuditTrail audit, IOutputCacheStore cache,
        IOptions<JsonOptions> json, TimeProvider time, CancellationToken ct)
    {
        var refused = patch.Select(m => m.Key).Where(k => !Patchable.Contains(k)).ToList();
        if (refused.Count > 0)
        {
            return Problems.Validation(refused.ToDictionary(
                k => k,
                _ => new[] { $"This member cannot be patched. Patchable: {string.Join(", ", Patchable)}." }));
        }

        if (await PartRepresentation.LoadAsync(db, id, ct) is not { } part)
        {
            return Problems.NotFound("No part has this id.");
        }

        if (Conditional.RequireIfMatch(http, ETags.From(part.Version)) is { } failure)
        {
            return failure;
        }

        var options = json.Value.SerializerOptions;
        var current = (await PartRepresentation.FromAsync(db, part, ct)).ToRequest();
        var target = JsonSerializer.SerializeToNode(current, options)!;
        PartRequest? request;
        try
        {
            request = MergePatch(target, patch).Deserialize<PartRequest>(options);
        }
        catch (JsonException e)
        {
            var field = e.Path is { Length: > 2 } path ? path[2..] : "";
            return Problems.Validation(field, "The value has the wrong type or format.");
        }
        catch (InvalidOperationException)
        {
            // A lone surrogate escape ("\ud800") parses into the node but is no .NET string.
            return Problems.Validation("", "A string holds an unpaired UTF-16 surrogate escape.");
        }

        var errors = request is null ? new() { [""] = ["The body must be a JSON object."] } : PartRules.Validate(request);
        if (errors.Count > 0)
        {
            return Problems.Validation(errors);
        }

        return await ReplacePart.SaveAsync(part, request!, http, db, audit, cache, time, ct);
    }

    /// <summary>RFC 7396 §2 MergePatch(Target, Patch).</summary>
    internal static JsonNode? MergePatch(JsonNode? target, JsonNode? patch)
    {
        if (patch is not JsonObject patchObject)
        {
            return patch?.DeepClone();
        }

        var result = target as JsonObject ?? [];
        foreach (var (name, value) in patchObject)
        {
            if (value is null)
            {
                result.Remove(name);
            }
            else
            {
                var existing = result[name];
                result.Remove(name);
                result[name] = MergePatch(existing, value);
            }
        }

        return result;
    }
}
