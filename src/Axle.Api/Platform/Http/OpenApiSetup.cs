using Microsoft.OpenApi;
using Scalar.AspNetCore;

namespace Axle.Api.Platform.Http;

public static class OpenApiSetup
{
    public static WebApplicationBuilder AddAxleOpenApi(this WebApplicationBuilder builder)
    {
        builder.Services.AddOpenApi("v1", o =>
        {
            o.AddDocumentTransformer((document, _, _) =>
            {
                document.Info = new OpenApiInfo
                {
                    Title = "Axle API",
                    Version = "v1",
                    Description = "Auto parts commerce backend. Errors are RFC 9457 problem details with a stable `code`. " +
                        "Idempotency keys are kept for 24 hours; a replay within that window returns the stored response.",
                };
                return Task.CompletedTask;
            });

            OpenApiContract.Apply(o);
        });
        return builder;
    }

    public static WebApplication MapAxleOpenApi(this WebApplication app)
    {
        app.MapOpenApi("/openapi/{documentName}.json").DisableRateLimiting();
        app.MapScalarApiReference("/docs", o => o
            .WithTitle("Axle API")
            .WithOpenApiRoutePattern("/openapi/{documentName}.json")).DisableRateLimiting();
        return app;
    }
}
