using Axle.Api.Platform.Security;

namespace Axle.Api.Features.Catalog;

/// <summary>POST /api/v1/parts, PUT|PATCH|DELETE /api/v1/parts/{id}.</summary>
internal static class PartWriteEndpoints
{
    public static WebApplication MapPartWrites(this WebApplication app)
    {
        var parts = app.MapGroup("/api/v1/parts").WithTags("Parts")
            .RequireAuthorization(Policies.ScopeOrRoles("catalog:write", Roles.CatalogManager, Roles.Admin))
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden);

        parts.MapPost("/", CreatePart.Handle)
            .WithSummary("Create a part")
            .WithDescription("The brand is created when new; the category (slug or name) must exist. Duplicate SKU → 409 sku_taken.")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status409Conflict);
        parts.MapPut("/{id:long}", ReplacePart.Handle)
            .WithSummary("Replace a part")
            .WithDescription("Full replace: absent optional members are cleared, except status (kept). Requires If-Match (428 without, 412 stale).")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status412PreconditionFailed)
            .ProducesProblem(StatusCodes.Status428PreconditionRequired);
        parts.MapPatch("/{id:long}", PatchPart.Handle)
            .Accepts<PartRequest>("application/merge-patch+json", "application/json")
            .WithSummary("Change some members of a part (JSON merge patch)")
            .WithDescription("Patchable: " + string.Join(", ", PatchPart.Patchable) +
                ". null clears an optional member; arrays replace. Requires If-Match (428 without, 412 stale).")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status412PreconditionFailed)
            .ProducesProblem(StatusCodes.Status428PreconditionRequired);
        parts.MapDelete("/{id:long}", DeletePart.Handle)
            .WithSummary("Delete a part, or discontinue it when orders refer to it")
            .WithDescription("204 when deleted; 200 with the discontinued part when it is referenced. Requires If-Match.")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status412PreconditionFailed)
            .ProducesProblem(StatusCodes.Status428PreconditionRequired);
        return app;
    }
}
