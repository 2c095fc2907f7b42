using Axle.Api.Features.Catalog.Imports;
using Axle.Api.Platform.Hosting;
using Axle.Api.Platform.Security;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

namespace Axle.Api.Features.Catalog;

/// <summary>POST /api/v1/catalog/imports and GET /api/v1/catalog/imports/{id}.</summary>
internal static class ImportEndpoints
{
    public static WebApplicationBuilder AddCatalogImports(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<CatalogImportOptions>().BindConfiguration(CatalogImportOptions.Section)
            .ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddWorker<CatalogImportWorker>();
        return builder;
    }

    public static WebApplication MapCatalogImports(this WebApplication app)
    {
        var maxFileBytes = app.Services.GetRequiredService<IOptions<CatalogImportOptions>>().Value.MaxFileBytes;
        var group = app.MapGroup("/api/v1/catalog/imports")
            .WithTags("Catalog imports")
            .RequireAuthorization(Policies.ScopeOrRoles("catalog:write", Roles.CatalogManager, Roles.Admin));

        group.MapPost("/", StartImport.Handle)
            .WithName("StartCatalogImport")
            .WithSummary("Upload a catalog file for import")
            .WithDescription("The raw file is the request body. Format: ?format=csv|jsonl|aces|pies, or Content-Type text/csv, " +
                "application/x-ndjson; XML (ACES fitment, PIES items) needs ?format=. Optional ?fileName= or Content-Disposition. " +
                "The file is stored and applied in the background: 202 with the job id and a Location to poll. " +
                "Bodies up to CatalogImports:MaxFileBytes (default 1 GiB) are accepted here.")
            // This endpoint alone takes large bodies; RequestBodyLimitMiddleware and Kestrel honour the metadata.
            .WithMetadata(new RequestSizeLimitAttribute(maxFileBytes))
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType);
        group.MapGet("/{id:guid}", GetImport.Handle)
            .WithName("GetCatalogImport")
            .WithSummary("Import job status, counts and row errors")
            .WithDescription("Status queued, running, succeeded, completed_with_errors or failed; counts of rows read, inserted, " +
                "updated, unchanged, deleted (ACES D) and rejected, updated after every batch; the first 100 row errors by line.");
        return app;
    }
}
