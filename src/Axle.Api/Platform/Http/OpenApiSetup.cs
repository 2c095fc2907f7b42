using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;
using Scalar.AspNetCore;

namespace Axle.Api.Platform.Http;

public static class OpenApiSetup
{
    public static WebApplicationBuilder AddAxleOpenApi(this WebApplicationBuilder builder)
    {
        builder.Services.AddOpenApi("v1", o =>
        {
            // Use cases nest their records (PlaceOrder.Request, CreateShipment.Item): by plain type name every `Request`
            // would share one schema and most operations would document another's body. The declaring type keeps them apart.
            o.CreateSchemaReferenceId = type => OpenApiOptions.CreateDefaultSchemaReferenceId(type) is null ? null : SchemaId(type.Type);
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

    /// <summary><c>PlaceOrder.Request</c> → <c>PlaceOrderRequest</c>; <c>Page&lt;SearchParts.Item&gt;</c> → <c>PageOfSearchPartsItem</c>.</summary>
    internal static string SchemaId(Type type)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        if (type.IsArray)
        {
            return "ArrayOf" + SchemaId(type.GetElementType()!);
        }

        var name = type.IsGenericType
            ? type.Name[..type.Name.IndexOf('`', StringComparison.Ordinal)] + "Of" + string.Concat(type.GetGenericArguments().Select(SchemaId))
            : type.Name;
        return type.IsNested && type.DeclaringType is { IsGenericType: false } outer ? SchemaId(outer) + name : name;
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
