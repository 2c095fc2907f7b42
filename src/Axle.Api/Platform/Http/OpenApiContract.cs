using System.Globalization;
using System.Text.Json.Nodes;
using Axle.Api.Platform.Security;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Axle.Api.Platform.Http;

/// <summary>
/// What the OpenAPI document promises beyond the shapes the framework derives (checked by Spectral's OWASP ruleset in CI,
/// docs/security.md): who may call each operation, the limits every value is held to, the rate-limit fields and the error
/// answers every operation can give. Each promise is kept by code elsewhere, named beside it.
/// </summary>
public static class OpenApiContract
{
    public const string Bearer = "Bearer";
    public const string StandardWebhooks = "StandardWebhooks";
    public const string StripeSignature = "StripeSignature";

    private const string ProblemJson = "application/problem+json";
    private const string AllowOrigin = "Access-Control-Allow-Origin";

    /// <summary>
    /// Marks an anonymous endpoint that authenticates its caller by a signature over the body instead of a token, or also by
    /// a machine client's token holding <paramref name="OrScope"/>.
    /// </summary>
    public sealed record SignedBy(string Scheme, string? OrScope = null);

    public static void Apply(OpenApiOptions o)
    {
        o.AddDocumentTransformer((document, _, _) =>
        {
            Describe(document);
            return Task.CompletedTask;
        });
        o.AddOperationTransformer((operation, context, _) =>
        {
            if (context.Document is { } document)
            {
                Secure(operation, context, document);
                Answer(operation, document);
            }

            return Task.CompletedTask;
        });
        o.AddSchemaTransformer((schema, context, _) =>
        {
            Limit(schema, context);
            return Task.CompletedTask;
        });
    }

    private static void Describe(OpenApiDocument document)
    {
        // Relative: the document describes whichever deployment served it, behind whatever TLS front it sits.
        document.Servers =
        [
            new OpenApiServer
            {
                Url = "/",
                Description = "This deployment, local or production: the origin that served this document (HTTPS in production).",
                Extensions = new Dictionary<string, IOpenApiExtension> { ["x-internal"] = new JsonNodeExtension(JsonValue.Create(false)) },
            },
        ];
        document.Components ??= new OpenApiComponents();
        document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
        document.Components.SecuritySchemes[Bearer] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.Http,
            Scheme = "bearer",
            BearerFormat = "JWT",
            Description = "Access token from /api/v1/auth/login or /oauth/token: a JWS conforming to RFC8725 (one pinned " +
                "algorithm, explicit typ at+jwt, issuer and audience checked, short-lived; refresh tokens rotate). The " +
                "requirement of each operation lists the roles (role:…) or machine-client scopes (scope:…) it admits.",
        };
        document.Components.SecuritySchemes[StandardWebhooks] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.ApiKey,
            In = ParameterLocation.Header,
            Name = "webhook-signature",
            Description = "Standard Webhooks: webhook-id, webhook-timestamp (within 5 minutes) and webhook-signature " +
                "v1,<base64 HMAC-SHA256 of \"{id}.{timestamp}.{raw body}\"> with the sender's secret. Any failed check → 401.",
        };
        document.Components.SecuritySchemes[StripeSignature] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.ApiKey,
            In = ParameterLocation.Header,
            Name = "Stripe-Signature",
            Description = "t=<timestamp>,v1=<hex HMAC-SHA256 of \"{t}.{raw body}\"> with Payments:WebhookSecret.",
        };

        document.Components.Headers ??= new Dictionary<string, IOpenApiHeader>();
        document.Components.Headers[RateLimitHeaders.PolicyHeader] = Header(
            "The quotas that counted this request (draft-ietf-httpapi-ratelimit-headers-10): " +
            "\"default\";q=600;w=60 — q requests per w seconds; \"auth\", \"token\" and \"feedback\" where those apply.");
        document.Components.Headers[RateLimitHeaders.StateHeader] = Header(
            "Where the caller stands in each quota: \"default\";r=599;t=42 — r requests remain, the quota returns in t seconds.");
        document.Components.Headers[AllowOrigin] = Header(
            "CORS: the request's Origin echoed back when it is one of Security:CorsOrigins; absent otherwise. Never *, never " +
            "with credentials.");
        document.Components.Headers["Retry-After"] = new OpenApiHeader
        {
            Description = "Seconds to wait before retrying.",
            Schema = new OpenApiSchema { Type = JsonSchemaType.Integer, Format = "int32", Minimum = "1", Maximum = "86400" },
        };
    }

    /// <summary>The security requirement names who is admitted: <c>role:admin</c>, <c>scope:webhooks:manage</c>, or a signature.</summary>
    private static void Secure(OpenApiOperation operation, OpenApiOperationTransformerContext context, OpenApiDocument document)
    {
        var metadata = context.Description.ActionDescriptor.EndpointMetadata;
        if (metadata.OfType<SignedBy>().FirstOrDefault() is { } signed)
        {
            operation.Security ??= [];
            operation.Security.Add(new OpenApiSecurityRequirement
            {
                [new OpenApiSecuritySchemeReference(signed.Scheme, document)] = [],
            });
            if (signed.OrScope is { } scope)
            {
                operation.Security.Add(new OpenApiSecurityRequirement
                {
                    [new OpenApiSecuritySchemeReference(Bearer, document)] = ["scope:" + scope],
                });
            }
        }

        var authorize = metadata.OfType<IAuthorizeData>().ToList();
        if (authorize.Count == 0 || metadata.OfType<IAllowAnonymous>().Any())
        {
            return;
        }

        operation.Security ??= [];
        var admits = authorize
            .SelectMany(a => (a.Policy is { } policy ? Policies.Admits(policy) : [])
                .Concat((a.Roles ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(r => "role:" + r)))
            .Distinct(StringComparer.Ordinal)
            .ToList();
        operation.Security.Add(new OpenApiSecurityRequirement
        {
            [new OpenApiSecuritySchemeReference(Bearer, document)] = admits,
        });
        operation.Responses ??= [];
        operation.Responses["401"] = Problem("Missing, expired or invalid access token.", document);
        operation.Responses.TryAdd("403", Problem("Authenticated but not allowed.", document));
    }

    /// <summary>Every operation is rate limited and can fail: the 429 and 500 problems, and the quota fields on each answer.</summary>
    private static void Answer(OpenApiOperation operation, OpenApiDocument document)
    {
        operation.Responses ??= [];
        operation.Responses["429"] = Problem("Rate limited: wait Retry-After seconds.", document, retryAfter: true);
        operation.Responses.TryAdd("500", Problem("Unexpected failure: a problem with a traceId, never internals.", document));
        foreach (var (status, response) in operation.Responses)
        {
            if (status[0] is not ('2' or '4') || response is not OpenApiResponse concrete)
            {
                continue;
            }

            if (status[0] == '4' && concrete.Content is not { Count: > 0 })
            {
                concrete.Content = ProblemContent(document);
            }

            concrete.Headers ??= new Dictionary<string, IOpenApiHeader>();
            concrete.Headers[AllowOrigin] = new OpenApiHeaderReference(AllowOrigin, document);
            concrete.Headers[RateLimitHeaders.PolicyHeader] = new OpenApiHeaderReference(RateLimitHeaders.PolicyHeader, document);
            concrete.Headers[RateLimitHeaders.StateHeader] = new OpenApiHeaderReference(RateLimitHeaders.StateHeader, document);
        }
    }

    /// <summary>
    /// Bounds on every value. Strings: their own limit, else <see cref="RequestBodyLimitMiddleware.MaxJsonStringLength"/> in bodies and
    /// <see cref="RequestBodyLimitMiddleware.MaxParameterLength"/> in parameters (both enforced for every request), and the
    /// length of their format (uuid, date-time). Integers: their own range, else their format's. Pages: at most
    /// <see cref="Pagination.MaxLimit"/> items.
    /// </summary>
    private static void Limit(OpenApiSchema schema, OpenApiSchemaTransformerContext context)
    {
        var type = schema.Type ?? 0;
        if (type.HasFlag(JsonSchemaType.String) && schema.MaxLength is null && schema.Enum is not { Count: > 0 } && schema.Const is null)
        {
            schema.MaxLength = schema.Format switch
            {
                "uuid" => 36,
                "date" => 10,
                "date-time" => 40,
                "byte" => null,
                _ => context.ParameterDescription is not null ? RequestBodyLimitMiddleware.MaxParameterLength : RequestBodyLimitMiddleware.MaxJsonStringLength,
            };
        }

        if (type.HasFlag(JsonSchemaType.Integer))
        {
            var wide = schema.Format == "int64";
            schema.Minimum ??= (wide ? long.MinValue : int.MinValue).ToString(CultureInfo.InvariantCulture);
            schema.Maximum ??= (wide ? long.MaxValue : int.MaxValue).ToString(CultureInfo.InvariantCulture);
        }

        if (type.HasFlag(JsonSchemaType.Array) && schema.MaxItems is null
            && context.JsonPropertyInfo is { Name: "items" } property
            && property.DeclaringType.GetProperty("NextCursor") is not null)
        {
            schema.MaxItems = Pagination.MaxLimit;
        }

        // The framework's validation problem: Problems.NormalizeValidation keeps at most that many messages per field.
        if (context.JsonTypeInfo.Type == typeof(HttpValidationProblemDetails)
            && schema.Properties is { } properties && properties.TryGetValue("errors", out var errors)
            && errors is OpenApiSchema { AdditionalProperties: OpenApiSchema messages })
        {
            messages.MaxItems = Problems.MaxMessagesPerField;
        }
    }

    private static OpenApiHeader Header(string description) => new()
    {
        Description = description,
        Schema = new OpenApiSchema { Type = JsonSchemaType.String, MaxLength = 256 },
    };

    private static OpenApiResponse Problem(string description, OpenApiDocument document, bool retryAfter = false)
    {
        var response = new OpenApiResponse { Description = description, Content = ProblemContent(document) };
        if (retryAfter)
        {
            response.Headers = new Dictionary<string, IOpenApiHeader>
            {
                ["Retry-After"] = new OpenApiHeaderReference("Retry-After", document),
                [AllowOrigin] = new OpenApiHeaderReference(AllowOrigin, document),
            };
        }

        return response;
    }

    private static Dictionary<string, OpenApiMediaType> ProblemContent(OpenApiDocument document) => new()
    {
        [ProblemJson] = new OpenApiMediaType { Schema = new OpenApiSchemaReference("ProblemDetails", document) },
    };
}
